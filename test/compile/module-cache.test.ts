/**
 * The validator module cache (scripts/compile/module-cache.ts) with small modules: an entry is compiled
 * once and then read back; a damaged entry (checksum mismatch, cut short, no checksum line, a module that
 * does not load) is compiled again and replaced, never trusted; writes leave no temporary files; a cache
 * that cannot be written still gives the module; old entries are pruned; keys follow their inputs; V8's
 * code cache of a module is kept, used, and remade when refused.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskModuleCache, MemoryModuleCache, moduleKey } from '../../scripts/compile/module-cache.js';
import { loadScript } from '../../scripts/compile/script-loader.js';

const scratch = mkdtempSync(join(tmpdir(), 'fhir-stu3-module-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The smallest module of the shape of a core or profile module, its validators answering `value`. */
function moduleText(value: number): string {
  return [
    'export const fhirValidators = { Answer: "answer" };',
    `export function coreValidators() { return { answer: () => ${value} }; }`,
    `export function link() { return { answer: () => ${value} }; }`,
    'export function linkValidators() { return {}; }',
    '',
  ].join('\n');
}

let counter = 0;
/** A fresh cache folder, and a compile function that counts its calls. */
function setup(): { dir: string; cache: DiskModuleCache; compile: () => string; compiles: () => number } {
  const dir = join(scratch, `c${++counter}`);
  let n = 0;
  const value = counter;
  return { dir, cache: new DiskModuleCache(dir), compile: () => (n++, moduleText(value)), compiles: () => n };
}

const answerOf = (loaded: { module: unknown }) => {
  const m = loaded.module as { coreValidators?: () => { answer: () => number }; link: () => { answer: () => number } };
  return (m.coreValidators ?? m.link)().answer();
};

test('first load compiles and stores the entry; the next one reads it back without compiling', async () => {
  const { dir, cache, compile, compiles } = setup();
  const first = await cache.load('core', 'k1', compile);
  expect(first.outcome).toBe('compiled');
  expect(answerOf(first)).toBe(counter);
  const again = await new DiskModuleCache(dir).load('core', 'k1', compile);
  expect(again.outcome).toBe('hit');
  expect(again.source).toBe(first.source);
  expect(answerOf(again)).toBe(counter);
  expect(compiles()).toBe(1);
  expect(readdirSync(dir).filter((f) => f.endsWith('.mjs'))).toEqual(['core-k1.mjs']);
});

test.each([
  ['a changed byte', (text: string) => text.replace('"answer"', '"answes"')],
  ['cut short', (text: string) => text.slice(0, 10)],
  ['no checksum line', (text: string) => text.slice(0, text.indexOf('\n//# fhir-stu3-module'))],
  ['empty', () => ''],
])('a corrupt entry (%s) is compiled again and replaced, with a note', async (_what, damage) => {
  const { dir, cache, compile, compiles } = setup();
  await cache.load('profiles', 'k2', compile);
  const file = join(dir, 'profiles-k2.mjs');
  writeFileSync(file, damage(readFileSync(file, 'utf8')));
  const rebuilt = await cache.load('profiles', 'k2', compile);
  expect(rebuilt.outcome).toBe('rebuilt');
  expect(rebuilt.problem).toMatch(/cache entry .*profiles-k2\.mjs was corrupt \((checksum mismatch|no checksum line)\): compiled again/);
  expect(answerOf(rebuilt)).toBe(counter);
  expect(compiles()).toBe(2);
  expect((await cache.load('profiles', 'k2', compile)).outcome).toBe('hit');
});

test('an entry whose checksum holds but which does not load is compiled again', async () => {
  const { dir, cache, compiles } = setup();
  const broken = () => "throw new Error('a module that does not load');\n";
  // Stored with a valid checksum by a compiler that wrote bad code: the import fails, the entry is replaced.
  await expect(cache.load('core', 'k3', broken)).rejects.toThrow();
  const fixed = await cache.load('core', 'k3', () => moduleText(42));
  expect(fixed.outcome).toBe('rebuilt');
  expect(fixed.problem).toMatch(/it does not load/);
  expect(answerOf(fixed)).toBe(42);
  expect(compiles()).toBe(0);
  expect(existsSync(join(dir, 'core-k3.mjs'))).toBe(true);
});

test('writes leave no temporary file behind; stale ones from interrupted writes are removed', async () => {
  const { dir, cache, compile } = setup();
  await cache.load('core', 'a', compile);
  const stale = join(dir, '.tmp-1-deadbeef');
  writeFileSync(stale, 'half a module');
  const old = new Date(Date.now() - 2 * 3600_000);
  utimesSync(stale, old, old);
  await cache.load('core', 'b', compile);
  expect(readdirSync(dir).filter((f) => !f.startsWith('code-')).sort()).toEqual(['core-a.mjs', 'core-b.mjs']);
});

test('old entries beyond the limit of their kind are pruned, most recently used kept', async () => {
  const { dir, cache, compile } = setup();
  for (let i = 0; i < 6; i++) {
    await cache.load('core', `old${i}`, compile);
    const when = new Date(Date.now() - (10 - i) * 60_000);
    utimesSync(join(dir, `core-old${i}.mjs`), when, when);
  }
  const names = readdirSync(dir).filter((f) => f.startsWith('core-')).sort();
  expect(names).toEqual(['core-old2.mjs', 'core-old3.mjs', 'core-old4.mjs', 'core-old5.mjs']);
});

test('a cache folder that cannot be written still gives the module, with a note', async () => {
  const { dir, cache, compile } = setup();
  await cache.load('core', 'first', compile);
  chmodSync(dir, 0o500);
  try {
    const loaded = await cache.load('core', 'second', compile);
    if (process.getuid?.() === 0) return; // root writes anyway
    expect(loaded.outcome).toBe('compiled');
    expect(loaded.problem).toMatch(/cannot write the validator cache/);
    expect(answerOf(loaded)).toBe(counter);
  } finally {
    chmodSync(dir, 0o700);
  }
});

test('the memory cache compiles a key once per process', async () => {
  const cache = new MemoryModuleCache();
  let n = 0;
  const compile = () => (n++, moduleText(7));
  expect((await cache.load('core', 'm', compile)).outcome).toBe('compiled');
  expect((await cache.load('core', 'm', compile)).outcome).toBe('hit');
  expect(n).toBe(1);
});

test('a key follows every part it is made of', () => {
  const key = moduleKey('core', { a: 1 }, [['Patient', 'x']]);
  expect(key).toMatch(/^[0-9a-f]{40}$/);
  expect(moduleKey('core', { a: 1 }, [['Patient', 'x']])).toBe(key);
  expect(moduleKey('core', { a: 2 }, [['Patient', 'x']])).not.toBe(key);
  expect(moduleKey('profiles', { a: 1 }, [['Patient', 'x']])).not.toBe(key);
});

test("V8's code of a module is kept once it has run, taken back on the next load, made again when refused", () => {
  const dir = join(scratch, 'code');
  const source = moduleText(5);
  const first = loadScript(Buffer.from(source), 'core', 'first.mjs', dir);
  first.keepCode();
  const kept = readdirSync(dir);
  expect(kept).toEqual([expect.stringMatching(new RegExp(`^code-core-[0-9a-f]{40}-${process.version}-${process.arch}\\.v8$`))]);
  const file = join(dir, kept[0] as string);
  const made = statSync(file).mtimeMs;
  const again = loadScript(source, 'core', 'again.mjs', dir);
  again.keepCode();
  expect(statSync(file).mtimeMs).toBe(made);
  expect((again.module as { coreValidators: () => { answer: () => number } }).coreValidators().answer()).toBe(5);
  writeFileSync(file, 'not V8 code');
  const refused = loadScript(source, 'core', 'refused.mjs', dir);
  expect((refused.module as { coreValidators: () => { answer: () => number } }).coreValidators().answer()).toBe(5);
  refused.keepCode();
  expect(readFileSync(file).toString()).not.toBe('not V8 code');
});
