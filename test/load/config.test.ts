import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics, type Diagnostic } from '../../scripts/diagnostics/diagnostics.js';
import { formatJsonPath, loadConfig, parseConfig, type ProjectConfig } from '../../scripts/load/config.js';
import { projectRoot } from '../helpers/shared.js';

const good = {
  packageId: 'example.fhir.test',
  version: '1.2.7',
  canonical: 'https://fhir.example.org/STU3',
  fhirVersion: '3.0.2',
  title: 'Test',
  description: 'A test project',
  author: 'Tester',
  license: 'Apache-2.0',
  dependencies: { 'hl7.fhir.r3.core': '3.0.2' },
  dependencySources: [{ type: 'directory', path: '../packages' }, { type: 'fhir-cache' }, { type: 'registry' }],
  sources: ['profiles', 'valuesets'],
  examples: 'examples',
};

const file = '/projects/demo/fhir.config.json';
const options = { env: {}, homeDir: '/home/tester' };

function parse(value: unknown, opts = options): { config: ProjectConfig | undefined; diagnostics: Diagnostic[] } {
  const d = new Diagnostics();
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const config = parseConfig(text, file, d, opts);
  return { config, diagnostics: d.sorted() };
}

function withField(field: string, value: unknown): Record<string, unknown> {
  return { ...good, [field]: value };
}

function errorsOf(diags: Diagnostic[]): Array<{ code: string; path?: string }> {
  return diags.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, ...(d.path ? { path: d.path } : {}) }));
}

describe('loadConfig', () => {
  it('reads the project config with no problems', () => {
    const d = new Diagnostics();
    const config = loadConfig(join(projectRoot, 'fhir.config.json'), d);
    expect(d.all.filter((x) => x.severity !== 'information')).toEqual([]);
    expect(config?.packageId).toBe('nhsdigital.gpconnect.stu3');
    expect(config?.projectRoot).toBe(projectRoot);
    expect(config?.dependencies).toEqual({ 'hl7.fhir.r3.core': '3.0.2' });
    expect(config?.dependencySources[0]).toEqual({ type: 'directory', path: join(projectRoot, '..', 'shared', 'fhir-packages') });
    expect(config?.sources).toEqual(['profiles', 'valuesets', 'codesystems', 'capabilities'].map((s) => join(projectRoot, s)));
    expect(config?.examples).toBe(join(projectRoot, 'examples'));
  });

  it('resolves paths against the config file and fills in the defaults', () => {
    const { config, diagnostics } = parse(good);
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      ...good,
      file,
      projectRoot: '/projects/demo',
      dependencySources: [
        { type: 'directory', path: '/projects/packages' },
        { type: 'fhir-cache', path: '/home/tester/.fhir/packages' },
        { type: 'registry', url: undefined },
      ],
      sources: ['/projects/demo/profiles', '/projects/demo/valuesets'],
      examples: '/projects/demo/examples',
      languageCodeSystems: [],
      validationDependencies: {},
      rules: {},
      suppressions: [],
      resourceVersions: 'check',
    });
  });

  it('needs only packageId, version, canonical and fhirVersion; the rest has defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fhir-config-'));
    try {
      for (const folder of ['profiles', 'codesystems', 'examples']) mkdirSync(join(dir, folder));
      const minimal = { packageId: 'example.minimal', version: '0.1.0', canonical: 'https://example.org/fhir', fhirVersion: '3.0.2' };
      writeFileSync(join(dir, 'fhir.config.json'), JSON.stringify(minimal));
      const d = new Diagnostics();
      const config = loadConfig(join(dir, 'fhir.config.json'), d, options);
      expect(d.all).toEqual([]);
      expect(config).toMatchObject({ ...minimal, title: 'example.minimal', dependencies: { 'hl7.fhir.r3.core': '3.0.2' }, examples: join(dir, 'examples') });
      // the default source folders that exist, in order
      expect(config?.sources).toEqual([join(dir, 'profiles'), join(dir, 'codesystems')]);
      expect(config).not.toHaveProperty('author');
      for (const field of ['packageId', 'version', 'canonical', 'fhirVersion']) {
        const { [field]: _omit, ...rest } = minimal as Record<string, string>;
        expect(errorsOf(parse(rest).diagnostics)).toEqual([{ code: 'config.missing-field', path: field }]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads rule severities and suppressions; unknown ids are warnings with a suggestion, fixed rules errors', () => {
    const text = JSON.stringify(
      {
        ...good,
        rules: { 'profile.url-convention': 'error', 'example.*': 'warning', 'profile.url-conventoin': 'error', 'load.xml-malformed': 'off', 'profile.min-above-max': 'loud' },
        suppressions: [
          { rule: 'terminology.iso639-display', resource: 'CodeSystem/Languages-1', path: 'CodeSystem.concept[3]', reason: 'ISO 639-2 names it differently' },
          { rule: 'profile.min-below-base' },
          { rule: 'load.json-malformed', reason: 'x' },
        ],
      },
      null,
      2,
    );
    const { config, diagnostics } = parse(text);
    expect(config?.rules).toEqual({ 'profile.url-convention': 'error', 'example.*': 'warning' });
    expect(config?.suppressions).toEqual([
      { rule: 'terminology.iso639-display', resource: 'CodeSystem/Languages-1', path: 'CodeSystem.concept[3]', reason: 'ISO 639-2 names it differently', where: { file: 'fhir.config.json', path: 'suppressions[0]', line: expect.any(Number) } },
    ]);
    const errors = errorsOf(diagnostics);
    expect(errors).toHaveLength(4);
    expect(errors).toEqual(
      expect.arrayContaining([
        { code: 'config.missing-field', path: 'suppressions[1].reason' },
        { code: 'config.invalid-value', path: 'suppressions[2].rule' },
        { code: 'config.invalid-value', path: "rules['load.xml-malformed']" },
        { code: 'config.invalid-value', path: "rules['profile.min-above-max']" },
      ]),
    );
    const unknown = diagnostics.find((d) => d.code === 'config.unknown-rule');
    expect(unknown).toMatchObject({ severity: 'warning', path: "rules['profile.url-conventoin']" });
    expect(unknown?.message).toContain('did you mean profile.url-convention?');
    expect(diagnostics.every((d) => d.line !== undefined && d.line > 1)).toBe(true);
  });

  it('reads validationDependencies like dependencies, kept apart from them', () => {
    const { config, diagnostics } = parse(withField('validationDependencies', { 'hl7.fhir.r3.expansions': '3.0.2' }));
    expect(diagnostics).toEqual([]);
    expect(config?.validationDependencies).toEqual({ 'hl7.fhir.r3.expansions': '3.0.2' });
    expect(config?.dependencies).not.toHaveProperty('hl7.fhir.r3.expansions');
    const bad = parse(withField('validationDependencies', { 'hl7.fhir.r3.expansions': 'three' }));
    expect(bad.diagnostics.map((d) => d.path)).toEqual(["validationDependencies['hl7.fhir.r3.expansions']"]);
  });

  it('takes the registry from FPL_REGISTRY unless the config names one, and expands ~ in a cache path', () => {
    const sources = [{ type: 'fhir-cache', path: '~/cache' }, { type: 'registry' }, { type: 'registry', url: 'https://reg.example.org/npm' }];
    const { config, diagnostics } = parse(withField('dependencySources', sources), { env: { FPL_REGISTRY: 'https://mirror.example.org' }, homeDir: '/home/t' });
    expect(diagnostics).toEqual([]);
    expect(config?.dependencySources).toEqual([
      { type: 'fhir-cache', path: '/home/t/cache' },
      { type: 'registry', url: 'https://mirror.example.org' },
      { type: 'registry', url: 'https://reg.example.org/npm' },
    ]);
  });

  it('defaults the dependency sources to the FHIR cache then the registry', () => {
    const { dependencySources: _omit, ...rest } = good;
    const { config, diagnostics } = parse(rest);
    expect(diagnostics).toEqual([]);
    expect(config?.dependencySources).toEqual([
      { type: 'fhir-cache', path: '/home/tester/.fhir/packages' },
      { type: 'registry', url: undefined },
    ]);
  });

  it.each([
    ['packageId', 'Example.FHIR.Test', 'config.invalid-package-name', 'must be lowercase'],
    ['packageId', 'example', 'config.invalid-package-name', 'at least two'],
    ['packageId', 'example.1abc', 'config.invalid-package-name', 'starting with a letter'],
    ['packageId', 'example_x.fhir', 'config.invalid-package-name', 'dot-separated'],
    ['version', '1.2', 'config.invalid-value', 'semver'],
    ['version', '1.2.7-preview.1', 'config.invalid-value', '-alpha.N'],
    ['version', '01.2.7', 'config.invalid-value', 'semver'],
    ['canonical', 'fhir.example.org/STU3', 'config.invalid-value', 'absolute http(s) URL'],
    ['canonical', 'https://fhir.example.org/STU3/', 'config.invalid-value', "must not end with '/'"],
    ['fhirVersion', '4.0.1', 'config.invalid-value', 'not supported'],
    ['title', '', 'config.invalid-value', 'must not be empty'],
    ['author', 42, 'config.invalid-type', 'must be a string'],
    ['sources', 'profiles', 'config.invalid-type', 'array'],
    ['examples', 7, 'config.invalid-type', 'folder path'],
    ['dependencies', ['hl7.fhir.r3.core'], 'config.invalid-type', 'object'],
    ['dependencySources', { type: 'directory' }, 'config.invalid-type', 'array'],
  ])('reports %s = %j', (field, value, code, text) => {
    const { config, diagnostics } = parse(withField(field, value));
    expect(config).toBeDefined();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code, file: 'fhir.config.json', path: field });
    expect(errors[0]?.message).toContain(text);
    expect(errors[0]?.line).toBeGreaterThan(1);
  });

  it.each(['1.2.7', '1.2.7-alpha.1', '1.2.7-beta.12', '2.0.0-rc.0', '0.1.0'])('accepts version %s', (version) => {
    expect(parse(withField('version', version)).diagnostics).toEqual([]);
  });

  it('reports every problem at once, each with its JSON path', () => {
    const bad = {
      packageId: 'Bad Name',
      version: 'one',
      fhirVersion: '3.0.1',
      title: 'T',
      description: 'D',
      author: 'A',
      license: 'Apache-2.0',
      dependencies: { 'hl7.fhir.r3.core': '3.0', 'Bad Dep': '1.0.0', 'hl7.fhir.us.core': 3 },
      dependencySources: [{ type: 'directory' }, { type: 'ftp', path: 'x' }, { type: 'registry', url: 'not a url' }, 'cache', { type: 'fhir-cache', path: '' }],
      sources: ['profiles', '', 3],
      extra: true,
    };
    const { config, diagnostics } = parse(bad);
    expect(config).toBeDefined();
    expect(errorsOf(diagnostics)).toEqual(
      expect.arrayContaining([
        { code: 'config.invalid-package-name', path: 'packageId' },
        { code: 'config.invalid-value', path: 'version' },
        { code: 'config.missing-field', path: 'canonical' },
        { code: 'config.invalid-value', path: 'fhirVersion' },
        { code: 'config.invalid-value', path: "dependencies['hl7.fhir.r3.core']" },
        { code: 'config.invalid-package-name', path: "dependencies['Bad Dep']" },
        { code: 'config.invalid-type', path: "dependencies['hl7.fhir.us.core']" },
        { code: 'config.missing-field', path: 'dependencySources[0].path' },
        { code: 'config.invalid-value', path: 'dependencySources[1].type' },
        { code: 'config.invalid-value', path: 'dependencySources[2].url' },
        { code: 'config.invalid-type', path: 'dependencySources[3]' },
        { code: 'config.invalid-type', path: 'dependencySources[4].path' },
        { code: 'config.invalid-type', path: 'sources[1]' },
        { code: 'config.invalid-type', path: 'sources[2]' },
      ]),
    );
    expect(errorsOf(diagnostics)).toHaveLength(14);
    expect(diagnostics.find((d) => d.code === 'config.unknown-field')).toMatchObject({ severity: 'warning', path: 'extra' });
    expect(diagnostics.every((d) => d.file === 'fhir.config.json')).toBe(true);
  });

  it('points at the line of the bad field', () => {
    const text = '{\n  "packageId": "example.fhir.test",\n  "version": "x",\n  "canonical": "https://e.org/f"\n}';
    const { diagnostics } = parse(text);
    expect(diagnostics.find((d) => d.path === 'version')?.line).toBe(3);
    expect(diagnostics.find((d) => d.path === 'fhirVersion')).toMatchObject({ code: 'config.missing-field', line: 1 });
  });

  it('warns about unpinned dependencies and a missing core dependency, and rejects other versions', () => {
    const { diagnostics } = parse(withField('dependencies', { 'hl7.fhir.r3.expansions': 'latest', 'uk.core.r3': '1.0.x', 'other.pkg': '^1.0.0' }));
    expect(diagnostics.filter((d) => d.code === 'config.unpinned-dependency').map((d) => d.path)).toEqual([
      "dependencies['hl7.fhir.r3.expansions']",
      "dependencies['uk.core.r3']",
    ]);
    expect(diagnostics.find((d) => d.code === 'config.no-core-dependency')?.severity).toBe('warning');
    expect(errorsOf(diagnostics)).toEqual([{ code: 'config.invalid-value', path: "dependencies['other.pkg']" }]);
  });

  it('reports JSON syntax errors with their line and returns nothing', () => {
    const { config, diagnostics } = parse('{\n  "packageId": "a.b",\n  "version": "1.0.0",\n}');
    expect(config).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ severity: 'error', code: 'config.syntax', file: 'fhir.config.json', line: 4 });
  });

  it('rejects a config that is not an object', () => {
    const { config, diagnostics } = parse('[1, 2]');
    expect(config).toBeUndefined();
    expect(errorsOf(diagnostics)).toEqual([{ code: 'config.invalid-type' }]);
  });

  it('reports a missing file without throwing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fhir-config-'));
    try {
      const d = new Diagnostics();
      expect(loadConfig(join(dir, 'fhir.config.json'), d)).toBeUndefined();
      expect(d.all[0]).toMatchObject({ severity: 'error', code: 'config.unreadable', file: 'fhir.config.json' });
      writeFileSync(join(dir, 'fhir.config.json'), JSON.stringify(good));
      const config = loadConfig(join(dir, 'fhir.config.json'), new Diagnostics(), options);
      expect(config?.sources[0]).toBe(join(dir, 'profiles'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats JSON paths', () => {
    expect(formatJsonPath(['dependencies', 'hl7.fhir.r3.core'])).toBe("dependencies['hl7.fhir.r3.core']");
    expect(formatJsonPath(['dependencySources', 2, 'url'])).toBe('dependencySources[2].url');
  });
});
