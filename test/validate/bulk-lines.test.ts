/**
 * The NDJSON line reader (scripts/validate/ndjson.ts): line numbers counted over every line of the file,
 * lines split across chunks joined, CR LF ends, blank lines skipped, a line over the size limit given by
 * its size alone (its bytes never held).
 */
import { isNdjsonFile, ndjsonLines, type NdjsonLine } from '../../scripts/validate/ndjson.js';

async function* chunksOf(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p, 'utf8');
}

async function lines(chunks: AsyncIterable<Buffer>, maxBytes?: number): Promise<Array<{ line: number; text?: string; size: number }>> {
  const out: Array<{ line: number; text?: string; size: number }> = [];
  for await (const l of ndjsonLines(chunks, maxBytes) as AsyncGenerator<NdjsonLine>) out.push({ line: l.line, size: l.size, ...(l.bytes ? { text: Buffer.from(l.bytes).toString('utf8') } : {}) });
  return out;
}

test('line numbers count every line, blank ones included; a line split across chunks is one line', async () => {
  const got = await lines(chunksOf('{"a":1}\n\n{"b"', ':2}\r\n   \n{"c":', '3}'));
  expect(got).toEqual([
    { line: 1, text: '{"a":1}', size: 7 },
    { line: 3, text: '{"b":2}', size: 8 },
    { line: 5, text: '{"c":3}', size: 7 },
  ]);
});

test('an empty stream, and one of blank lines only, have no lines', async () => {
  expect(await lines(chunksOf())).toEqual([]);
  expect(await lines(chunksOf('\n\r\n \n'))).toEqual([]);
});

test('a line over the limit comes with its size only; the lines after it are read as usual', async () => {
  const got = await lines(chunksOf('{"x":"', 'a'.repeat(50), '"}\n{"y":1}\n'), 20);
  expect(got).toEqual([
    { line: 1, size: 58 },
    { line: 2, text: '{"y":1}', size: 7 },
  ]);
});

test('a line is a buffer of its own, not a view of the chunk it was read from', async () => {
  for await (const l of ndjsonLines(chunksOf('{"a":1}\n{"b":2}\n'))) expect(l.bytes?.buffer.byteLength).toBe(l.size);
});

test('NDJSON files are .ndjson and .ndjson.gz', () => {
  expect(['a.ndjson', 'b.NDJSON', 'c.ndjson.gz', 'd.json', 'e.ndjson.zip'].map(isNdjsonFile)).toEqual([true, true, true, false, false]);
});
