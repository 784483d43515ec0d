/**
 * The rule catalog is complete and documented: every rule id the toolchain's sources report is in
 * scripts/diagnostics/rules.ts with the severity it is reported at, every catalog entry is reported
 * somewhere, and docs/rules.md lists each with its default severity (and nothing else).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RULES, ruleInfo } from '../../scripts/diagnostics/rules.js';
import { projectRoot } from '../helpers/shared.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

interface Reported {
  id: string;
  /** The severity the call reports at, when the call names one (`error(`, `warning(`), else undefined (`rule(`: the catalog's). */
  severity?: string;
  where: string;
}

/** Calls that report a literal rule id: `diagnostics.error('x', ...)`, `v.warn('x', ...)`, `ctx.diagnostics.rule('x', ...)`, a rule table's `report('x', ...)`. */
const CALL = /\.?\b(error|warning|warn|info|fatal|rule|report)\(\s*(?:[a-z]+ \? )?'([a-z]+\.[a-z0-9-]+)'(?: : '([a-z]+\.[a-z0-9-]+)')?/g;
const SEVERITY: Record<string, string | undefined> = { error: 'error', fatal: 'error', warning: 'warning', warn: 'warning', info: 'information', rule: undefined, report: undefined };

function reported(): Reported[] {
  const out: Reported[] = [];
  for (const file of sourceFiles(join(projectRoot, 'scripts'))) {
    const text = readFileSync(file, 'utf8');
    const where = relative(projectRoot, file);
    for (const m of text.matchAll(CALL)) {
      for (const id of [m[2], m[3]].filter((x): x is string => !!x)) out.push({ id, severity: SEVERITY[m[1] as string], where });
    }
    // ids chosen before the call: `const code = tooDeep ? 'load.json-too-deep' : 'load.json-malformed'`, a problem table's `return ['load.json-duplicate-key', message]`
    for (const m of text.matchAll(/const code = [^;\n]*\? '([a-z]+\.[a-z0-9-]+)' : '([a-z]+\.[a-z0-9-]+)'/g)) for (const id of [m[1], m[2]] as string[]) out.push({ id, where });
    for (const m of text.matchAll(/return \['([a-z]+\.[a-z0-9-]+)', /g)) out.push({ id: m[1] as string, where });
    // the XML security gate returns its refusals as data ({ code: 'load.xml-doctype', ... })
    for (const m of text.matchAll(/\{ code: '(load\.[a-z0-9-]+)'/g)) out.push({ id: m[1] as string, severity: 'error', where });
  }
  return out;
}

/** Reported at two severities by design: fhir-package-loader's own errors and warnings pass through under one id. */
const TWO_SEVERITIES = new Set(['load.package-loader']);
/** Reported under a computed id: `example.<OperationOutcome issue type>` (validate/examples.ts). */
const COMPUTED = /^example\./;

describe('the rule catalog', () => {
  const calls = reported();

  test('every rule id the sources report is in the catalog, at the severity the catalog gives', () => {
    const missing = [...new Set(calls.filter((c) => !ruleInfo(c.id)).map((c) => `${c.id} (${c.where})`))];
    expect(missing).toEqual([]); // add them to scripts/diagnostics/rules.ts and docs/rules.md
    const mismatched = calls.filter((c) => c.severity && !TWO_SEVERITIES.has(c.id) && ruleInfo(c.id)?.severity !== c.severity).map((c) => `${c.id}: reported as ${c.severity} in ${c.where}, catalog says ${ruleInfo(c.id)?.severity}`);
    expect([...new Set(mismatched)]).toEqual([]);
  });

  test('every catalog entry is reported somewhere', () => {
    const used = new Set(calls.map((c) => c.id));
    expect(RULES.filter((r) => !used.has(r.id) && !COMPUTED.test(r.id)).map((r) => r.id)).toEqual([]);
  });

  test('docs/rules.md lists every rule with its default severity, and no other', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'rules.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z]+\.[a-z0-9-]+)` \| ([a-z]+)( \(fixed\))? \|/gm)].map((m) => `${m[1]} ${m[2]}${m[3] ?? ''}`);
    expect(rows.sort()).toEqual(RULES.map((r) => `${r.id} ${r.severity}${r.fixed ? ' (fixed)' : ''}`).sort());
  });
});
