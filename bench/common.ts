/** Shared bits of the benchmarks: timing, temp folders, the table printer, and the corpus/config paths. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { X2jOptions } from 'fast-xml-parser';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corePackageTgz, definitionsXmlDir, fhirPackagesDir, nhsAssetsDir, projectRoot } from '../test/helpers/shared.js';

export { corePackageTgz, definitionsXmlDir, fhirPackagesDir, projectRoot };
export const corpusProfilesDir = join(nhsAssetsDir, 'StructureDefinitions');

/** The compiled CLI (what an installed `fhir-stu3` runs); `npm run bench` compiles it first. */
export function compiledCli(): string {
  const cli = join(projectRoot, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`no ${cli}: run \`npm run compile\` first (\`npm run bench\` does)`);
  return cli;
}

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
 * Units per second for each variant, measured in alternating blocks: round after round, each variant runs
 * passes over all items for about `blockMs` in a row (a pass counts `units`: payloads, or resources when
 * payloads nest them); the median pass of each. Alternating every quarter second spreads whatever else the
 * machine is doing over every variant alike, so the ratios hold even when the absolute figures move. A
 * block's first pass is not counted: it pays for what the variant before left behind (garbage to collect,
 * caches to refill), so that each variant's figure is its own cost. (Alternating single passes, as this
 * did before, let a heavy allocator's collections land in its neighbour's passes: beside FHIR.js, the
 * JSON.parse floor measured up to a fifth slower than beside itself.)
 *
 * The figures are steady-state ones: the same rounds run unmeasured first for `warmMs` (default as long
 * as the measurement), so that the JIT has optimised what each variant runs. A validator is hundreds of
 * generated functions, each optimised only once it is hot; a few passes leave most of them unoptimised.
 * (Start-up costs are measured on their own: cold start rows.)
 */
export function alternating<P>(items: readonly P[], units: number, variants: ReadonlyArray<(item: P) => void>, budgetMs: number, warmMs = budgetMs, blockMs = 250): number[] {
  warmUp(items, variants, warmMs, blockMs);
  const rates: number[][] = variants.map(() => []);
  const started = performance.now();
  do blockRound(items, variants, blockMs, (i, ms) => rates[i].push(units / (ms / 1000)));
  while (performance.now() - started < budgetMs || rates.some((r) => r.length < 5));
  return rates.map(median);
}

/** Rounds of alternating blocks, unmeasured, for `ms`: to get the JIT to a steady state before measuring. */
export function warmUp<P>(items: readonly P[], variants: ReadonlyArray<(item: P) => void>, ms: number, blockMs = 250): void {
  const started = performance.now();
  do blockRound(items, variants, blockMs);
  while (performance.now() - started < ms);
}

/**
 * One round: each variant's block of passes, at least two however slow they are; the first pass is not
 * counted (it pays for the variant before).
 */
function blockRound<P>(items: readonly P[], variants: ReadonlyArray<(item: P) => void>, blockMs: number, record?: (variant: number, ms: number) => void): void {
  variants.forEach((fn, i) => {
    const started = performance.now();
    for (let pass = 0; pass < 2 || performance.now() - started < blockMs; pass++) {
      const t = performance.now();
      for (const item of items) fn(item);
      if (pass > 0) record?.(i, performance.now() - t);
    }
  });
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
