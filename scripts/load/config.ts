/**
 * Reads and validates `fhir.config.json`, the project's one config file. Bad content never throws:
 * every problem becomes a diagnostic (file `fhir.config.json`, its line, and the JSON path of the
 * field), and the config is still returned with what could be read, so a run shows every problem.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import semver from 'semver';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import { isObject, errorMessage } from '../util/values.js';

export const CONFIG_FILE_NAME = 'fhir.config.json';
export const SUPPORTED_FHIR_VERSION = '3.0.2';

/** Where dependency packages are looked for, in the configured order (paths absolute). */
export type DependencySource =
  /** A folder of package tarballs named `<name>-<version>.tgz` (read-only; extracted into the project cache). */
  | { type: 'directory'; path: string }
  /** A FHIR package cache in the usual layout `<name>#<version>/package/...` (read-only). */
  | { type: 'fhir-cache'; path: string }
  /** An NPM-style FHIR registry; `url` undefined means fhir-package-loader's default (packages.fhir.org, packages2.fhir.org). */
  | { type: 'registry'; url: string | undefined };

export interface ProjectConfig {
  /** Absolute path of the config file. */
  file: string;
  /** The folder holding the config file; relative paths in the config are resolved against it. */
  projectRoot: string;
  packageId: string;
  version: string;
  canonical: string;
  fhirVersion: string;
  title: string;
  description: string;
  author: string;
  license: string;
  /** Package name to version, as in package.json. */
  dependencies: Record<string, string>;
  /**
   * Packages the validators need but the built package does not depend on (hl7.fhir.r3.expansions for
   * binding checks): loaded like dependencies, never written into package.json.
   */
  validationDependencies: Record<string, string>;
  dependencySources: DependencySource[];
  /** Absolute source folders, in the configured order. */
  sources: string[];
  /** Absolute examples folder, if configured. */
  examples: string | undefined;
  /** Code systems whose codes are ISO 639 language codes: their displays are checked against ISO 639-2. */
  languageCodeSystems: string[];
  /** npm name of the generated TypeScript types package (`generated/types/`); undefined: `<packageId>-types`. */
  typesPackage?: string;
  /**
   * The previous released version (a tarball or folder, relative to the config, or `name@version`): the
   * build refuses breaking changes to artefacts that keep their major version (scripts/release/).
   */
  previousPackage?: string;
}

/** The packages to load: the dependencies and the validation-only packages (which stay out of package.json). */
export function packagesToLoad(config: ProjectConfig): ProjectConfig {
  return { ...config, dependencies: { ...config.dependencies, ...config.validationDependencies } };
}

/**
 * Where packages are looked for outside a project: the given folders of tarballs, the FHIR package cache
 * (`~/.fhir/packages`), then the registry (`FPL_REGISTRY`, else packages.fhir.org).
 */
export function defaultDependencySources(tarballFolders: readonly string[] = [], options: ConfigOptions = {}): DependencySource[] {
  const env = options.env ?? process.env;
  const registry = env.FPL_REGISTRY?.trim() || undefined;
  return [
    ...tarballFolders.map((path): DependencySource => ({ type: 'directory', path: resolve(path) })),
    { type: 'fhir-cache', path: join(options.homeDir ?? homedir(), '.fhir', 'packages') },
    { type: 'registry', url: registry },
  ];
}

export interface ConfigOptions {
  /** Environment for `FPL_REGISTRY` (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Home folder for the default FHIR cache `~/.fhir/packages` (default `os.homedir()`). */
  homeDir?: string;
}

/** FHIR NPM package names: two or more dot-separated parts, each a lowercase letter then lowercase letters, digits or dashes. */
export const FHIR_PACKAGE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
/** The project's own version: x.y.z with an optional `-alpha.N`, `-beta.N` or `-rc.N`. */
export const PROJECT_VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(alpha|beta|rc)\.(0|[1-9]\d*))?$/;

const KNOWN_FIELDS = new Set([
  'packageId', 'version', 'canonical', 'fhirVersion', 'title', 'description', 'author', 'license',
  'dependencies', 'dependencySources', 'sources', 'examples', 'languageCodeSystems', 'validationDependencies', 'typesPackage', 'previousPackage',
]);
const DEFAULT_SOURCES: ReadonlyArray<{ type: 'fhir-cache' } | { type: 'registry' }> = [{ type: 'fhir-cache' }, { type: 'registry' }];

type JsonPath = Array<string | number>;

/** Reads `fhir.config.json` (or the given file). Undefined only when the file cannot be read or is not a JSON object. */
export function loadConfig(file: string, diagnostics: Diagnostics, options: ConfigOptions = {}): ProjectConfig | undefined {
  const absolute = resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    const reason = errorMessage(e);
    diagnostics.error('config.unreadable', `cannot read the project config ${absolute}: ${reason}`, { file: basename(absolute) });
    return undefined;
  }
  return parseConfig(text, absolute, diagnostics, options);
}

/** Validates config text; `file` (absolute) names it in diagnostics and anchors relative paths. */
export function parseConfig(text: string, file: string, diagnostics: Diagnostics, options: ConfigOptions = {}): ProjectConfig | undefined {
  const v = new Validator(text, file, diagnostics);
  const root = v.parse();
  if (root === undefined) return undefined;
  const projectRoot = dirname(file);
  const env = options.env ?? process.env;
  const home = options.homeDir ?? homedir();

  for (const key of Object.keys(root)) {
    if (!KNOWN_FIELDS.has(key)) v.warn('config.unknown-field', [key], `unknown field '${key}' (ignored)`);
  }

  const packageId = v.requiredString(root, 'packageId');
  if (packageId) checkPackageName(v, packageId, ['packageId'], 'error');

  const version = v.requiredString(root, 'version');
  if (version && !PROJECT_VERSION.test(version)) {
    v.error('config.invalid-value', ['version'], `version '${version}' must be semver x.y.z, optionally with -alpha.N, -beta.N or -rc.N`);
  }

  const canonical = v.requiredString(root, 'canonical');
  if (canonical) checkCanonical(v, canonical);

  const fhirVersion = v.requiredString(root, 'fhirVersion');
  if (fhirVersion && fhirVersion !== SUPPORTED_FHIR_VERSION) {
    v.error('config.invalid-value', ['fhirVersion'], `fhirVersion '${fhirVersion}' is not supported: this toolchain builds FHIR ${SUPPORTED_FHIR_VERSION} (STU3)`);
  }

  const title = v.requiredString(root, 'title');
  const description = v.requiredString(root, 'description');
  const author = v.requiredString(root, 'author');
  const license = v.requiredString(root, 'license');
  if (license && !/^[A-Za-z0-9][A-Za-z0-9.+-]*( (AND|OR|WITH) [A-Za-z0-9][A-Za-z0-9.+-]*)*$/.test(license)) {
    v.warn('config.invalid-value', ['license'], `license '${license}' does not look like an SPDX identifier (e.g. Apache-2.0, CC0-1.0)`);
  }

  const dependencies = readDependencies(v, root, packageId);
  const validationDependencies = root.validationDependencies === undefined ? {} : readDependencies(v, root, packageId, 'validationDependencies');
  const dependencySources = readSources(v, root, projectRoot, env, home);

  const sources: string[] = [];
  const rawSources = root.sources;
  if (rawSources === undefined) v.error('config.missing-field', ['sources'], `missing required field 'sources' (a list of source folders)`);
  else if (!Array.isArray(rawSources)) v.error('config.invalid-type', ['sources'], `'sources' must be an array of folder paths`);
  else {
    rawSources.forEach((s: unknown, i) => {
      if (typeof s !== 'string' || s.trim() === '') v.error('config.invalid-type', ['sources', i], `a source folder must be a non-empty string`);
      else {
        const abs = resolve(projectRoot, s);
        if (sources.includes(abs)) v.warn('config.duplicate', ['sources', i], `source folder '${s}' is listed twice`);
        else sources.push(abs);
      }
    });
  }

  const languageCodeSystems: string[] = [];
  const rawLanguages = root.languageCodeSystems;
  if (rawLanguages !== undefined && !Array.isArray(rawLanguages)) v.error('config.invalid-type', ['languageCodeSystems'], `'languageCodeSystems' must be an array of code system URLs`);
  else {
    (rawLanguages ?? []).forEach((u: unknown, i: number) => {
      if (typeof u !== 'string' || !/^https?:\/\//.test(u)) v.error('config.invalid-type', ['languageCodeSystems', i], `a language code system must be given by its URL`);
      else languageCodeSystems.push(u);
    });
  }

  let examples: string | undefined;
  if (root.examples !== undefined) {
    if (typeof root.examples !== 'string' || root.examples.trim() === '') v.error('config.invalid-type', ['examples'], `'examples' must be a folder path`);
    else examples = resolve(projectRoot, root.examples);
  }

  let typesPackage: string | undefined;
  if (root.typesPackage !== undefined) {
    // npm package names: lowercase, optionally scoped, URL-safe characters only.
    if (typeof root.typesPackage !== 'string' || !/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(root.typesPackage)) {
      v.error('config.invalid-value', ['typesPackage'], `'typesPackage' must be an npm package name (lowercase, e.g. 'gpconnect-types' or '@org/gpconnect-types')`);
    } else typesPackage = root.typesPackage;
  }

  let previousPackage: string | undefined;
  if (root.previousPackage !== undefined) {
    if (typeof root.previousPackage !== 'string' || root.previousPackage.trim() === '') v.error('config.invalid-type', ['previousPackage'], `'previousPackage' must be a tarball or folder path, or name@version`);
    else previousPackage = root.previousPackage;
  }

  return {
    file, projectRoot, packageId, version, canonical, fhirVersion, title, description, author, license,
    dependencies, validationDependencies, dependencySources, sources, examples, languageCodeSystems, ...(typesPackage ? { typesPackage } : {}),
    ...(previousPackage ? { previousPackage } : {}),
  };
}

function checkPackageName(v: Validator, name: string, path: JsonPath, severity: 'error' | 'warning'): void {
  if (FHIR_PACKAGE_NAME.test(name)) return;
  const why =
    name !== name.toLowerCase() ? 'must be lowercase'
    : !name.includes('.') ? 'must have at least two dot-separated parts'
    : 'must be dot-separated parts, each starting with a letter followed by letters, digits or dashes';
  const message = `package name '${name}' ${why} (FHIR NPM package naming)`;
  if (severity === 'error') v.error('config.invalid-package-name', path, message);
  else v.warn('config.invalid-package-name', path, message);
}

function checkCanonical(v: Validator, canonical: string): void {
  let url: URL | undefined;
  try {
    url = new URL(canonical);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    v.error('config.invalid-value', ['canonical'], `canonical '${canonical}' must be an absolute http(s) URL`);
  } else if (canonical.endsWith('/')) {
    v.error('config.invalid-value', ['canonical'], `canonical '${canonical}' must not end with '/'`);
  } else if (url.search || url.hash || canonical.includes('|')) {
    v.error('config.invalid-value', ['canonical'], `canonical '${canonical}' must not have a query, fragment or '|version'`);
  }
}

function readDependencies(v: Validator, root: Record<string, unknown>, packageId: string, field: 'dependencies' | 'validationDependencies' = 'dependencies'): Record<string, string> {
  const dependencies: Record<string, string> = {};
  const raw = root[field];
  if (raw === undefined) {
    v.warn('config.no-core-dependency', ['dependencies'], `no 'dependencies': hl7.fhir.r3.core#${SUPPORTED_FHIR_VERSION} is needed to resolve the base definitions`);
    return dependencies;
  }
  if (!isObject(raw)) {
    v.error('config.invalid-type', [field], `'${field}' must be an object of package name to version`);
    return dependencies;
  }
  for (const [name, version] of Object.entries(raw)) {
    const path: JsonPath = [field, name];
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
      v.error('config.invalid-package-name', path, `dependency name '${name}' is not a valid package name (lowercase letters, digits, '.', '-', '_')`);
      continue;
    }
    checkPackageName(v, name, path, 'warning');
    if (name === packageId) v.error('config.invalid-value', path, `the project cannot depend on itself (${name})`);
    if (typeof version !== 'string') {
      v.error('config.invalid-type', path, `the version of dependency '${name}' must be a string`);
    } else if (semver.valid(version) === version) {
      dependencies[name] = version;
    } else if (version === 'latest' || /^\d+\.\d+\.x$/.test(version)) {
      v.warn('config.unpinned-dependency', path, `dependency ${name}#${version} is not pinned to one version: builds may differ as packages are published`);
      dependencies[name] = version;
    } else {
      v.error('config.invalid-value', path, `the version '${version}' of dependency '${name}' must be an exact semver version (or 'latest', or 'x.y.x')`);
    }
  }
  if (field === 'dependencies' && !('hl7.fhir.r3.core' in dependencies) && !('hl7.fhir.r3.core' in raw)) {
    v.warn('config.no-core-dependency', ['dependencies'], `no dependency on hl7.fhir.r3.core: the base definitions will not resolve unless another package brings it in`);
  }
  return dependencies;
}

function readSources(v: Validator, root: Record<string, unknown>, projectRoot: string, env: Record<string, string | undefined>, home: string): DependencySource[] {
  const raw = root.dependencySources;
  const list: unknown[] = raw === undefined ? [...DEFAULT_SOURCES] : Array.isArray(raw) ? raw : [];
  if (raw !== undefined && !Array.isArray(raw)) {
    v.error('config.invalid-type', ['dependencySources'], `'dependencySources' must be an array of {type: 'directory' | 'fhir-cache' | 'registry'}`);
  }
  const out: DependencySource[] = [];
  list.forEach((entry, i) => {
    const at = (...rest: Array<string | number>): JsonPath => ['dependencySources', i, ...rest];
    if (!isObject(entry)) {
      v.error('config.invalid-type', at(), `a dependency source must be an object with a 'type'`);
      return;
    }
    const allowed = entry.type === 'directory' || entry.type === 'fhir-cache' ? ['type', 'path'] : entry.type === 'registry' ? ['type', 'url'] : undefined;
    for (const key of Object.keys(entry)) {
      if (allowed && !allowed.includes(key)) v.warn('config.unknown-field', at(key), `unknown field '${key}' in a ${String(entry.type)} source (ignored)`);
    }
    const path = entry.path;
    switch (entry.type) {
      case 'directory':
        if (typeof path !== 'string' || path.trim() === '') v.error('config.missing-field', at('path'), `a 'directory' source needs a 'path' (relative to ${CONFIG_FILE_NAME})`);
        else out.push({ type: 'directory', path: resolve(projectRoot, path) });
        break;
      case 'fhir-cache':
        if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) v.error('config.invalid-type', at('path'), `the 'path' of a 'fhir-cache' source must be a folder path`);
        else out.push({ type: 'fhir-cache', path: typeof path === 'string' ? expandHome(path, projectRoot, home) : join(home, '.fhir', 'packages') });
        break;
      case 'registry': {
        const url = entry.url;
        if (url !== undefined && (typeof url !== 'string' || !isHttpUrl(url))) {
          v.error('config.invalid-value', at('url'), `the 'url' of a 'registry' source must be an http(s) URL`);
          break;
        }
        const fromEnv = env.FPL_REGISTRY && env.FPL_REGISTRY.trim() !== '' ? env.FPL_REGISTRY.trim() : undefined;
        out.push({ type: 'registry', url: typeof url === 'string' ? url : fromEnv });
        break;
      }
      default:
        v.error('config.invalid-value', at('type'), `unknown dependency source type ${JSON.stringify(entry.type)} (expected 'directory', 'fhir-cache' or 'registry')`);
    }
  });
  return out;
}

function expandHome(path: string, projectRoot: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}


/** `dependencies['hl7.fhir.r3.core']`, `dependencySources[1].path`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `['${p.replace(/'/g, "\\'")}']`;
  }
  return out;
}

/** Parses the text, knows where each field is, and reports with file, line and JSON path. */
class Validator {
  private tree: JsonNode | undefined;
  private readonly lineStarts: number[] = [0];
  readonly fileLabel: string;

  constructor(
    private readonly text: string,
    file: string,
    private readonly diagnostics: Diagnostics,
  ) {
    this.fileLabel = basename(file);
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  parse(): Record<string, unknown> | undefined {
    const errors: ParseError[] = [];
    this.tree = parseTree(this.text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    for (const e of errors) {
      this.diagnostics.error('config.syntax', `invalid JSON: ${printParseErrorCode(e.error)}`, { file: this.fileLabel, line: this.lineAt(e.offset) });
    }
    if (errors.length > 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(this.text);
    } catch (e) {
      this.diagnostics.error('config.syntax', `invalid JSON: ${errorMessage(e)}`, { file: this.fileLabel });
      return undefined;
    }
    if (!isObject(value)) {
      this.diagnostics.error('config.invalid-type', `${CONFIG_FILE_NAME} must hold a JSON object`, { file: this.fileLabel, line: 1 });
      return undefined;
    }
    return value;
  }

  requiredString(root: Record<string, unknown>, key: string): string {
    const value = root[key];
    if (value === undefined) this.error('config.missing-field', [key], `missing required field '${key}'`);
    else if (typeof value !== 'string') this.error('config.invalid-type', [key], `'${key}' must be a string`);
    else if (value.trim() === '') this.error('config.invalid-value', [key], `'${key}' must not be empty`);
    else return value;
    return '';
  }

  error(code: string, path: JsonPath, message: string): void {
    this.diagnostics.error(code, message, this.where(path));
  }

  warn(code: string, path: JsonPath, message: string): void {
    this.diagnostics.warning(code, message, this.where(path));
  }

  private where(path: JsonPath): { file: string; line?: number; path?: string } {
    const line = this.lineOf(path);
    return { file: this.fileLabel, ...(line !== undefined ? { line } : {}), ...(path.length ? { path: formatJsonPath(path) } : {}) };
  }

  /** The line of the field at `path`, or of its nearest existing parent. */
  private lineOf(path: JsonPath): number | undefined {
    if (!this.tree) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.tree, path.slice(0, n));
      if (node) return this.lineAt(node.parent?.type === 'property' ? node.parent.offset : node.offset);
    }
    return undefined;
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
