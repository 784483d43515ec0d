/**
 * parseJsonFast against parseJson, the strict reader it stands in for: the same value (number texts kept
 * under NUMBER_TEXT included), problems, offsets, paths and errors, on every JSON file of the corpus and on
 * variants holding each thing the fast path must hand to parseJson; and, where it takes the text, where each
 * property name ends (what the locator counts on), as jsonc-parser's tree has it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { cleanJsonValue, parseJsonFast } from '../../scripts/format/json/parse-json-fast.js';
import { NUMBER_TEXT, parseJson, type ParsedJson } from '../../scripts/format/json/parse-json.js';
import { gpconnectExamplesDir, jsonFiles, nhsAssetsDir } from '../helpers/shared.js';


/** The value with each container's recorded number texts made visible, for toEqual. */
function withNumberTexts(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const texts = (value as { [NUMBER_TEXT]?: Record<string, string> })[NUMBER_TEXT];
  const items = Array.isArray(value) ? value.map(withNumberTexts) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNumberTexts(v)]));
  return texts ? { items, numberTexts: { ...texts } } : items;
}

// keyEnds is the fast path's note for the locator, not part of what is read.
const visible = ({ keyEnds: _, ...r }: ParsedJson) => ({ ...r, value: withNumberTexts(r.value) });

/** The offset of each property name's closing quote, in document order, by jsonc-parser's tree. */
function nameEndsOf(text: string): number[] {
  const ends: number[] = [];
  const walk = (node: JsonNode | undefined): void => {
    if (!node) return;
    if (node.type === 'property') {
      const name = node.children?.[0];
      if (name) ends.push(name.offset + name.length - 1);
      walk(node.children?.[1]);
    } else for (const child of node.children ?? []) walk(child);
  };
  walk(parseTree(text));
  return ends;
}

function expectSame(text: string, maxDepth = 100): ParsedJson {
  const strict = parseJson(text, { maxDepth, maxProblems: 50 });
  const fast = parseJsonFast(text, { maxDepth, maxProblems: 50 });
  expect(visible(fast)).toEqual(visible(strict));
  // Own keys in the same order (toEqual does not look at order).
  expect(JSON.stringify(fast.value)).toBe(JSON.stringify(strict.value));
  // Where the fast path is taken with names as written, it knows where each name ends.
  if (fast.keyEnds) expect(Array.from(fast.keyEnds)).toEqual(nameEndsOf(text));
  return strict;
}

describe('parseJsonFast gives what parseJson gives', () => {
  const files = [...jsonFiles(gpconnectExamplesDir), ...jsonFiles(nhsAssetsDir)];

  test('on every JSON file of the corpus, most of them by the fast path', () => {
    expect(files.length).toBeGreaterThan(29);
    let fast = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const strict = expectSame(text);
      // The fast path is taken exactly where parseJson has nothing to add (here: no problem, no kept number text).
      if (cleanJsonValue(text, 100)) fast++;
      else expect(strict.problems.length > 0 || JSON.stringify(visible(strict).value) !== JSON.stringify(strict.value)).toBe(true);
    }
    expect(fast).toBeGreaterThan(files.length * 0.8);
  });

  const base = '{"resourceType":"Observation","valueQuantity":{"value":NUM,"unit":"mg"},"component":[{"code":{"text":"a:b"}}]}';
  test.each(['1', '1.10', '3.0', '1e400', '-1e400', '-0', '-0.0', '0.1', '0.0000001', '1E5', '5e-7', '1e21', '12345678901234567890', '123456789012345', '-123456789012345', '0', '-5', '2.5'])(
    'a number written %s (in a property and in an array)',
    (num) => {
      expectSame(base.replace('NUM', num));
      expectSame(`{"a":[1,${num},"x"],"b":{"c":[[${num}]]}}`);
      expectSame(`{"text":"the value: ${num}, twice","v":${num}}`);
    },
  );

  test.each([
    ['duplicate keys at the root', '{"a":1,"b":2,"a":3}'],
    ['duplicate keys deep down', '{"a":{"b":[{"c":{"d":1,"d":{"e":2}}}]}}'],
    ['duplicate keys, one written with an escape', '{"a":{"name":1,"n\\u0061me":2}}'],
    ['a duplicate whose value holds colons', '{"url":"http://a","url":"http://b:80"}'],
    ['a key holding a colon', '{"a:b":1}'],
    ['a colon written as an escape', '{"a":"x\\u003ay","b":"z"}'],
    ['an escaped control character', '{"a":"x\\u0001y"}'],
    ['a backspace escape', '{"a":"x\\by"}'],
    ['a form feed escape', '{"a":"x\\fy"}'],
    ['tab, newline and return escapes', '{"a":"x\\t\\n\\r\\"\\\\\\/y"}'],
    ['a lone high surrogate', '{"a":"\\ud800"}'],
    ['a lone low surrogate in a key', '{"\\udc00":1}'],
    ['a surrogate pair', '{"a":"\\ud83d\\ude00"}'],
    ['__proto__', '{"__proto__":{"polluted":true}}'],
    ['constructor deep down', '{"a":[{"constructor":1}]}'],
    ['prototype written with an escape', '{"prot\\u006ftype":1}'],
    ['forbidden names as values only', '{"a":"__proto__","b":["constructor","prototype"]}'],
    ['a number after a key with an escape', '{"v\\u0061lue":1.50,"b":2}'],
    ['a key-like string inside a string', '{"a":"\\"value\\": 1.50","value":2}'],
    ['a number key name also a string elsewhere', '{"value":"1.50","x":{"value":1.5}}'],
    ['integer-like keys', '{"b":1,"2":2,"1":{"0":1.0}}'],
    ['whitespace everywhere', ' \n\t{ "a" : [ 1.0 , 2 ] ,\r\n "b" : { } } \n'],
    ['a root number', '1.10'],
    ['a root string', '"x"'],
    ['a root array', '[1,2,{"a":[]}]'],
    ['null and booleans', '{"a":null,"b":true,"c":false}'],
    ['string values that start with a colon', '{"a":":b","c":[" :d",":"],"e":"f"}'],
    ['a duplicate beside a string value that starts with a colon', '{"a":":b","a":1}'],
    ['names that begin or end with a colon, a comma or a bracket', '{":a":1,"b:":2,"c,":3,"[":4,"{":5}'],
    ['a name with an escaped quote before a colon', '{"a\\"":1,"b":"c\\":d"}'],
    ['an empty name and a name of white space', '{"":1," ":{"":2}}'],
  ])('%s', (_, text) => {
    expectSame(text);
  });

  test.each([
    ['a kept number text', '{"a":{"b":[{"value":1.10}]}}'],
    ['a kept number text in an array', '{"a":[1,-0]}'],
    ['a kept number text after a key with an escape', '{"a":"x\\"y","v\\u0061lue":1.50}'],
    ['a duplicate key', '{"a":{"b":1,"b":1}}'],
    ['a forbidden key', '{"a":{"__proto__":1}}'],
    ['an escaped control character', '{"a":["\\u001f"]}'],
    ['a surrogate escape', '{"a":"\\ud83d\\ude00"}'],
    ['too deep', '{"a":{"b":{"c":{"d":{"e":{}}}}}}'],
    ['malformed', '{"a":1,}'],
  ])('sent to parseJson: %s', (_, text) => {
    expect(cleanJsonValue(text, 5)).toBeUndefined();
    expectSame(text, 5);
  });

  test('a text with more names than a plain array is presized for (a large Bundle): the same offsets; a duplicate deep in it still goes to the strict reader', () => {
    const entries = Array.from({ length: 12_000 }, (_, i) => `{"fullUrl":"Slot/${i}","resource":{"resourceType":"Slot","id":"${i}","start":"2017-01-01T10:00:00+00:00"}}`);
    const text = `{"resourceType":"Bundle","entry":[${entries.join(',')}]}`;
    const clean = cleanJsonValue(text, 10);
    expect(clean?.keyEnds?.length).toBeGreaterThan(40_000);
    expect(Array.from(clean?.keyEnds ?? [])).toEqual(nameEndsOf(text));
    const duplicated = text.replace('"id":"11999"', '"id":"11999","id":"x"');
    expect(cleanJsonValue(duplicated, 10)).toBeUndefined();
    expectSame(duplicated, 10);
  });

  test('taken for clean text with escapes, colons in strings, and canonical numbers', () => {
    const text = '{"div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">a\\nb</div>","t":"10:00:00","n":[1,2.5,-3],"v":{"value":0.1}}';
    expect(cleanJsonValue(text, 5)).toEqual({ value: JSON.parse(text), keyEnds: nameEndsOf(text) });
  });

  test.each([
    ['nesting one level past the limit', 5, '{"a":{"b":{"c":{"d":{"e":{}}}}}}'],
    ['nesting at the limit', 5, '{"a":{"b":{"c":{"d":{}}}}}'],
    ['arrays past the limit', 3, '[[[[1]]]]'],
    ['empty containers past the limit', 2, '{"a":[[]]}'],
  ])('%s', (_, maxDepth, text) => {
    expectSame(text, maxDepth);
  });

  test.each([
    '',
    '   ',
    '{',
    '{"a":}',
    '{"a":1,}',
    '[1,]',
    '{"a":01}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":+1}',
    '{"a":"x\ny"}',
    '{"a":"\\x"}',
    '{"a":"\\u12"}',
    '{"a" 1}',
    "{'a':1}",
    '{"a":1} x',
    '{"a":tru}',
    '{"a":NaN}',
    '\ufeff{}',
    '{"a":1}/*c*/',
  ])('malformed: %j', (text) => {
    expect(expectSame(text).error).toBeDefined();
  });

  test('each corpus payload with a kept number, a duplicate and an escaped control character added deep down', () => {
    for (const file of files.slice(0, 12)) {
      const text = readFileSync(file, 'utf8');
      const at = text.lastIndexOf('}');
      expectSame(`${text.slice(0, at)}, "zz": {"n": 1.10, "d": 1, "d": 2, "s": "\\u0007"}${text.slice(at)}`);
      expectSame(text.replace(/"id": ?"/, '"id": "\\ud800'));
    }
  });

  // Snippets that each make parseJson add something or refuse the text, spliced in anywhere (mostly making
  // malformed text, sometimes a payload with a problem deep inside): the two must still agree.
  const snippets = ['"a":1,', '"id":"x",', '1.10', '-0', '1e400', '0.0000001', '"\\u0000"', '"\\ud800"', '"\\b"', '"__proto__":1,', '{', '}', '[', ']', ',', ':', '"', '\\', '"k":[1.50],', '"u":"\\u003a",', ' '];
  test('corpus payloads with snippets spliced in anywhere (fixed seed)', () => {
    const texts = files.slice(0, 8).map((f) => readFileSync(f, 'utf8'));
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...snippets)), { minLength: 1, maxLength: 3 }), (k, edits) => {
        let text = texts[k];
        for (const [where, snippet] of edits) {
          const at = Math.floor(where * text.length);
          text = text.slice(0, at) + snippet + text.slice(at);
        }
        expectSame(text, 12);
      }),
      { seed: 22, numRuns: 400 },
    );
  });

  test('random JSON values (fixed seed)', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'medium' }), (text) => {
        expectSame(text, 6);
        // The same with duplicated keys (every `,"` turned into a repeat of the object's first key) and decimals written long.
        expectSame(text.replace(/\{"([^"]*)":/g, '{"$1":0,"$1":').replace(/(\d)\.(\d+)/g, '$1.$20'), 6);
      }),
      { seed: 22, numRuns: 400 },
    );
  });
});
