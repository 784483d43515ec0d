/**
 * The one-scan locator (json-locate.ts) against the jsonc-parser tree walk it replaced, kept here as the
 * oracle only: the same line and column for every path of every JSON file of the corpus (each node, its
 * `_field` extension paths, choice names, indexes past the end, resource type and function steps, missing
 * names), and for hand-made texts where the order of members decides (`_name` before `name`, resourceType
 * last, duplicate keys, escaped keys). The locator through the parsed value (json-tree-locate.ts) is held
 * to the same places on each of them where its conditions hold (JSON.parse's value, keys without escapes),
 * and must answer on every corpus file.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { jsonFieldLocator, locateJsonPaths } from '../../scripts/format/json/json-locate.js';
import { parseSteps, splitSteps } from '../../scripts/format/json/json-paths.js';
import { treeOffsets } from '../../scripts/format/json/json-tree-locate.js';
import { cleanJsonValue } from '../../scripts/format/json/parse-json-fast.js';
import { LineIndex, type LineColumn } from '../../scripts/format/line-index.js';
import { gpconnectExamplesDir, jsonFiles, nhsAssetsDir } from '../helpers/shared.js';

/** The former locator: jsonc-parser's tree, walked step by step. */
function oracle(text: string, expression: string, dropType = true): LineColumn | undefined {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  if (!root) return undefined;
  const path = splitSteps(expression);
  let node = root;
  let offset = root.offset;
  for (const segment of dropType && /^[A-Z]/.test(path[0] ?? '') ? path.slice(1) : path) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(segment);
    if (!m) {
      if (/^[A-Za-z]+\(.*\)$/.test(segment)) continue;
      break;
    }
    const [, name, index] = m as unknown as [string, string, string | undefined];
    if (/^[A-Z]/.test(name) && propertyOf(node, 'resourceType')?.children?.[1]?.value === name) continue;
    const property = propertyOf(node, name) ?? propertyOf(node, `_${name}`);
    const value = property?.children?.[1];
    if (!property || !value) break;
    offset = property.offset;
    node = value;
    if (value.type === 'array') {
      const item = value.children?.[index === undefined ? 0 : Number(index)];
      if (!item) break;
      if (index !== undefined) offset = item.offset;
      node = item;
    }
  }
  return new LineIndex(text).at(offset);
}


/**
 * The places through the parsed value, as the validator asks for them (the value JSON.parse's, its keys
 * written as is); undefined when those conditions do not hold. `answered` counts the texts the tree
 * locator answered itself (rather than handing over to the scan).
 */
const tree = { answered: 0 };
function viaValue(text: string, expressions: string[]): Array<LineColumn | undefined> | undefined {
  const clean = cleanJsonValue(text, 1000);
  if (!clean?.keyEnds || typeof clean.value !== 'object' || clean.value === null) return undefined;
  const found = { value: clean.value, keyEnds: clean.keyEnds };
  const steps = expressions.map((e) => {
    const path = splitSteps(e);
    return parseSteps(/^[A-Z]/.test(path[0] ?? '') ? path.slice(1) : path);
  });
  if (treeOffsets(text, found, steps)) tree.answered++;
  return locateJsonPaths(text, expressions, found);
}

function propertyOf(node: JsonNode, name: string): JsonNode | undefined {
  return node.type === 'object' ? node.children?.find((p) => p.children?.[0]?.value === name) : undefined;
}


/** Paths to every node of a value, and the variants around each that a location may hold. */
function pathsOf(value: unknown, prefix: string, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push(`${prefix}[${i}]`);
      pathsOf(item, `${prefix}[${i}]`, out);
    });
    out.push(`${prefix}[${value.length}]`);
    return;
  }
  if (typeof value !== 'object' || value === null) {
    out.push(`${prefix}.below`);
    return;
  }
  const type = (value as { resourceType?: unknown }).resourceType;
  if (typeof type === 'string' && prefix) out.push(`${prefix}.${type}`, `${prefix}.${type}.id`, `${prefix}.ofType(${type}).meta`, `${prefix}.Other.id`);
  for (const [key, item] of Object.entries(value)) {
    // `_name` is reached by `name` (a primitive's extension).
    const path = prefix ? `${prefix}.${key.replace(/^_/, '')}` : key.replace(/^_/, '');
    out.push(path, `${path}.where(system = 'a.b')`, `${path}.missing`);
    pathsOf(item, path, out);
  }
}

describe('JSON locations: the one-scan locator gives the places the tree walk gave', () => {
  test('every path of every JSON file of the corpus, asked all at once and one by one', () => {
    let checked = 0;
    for (const file of [...jsonFiles(gpconnectExamplesDir), ...jsonFiles(nhsAssetsDir)]) {
      const text = readFileSync(file, 'utf8');
      const value = JSON.parse(text) as { resourceType?: string };
      const relative: string[] = [];
      pathsOf(value, '', relative);
      const type = value.resourceType ?? 'X';
      const expressions = [...relative.map((p) => `${type}.${p}`), ...relative.slice(0, 100), type, 'Other.id'];
      const places = locateJsonPaths(text, expressions);
      const before = tree.answered;
      expect(viaValue(text, expressions)).toEqual(places);
      expect([file, tree.answered]).toEqual([file, before + 1]);
      const root = parseTree(text);
      expect(root).toBeDefined();
      expressions.forEach((expression, k) => {
        expect([expression, places[k]]).toEqual([expression, oracle(text, expression)]);
        checked++;
      });
      for (const expression of expressions.filter((_, k) => k % 40 === 0)) expect(locateJsonPaths(text, [expression])[0]).toEqual(oracle(text, expression));
      const field = jsonFieldLocator(text);
      for (const path of relative.slice(0, 60)) expect(field(path)).toEqual(oracle(text, path, false));
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  const cases: Array<[string, string, string[]]> = [
    ['`_name` before `name`', '{\n "resourceType": "Patient",\n "_gender": {"id": "x"},\n "gender": "male"\n}', ['Patient.gender', 'Patient.gender.id', 'Patient.birthDate']],
    ['only `_name`', '{"resourceType": "Patient",\n "_gender": {"extension": [{"url": "u"}]}}', ['Patient.gender.extension[0].url', 'Patient.gender.extension[1]', 'Patient.gender.id']],
    ['resourceType last', '{"entry": [{"resource": {"id": "1",\n "Patient": {"x": 1}, "name": [], "resourceType": "Patient"}}]}', ['Bundle.entry[0].resource.Patient.name', 'Bundle.entry[0].resource.Patient.x', 'Bundle.entry[0].resource.Observation.id', 'Bundle.entry[0].resource.Patient.Patient.id', 'Bundle.entry[0].resource.Patient.Observation.name']],
    ['resourceType not a string', '{"resourceType": {"Patient": 1}, "Patient": {"id": "p"}}', ['Patient.id', 'Patient.Patient.id', 'resourceType.Patient']],
    ['duplicate keys: the first', '{"name": [{"given": ["a"]}],\n "name": [{"family": "b"}]}', ['Patient.name[0].given[0]', 'Patient.name[0].family', 'Patient.name[1]']],
    ['duplicate resourceType: the first', '{"resourceType": "Patient", "resourceType": "Observation", "a": {"resourceType": "X"}}', ['Patient.Patient.a', 'Patient.Observation.a']],
    ['escaped keys and strings', '{"n\\u0061me": [{"given": ["\\"a\\"", "b"]}], "x\\"y": 1, "id": "1"}', ['Patient.name[0].given[1]', 'Patient.id']],
    ['arrays of arrays, and a name with an index on an object', '{"a": [[1, 2], [3]], "b": {"c": 1}}', ['X.a[1]', 'X.a[1].b', 'X.a.c', 'X.b[3].c', 'X.b[0]']],
    ['string values that start with `:`, after a key or an item', '{"a": ":a", "b": [" :b", ":a", "a\\":"], "c": {"a": ":", "b": 1}, "value": "value:"}', ['X.c.a', 'X.c.b', 'X.value', 'X.b[2]']],
    ['empty containers', '{"a": [], "b": {}}', ['X.a', 'X.a[0]', 'X.b.c']],
    ['a root array', '[{"a": 1}]', ['a', 'X.a']],
    ['a root scalar', '  42', ['a']],
    ['nothing but space', '  \n', ['a']],
  ];
  test.each(cases)('%s', (_, text, expressions) => {
    const expected = expressions.map((e) => oracle(text, e));
    expect(locateJsonPaths(text, expressions)).toEqual(expected);
    expect(viaValue(text, expressions) ?? expected).toEqual(expected);
  });

  test('the value is walked only where its keys are in the order written: not with an array-index key', () => {
    const text = '{"b": {"value": 1}, "0": {"value": 2}, "value": 3}';
    const expressions = ['X.b.value', 'X.value'];
    const before = tree.answered;
    expect(viaValue(text, expressions)).toEqual(expressions.map((e) => oracle(text, e)));
    expect(tree.answered).toBe(before);
  });

  test('known places', () => {
    const text = '{\n  "resourceType": "Observation",\n  "_status": {"id": "s"},\n  "valueQuantity": {"value": 3}\n}';
    expect(locateJsonPaths(text, ['Observation.status.id', 'Observation.valueQuantity.value', 'Observation.ofType(Observation).valueQuantity', 'Observation.code'])).toEqual([
      { line: 3, column: 15 },
      { line: 4, column: 21 },
      { line: 4, column: 3 },
      { line: 1, column: 1 },
    ]);
  });

  test('random JSON documents, compact and indented, every path (fixed seed)', () => {
    const before = tree.answered;
    const key = fc.constantFrom('a', 'b', '_a', 'resourceType', 'Patient', 'value', 'x\\y', 'n"m');
    const leaf = fc.oneof(fc.constantFrom('Patient', 'Observation', 'a:b', 'x\\"y', ':a', ' :value', 'b":'), fc.integer(), fc.boolean(), fc.constant(null)).map((v) => JSON.stringify(v));
    const { doc } = fc.letrec((tie) => ({
      doc: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
      object: fc.array(fc.tuple(key, tie('doc')), { maxLength: 5 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v as string}`).join(', ')}}`),
      array: fc.array(tie('doc'), { maxLength: 4 }).map((items) => `[${(items as string[]).join(',\n')}]`),
    }));
    fc.assert(
      fc.property(
        doc.map((d) => d as string),
        (text) => {
          const relative: string[] = [];
          pathsOf(JSON.parse(text) as unknown, '', relative);
          const expressions = [...relative.map((p) => `X.${p}`), ...relative, 'Patient.a', 'Patient.Patient.b'];
          const expected = expressions.map((e) => oracle(text, e));
          expect(locateJsonPaths(text, expressions)).toEqual(expected);
          expect(viaValue(text, expressions) ?? expected).toEqual(expected);
        },
      ),
      { seed: 22, numRuns: 300 },
    );
    // A third of them (the others have duplicate or escaped keys, or are not objects): answered by the tree locator itself.
    expect(tree.answered - before).toBeGreaterThan(80);
  });
});
