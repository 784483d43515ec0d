/** Shared bits of the benchmarks: timing, temp folders, the table printer, and the corpus/config paths. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { X2jOptions } from 'fast-xml-parser';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corePackageTgz, definitionsXmlDir, fhirPackagesDir, nhsAssetsDir, projectRoot } from '../test/helpers/shared.js';

export { corePackageTgz, definitionsXmlDir, fhirPackagesDir, projectRoot };
export const corpusProfilesDir = join(nhsAssetsDir, 'StructureDefinitions');

/** One printed row: a benchmark, its figure, and what the figure is set against. */
export interface Row {
  section: string;
  what: string;
  value: string;
  /** e.g. `1.84x the floor`, `n=3 median`. */
  note?: string;
}

/** Milliseconds taken by `fn` (synchronous). */
export function timeSync<T>(fn: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = fn();
  return { ms: performance.now() - started, value };
}

/** Milliseconds taken by `fn` (awaited). */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Units per second for each variant, measured interleaved: round after round, one pass over all items per
 * variant, for about `budgetMs`; the median pass of each. A pass counts `units` (payloads, or resources
 * when payloads nest them). Interleaving spreads whatever else the machine is doing over every variant
 * alike, so the ratios hold even when the absolute figures move. Interleave variants of like cost: a heavy
 * allocator's garbage collection lands in the passes after it.
 *
 * The figures are steady-state ones: the same interleaved rounds run unmeasured first for `warmMs` (default
 * as long as the measurement), so that the JIT has optimised what each variant runs. A validator is
 * hundreds of generated functions, each optimised only once it is hot; a few passes leave most of them
 * unoptimised. (Start-up costs are measured on their own: cold start rows.)
 */
export function interleaved<P>(items: readonly P[], units: number, variants: ReadonlyArray<(item: P) => void>, budgetMs: number, warmMs = budgetMs): number[] {
  const warmStarted = performance.now();
  do for (const fn of variants) for (const item of items) fn(item);
  while (performance.now() - warmStarted < warmMs);
  const rates: number[][] = variants.map(() => []);
  const started = performance.now();
  while (performance.now() - started < budgetMs || rates[0].length < 5) {
    variants.forEach((fn, i) => {
      const t = performance.now();
      for (const item of items) fn(item);
      rates[i].push(units / ((performance.now() - t) / 1000));
    });
  }
  return rates.map(median);
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a');

/** Temp folders made by the benchmarks, removed at exit. */
const temps: string[] = [];
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `fhir-stu3-bench-${prefix}-`));
  temps.push(dir);
  return dir;
}
export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A progress line on stderr, so stdout holds only the results. */
const benchStarted = performance.now();
export function say(line: string): void {
  process.stderr.write(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
}

/** The rows as an aligned table, one block per section. */
export function formatTable(rows: readonly Row[]): string {
  const w = {
    what: Math.max(...rows.map((r) => r.what.length), 9),
    value: Math.max(...rows.map((r) => r.value.length), 5),
  };
  const out: string[] = [];
  let section = '';
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      out.push('', section, '-'.repeat(section.length));
    }
    out.push(`  ${r.what.padEnd(w.what)}  ${r.value.padStart(w.value)}${r.note ? `  ${r.note}` : ''}`);
  }
  return out.join('\n');
}

/** A side-by-side grid: the first column left-aligned, the others right-aligned. */
export function formatGrid(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`.trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * fast-xml-parser options for a FHIR-usable parse (the XML floors): ordered children, attributes kept, values
 * left as raw strings, offsets captured: what the reader would need from it.
 */
export const fastXmlParserOptions: X2jOptions = {
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  jPath: false,
};
