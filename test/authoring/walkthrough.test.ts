/**
 * docs/walkthrough.md, run: every `sh` block's commands in order, every file it shows written, every diff
 * applied, in a temporary folder, with the toolchain of this checkout. What differs from a user's machine:
 * `npx [--package <toolchain>] fhir-stu3` runs scripts/cli.ts of this checkout (so `npm install`, which
 * would fetch the toolchain, is skipped); `https://registry.example.org` is a local Verdaccio, its token in
 * NPM_TOKEN; HOME's FHIR package cache holds the packages (as after a first download).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { projectRoot } from '../helpers/shared.js';
import { startVerdaccio, type TestRegistry } from '../release/verdaccio.js';
import { fhirStu3 } from './guides.js';

const TIMEOUT = 1_800_000;
const DOC_REGISTRY = 'https://registry.example.org';
const doc = readFileSync(join(projectRoot, 'docs', 'walkthrough.md'), 'utf8');
const toolchain = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { name: string };

type Step = { kind: 'sh'; text: string } | { kind: 'file'; path: string; text: string } | { kind: 'diff'; path: string; text: string } | { kind: 'output'; text: string };

/** The walkthrough's blocks in order: commands, files (a `<!-- file: path -->` line above), diffs, shown output. */
function stepsOf(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const m of markdown.matchAll(/(?:<!-- file: (\S+) -->\n)?```(\w+)\n([\s\S]*?)```/g)) {
    const [, file, lang, text] = m as unknown as [string, string | undefined, string, string];
    if (file) steps.push({ kind: 'file', path: file, text });
    else if (lang === 'sh') steps.push({ kind: 'sh', text });
    else if (lang === 'diff') steps.push({ kind: 'diff', path: (/^\+\+\+ b\/(\S+)$/m.exec(text) ?? [])[1] ?? '', text });
    else if (lang === 'text') steps.push({ kind: 'output', text });
  }
  return steps;
}

/** Applies a one-hunk diff (context, `-` and `+` lines; no line numbers): the old lines must be in the file exactly once. */
function applyDiff(file: string, diff: string): void {
  const lines = diff.split('\n').filter((l) => l !== '' && !l.startsWith('--- ') && !l.startsWith('+++ '));
  const before = lines.filter((l) => !l.startsWith('+')).map((l) => l.slice(1)).join('\n');
  const after = lines.filter((l) => !l.startsWith('-')).map((l) => l.slice(1)).join('\n');
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(before);
  if (at < 0 || text.indexOf(before, at + 1) >= 0) throw new Error(`the diff for ${file} does not apply once:\n${before}`);
  writeFileSync(file, text.slice(0, at) + after + text.slice(at + before.length));
}

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startVerdaccio();
}, TIMEOUT);
afterAll(async () => {
  await registry?.stop();
});

test('the walkthrough names the toolchain by its package name', () => {
  expect(doc).toContain(`npx --package ${toolchain.name} fhir-stu3 init`);
});

test("the walkthrough's commands run, from init to a published package", async () => {
  const steps = stepsOf(doc);
  expect(steps.filter((s) => s.kind === 'sh').length).toBeGreaterThanOrEqual(8);
  const home = mkdtempSync(join(tmpdir(), 'fhir-stu3-home-'));
  mkdirSync(join(home, '.fhir'));
  symlinkSync(join(projectRoot, '.fhir-cache', 'packages'), join(home, '.fhir', 'packages'));
  const env = { HOME: home, NPM_TOKEN: registry.token };
  let cwd = mkdtempSync(join(tmpdir(), 'fhir-stu3-walkthrough-'));
  const outputs: string[] = [];

  for (const step of steps) {
    if (step.kind === 'file') {
      mkdirSync(dirname(join(cwd, step.path)), { recursive: true });
      writeFileSync(join(cwd, step.path), step.text);
    } else if (step.kind === 'diff') applyDiff(join(cwd, step.path), step.text);
    else if (step.kind === 'sh') {
      for (const line of step.text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
        const command = line.replaceAll(DOC_REGISTRY, registry.url);
        const cli = /^npx (?:--package \S+ )?fhir-stu3 (.*)$/.exec(command);
        if (command.startsWith('cd ')) cwd = resolve(cwd, command.slice(3));
        else if (command === 'npm install') continue; // the toolchain is this checkout
        else if (cli) {
          const r = fhirStu3(cwd, (cli[1] as string).split(/\s+/), env);
          if (r.code !== 0) throw new Error(`${line}: exit ${r.code}\n${r.stderr}`);
          outputs.push(r.stdout + r.stderr);
        } else {
          const r = spawnSync('bash', ['-ec', command], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
          if (r.status !== 0) throw new Error(`${line}: exit ${r.status}\n${r.stderr}`);
        }
      }
    }
  }

  // the shown output of init and of the first build and validation is what they print
  const shown = steps.filter((s): s is Extract<Step, { kind: 'output' }> => s.kind === 'output');
  expect(outputs[0]).toContain((shown[0]?.text ?? '').trim());
  for (const line of ['resources: 1 CodeSystem, 1 StructureDefinition, 1 ValueSet', '0 error(s), 0 warning(s)', 'examples/Observation-wellbeing-example.json: valid', '1 file(s): 1 valid, 0 invalid']) {
    expect(shown[1]?.text).toContain(line);
    expect(outputs.slice(1, 3).join('')).toContain(line);
  }
  // the shown diff is what diff prints; the shown start of the release notes is how they start
  const diffShown = shown.find((b) => b.text.startsWith('example.my-guide#0.1.0 -> example.my-guide#0.2.0'));
  expect(outputs).toContain(diffShown?.text);
  const notesShown = shown.find((b) => b.text.startsWith('# My Guide 0.2.0 release notes #'));
  expect(readFileSync(join(cwd, 'RELEASE-NOTES-0.2.0.md'), 'utf8').startsWith(notesShown?.text ?? '?')).toBe(true);
  // 0.2.0: built against 0.1.0 with no finding, both examples valid, the notes written with no warning
  expect(outputs.find((o) => o.includes('example.my-guide-0.2.0.tgz'))).toMatch(/0 error\(s\), 0 warning\(s\)/);
  expect(outputs.join('')).toContain('2 file(s): 2 valid, 0 invalid');
  const notes = readFileSync(join(cwd, 'RELEASE-NOTES-0.2.0.md'), 'utf8');
  expect(notes).toMatch(/^# My Guide 0\.2\.0 release notes #/);
  expect(notes).toContain('**Profiles changed:**\n\n- [wellbeing-patient](https://example.org/fhir/my-guide/StructureDefinition/wellbeing-patient) (StructureDefinition, minor, added)');
  expect(notes).toContain('**Value sets changed:**');
  expect(notes).toContain('**Code systems changed:**\n\n- [wellbeing-question](https://example.org/fhir/my-guide/CodeSystem/wellbeing-question) (CodeSystem, minor)\n  - minor: code added: energy');
  expect(notes).not.toContain('Other changes');
  // both releases are in the registry
  const published = (await (await fetch(`${registry.url}example.my-guide`)).json()) as { versions: Record<string, unknown> };
  expect(Object.keys(published.versions).sort()).toEqual(['0.1.0', '0.2.0']);
  expect(existsSync(join(cwd, 'releases', 'example.my-guide-0.2.0.tgz'))).toBe(true);
}, TIMEOUT);
