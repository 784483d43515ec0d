/**
 * The NDJSON chunker and line splitter (scripts/validate/ndjson.ts): chunks cut at a line end whatever the
 * read pieces, each a buffer of its own numbered from its first line; line numbers counted over every line
 * of the file; CR LF ends; blank lines skipped; a line over the size limit given by its size alone (its
 * bytes never held); the same lines whatever the chunk size.
 */
import { forEachLine, isNdjsonFile, ndjsonChunks, type NdjsonChunk } from '../../scripts/validate/ndjson.js';

async function* piecesOf(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p, 'utf8');
}

async function chunks(pieces: AsyncIterable<Buffer>, chunkBytes = 1, maxBytes?: number): Promise<NdjsonChunk[]> {
  const out: NdjsonChunk[] = [];
  for await (const c of ndjsonChunks(pieces, chunkBytes, maxBytes)) out.push(c);
  return out;
}

type Got = { line: number; text?: string; size: number };

/** Every line of the stream as a worker sees it: the chunks split, oversize lines as the chunker gives them. */
async function lines(pieces: AsyncIterable<Buffer>, chunkBytes = 1, maxBytes?: number): Promise<Got[]> {
  const out: Got[] = [];
  for (const c of await chunks(pieces, chunkBytes, maxBytes)) {
    if (c.kind === 'oversize') out.push({ line: c.line, size: c.size });
    else forEachLine(c.bytes, c.firstLine, (l) => out.push({ line: l.line, size: l.size, ...(l.bytes ? { text: Buffer.from(l.bytes).toString('utf8') } : {}) }), maxBytes);
  }
  return out;
}

const text = (c: NdjsonChunk) => (c.kind === 'lines' ? Buffer.from(c.bytes).toString('utf8') : `<${c.size} bytes>`);

test('line numbers count every line, blank ones included; a line split across pieces is one line', async () => {
  const expected = [
    { line: 1, text: '{"a":1}', size: 7 },
    { line: 3, text: '{"b":2}', size: 8 },
    { line: 5, text: '{"c":3}', size: 7 },
  ];
  expect(await lines(piecesOf('{"a":1}\n\n{"b"', ':2}\r\n   \n{"c":', '3}'))).toEqual(expected);
  // The same whatever the chunk size.
  for (const size of [1, 5, 9, 64, 1 << 20]) expect(await lines(piecesOf('{"a":1}\n\n{"b"', ':2}\r\n   \n{"c":', '3}'), size)).toEqual(expected);
});

test('chunks are cut at a line end, never within a line, and numbered from their first line', async () => {
  // 10 bytes a chunk: the first piece's whole line is short of it, so it waits for the next piece's.
  const got = await chunks(piecesOf('{"a":1}\n{"b"', ':2}\n{"c":3}\n{"d"', ':4}\n'), 10);
  expect(got.map(text)).toEqual(['{"a":1}\n{"b":2}\n{"c":3}\n', '{"d":4}\n']);
  expect(got.map((c) => (c.kind === 'lines' ? [c.firstLine, c.payloads, c.lastLine] : []))).toEqual([[1, 3, 3], [4, 1, 4]]);
});

test('a CR LF read in two pieces, cut between its CR and its LF, is one line end; the CR is not part of the line', async () => {
  const got = await chunks(piecesOf('{"a":1}\r', '\n{"b":2}\r\n{"c"', ':3}\r', '\n'), 1);
  expect(got.map(text)).toEqual(['{"a":1}\r\n{"b":2}\r\n', '{"c":3}\r\n']);
  expect(await lines(piecesOf('{"a":1}\r', '\n{"b":2}\r\n{"c"', ':3}\r', '\n'))).toEqual([
    { line: 1, text: '{"a":1}', size: 8 },
    { line: 2, text: '{"b":2}', size: 8 },
    { line: 3, text: '{"c":3}', size: 8 },
  ]);
});

test('a last line without a line end is a line; blank lines count in the numbers of the next chunk', async () => {
  const got = await chunks(piecesOf('\n\n\n', '{"a":1}\n', '\n', '{"b":2}'), 1);
  expect(got.map(text)).toEqual(['\n\n\n', '{"a":1}\n', '\n', '{"b":2}']);
  expect(got.map((c) => (c.kind === 'lines' ? [c.firstLine, c.payloads] : []))).toEqual([[1, 0], [4, 1], [5, 0], [6, 1]]);
});

test('an empty stream, and one of blank lines only, have no lines', async () => {
  expect(await lines(piecesOf())).toEqual([]);
  expect(await chunks(piecesOf())).toEqual([]);
  expect(await lines(piecesOf('\n\r\n \n'))).toEqual([]);
});

test('a line over the limit comes with its size only, its bytes dropped as read; the lines after it are read as usual', async () => {
  const pieces = () => piecesOf('{"z":0}\n{"x":"', 'a'.repeat(50), '"}\n{"y":1}\n');
  expect(await lines(pieces(), 1, 20)).toEqual([
    { line: 1, text: '{"z":0}', size: 7 },
    { line: 2, size: 58 },
    { line: 3, text: '{"y":1}', size: 7 },
  ]);
  const got = await chunks(pieces(), 1, 20);
  expect(got.map((c) => c.kind)).toEqual(['lines', 'oversize', 'lines']);
  // Over the limit at the end of the stream too; and one completed within a single piece is the splitter's to find.
  expect(await lines(piecesOf('{"x":"', 'a'.repeat(50)), 1, 20)).toEqual([{ line: 1, size: 56 }]);
  expect(await lines(piecesOf(`{"x":"${'a'.repeat(50)}"}\n{"y":1}`), 1, 20)).toEqual([
    { line: 1, size: 58 },
    { line: 2, text: '{"y":1}', size: 7 },
  ]);
});

test('each chunk is a buffer of its own, which a worker can be handed without a copy', async () => {
  for (const c of await chunks(piecesOf('{"a":1}\n{"b"', ':2}\n'), 4)) if (c.kind === 'lines') expect(c.bytes.buffer.byteLength).toBe(c.bytes.byteLength);
});

test('a stream that breaks: the whole lines read before it come first, then the error', async () => {
  async function* broken(): AsyncGenerator<Buffer> {
    yield Buffer.from('{"a":1}\n{"b":2}\n{"c"');
    throw new Error('unexpected end of file');
  }
  const got: string[] = [];
  await expect(
    (async () => {
      for await (const c of ndjsonChunks(broken(), 1 << 20)) got.push(text(c));
    })(),
  ).rejects.toThrow('unexpected end of file');
  expect(got).toEqual(['{"a":1}\n{"b":2}\n']);
});

test('NDJSON files are .ndjson and .ndjson.gz', () => {
  expect(['a.ndjson', 'b.NDJSON', 'c.ndjson.gz', 'd.json', 'e.ndjson.zip'].map(isNdjsonFile)).toEqual([true, true, true, false, false]);
});
