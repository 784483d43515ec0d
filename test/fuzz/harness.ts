/**
 * The fuzz harness: corpus payloads (GP Connect JSON examples, NHS XML and JSON examples) mutated by
 * fast-check (structural edits of the parsed resource, number texts, byte flips, injected characters;
 * each payload in JSON and in XML), then validated, and for payloads found valid, converted JSON -> XML
 * -> JSON. Every case must: raise no exception and no internal error, give an OperationOutcome with at
 * least one issue, stay under the CPU-time budget, and (valid ones) come back from XML identical, number
 * texts included.
 *
 * Time is CPU time of this process (process.cpuUsage), the minimum over up to three runs of a case that
 * looks over budget: other processes on a shared machine do not make it look slow, and a collection that
 * lands in one run does not either. The harness reports the slowest cases; the test fails only on a case
 * over budget in all three runs.
 *
 * Used by test/fuzz/fuzz.test.ts (fixed seed, bounded count) and test/fuzz/campaign.ts (long runs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { onInternalError } from '../../scripts/diagnostics/internal-errors.js';
import { jsonToXml, xmlToJson } from '../../scripts/format/convert.js';
import { parseJson } from '../../scripts/format/json/parse-json.js';
import { stringifyJson } from '../../scripts/format/json/write-json.js';
import type { OperationOutcome } from '../../scripts/model/fhir.js';
import { plainNumber, recordedNumberText } from '../../scripts/model/number-text.js';
import type { ElementModel } from '../../scripts/resolve/element-model.js';
import type { Validator } from '../../scripts/validate/validator.js';
import { gpconnectExamplesDir, nhsAssetsDir } from '../helpers/shared.js';

export interface CorpusPayload {
  name: string;
  /** The parsed resource (JSON examples, and XML examples read to JSON), mutated structurally. */
  resource: Record<string, unknown>;
}

/** The corpus: every GP Connect JSON example and every NHS example (XML read to JSON). */
export function loadCorpus(model: ElementModel): CorpusPayload[] {
  const out: CorpusPayload[] = [];
  for (const folder of readdirSync(gpconnectExamplesDir).sort())
    for (const f of readdirSync(join(gpconnectExamplesDir, folder)).sort()) {
      const parsed = parseJson(readFileSync(join(gpconnectExamplesDir, folder, f), 'utf8'), { maxDepth: 200 }).value;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) out.push({ name: `${folder}/${f}`, resource: parsed as Record<string, unknown> });
    }
  const examples = join(nhsAssetsDir, 'Examples');
  for (const f of readdirSync(examples).sort()) {
    const text = readFileSync(join(examples, f), 'utf8');
    const resource = f.endsWith('.xml') ? xmlToJson(text, model, new Diagnostics(), f) : (parseJson(text, { maxDepth: 200 }).value as Record<string, unknown> | undefined);
    if (resource && typeof resource === 'object') out.push({ name: `nhs/${f}`, resource: resource as Record<string, unknown> });
  }
  return out;
}

/** One edit of a parsed resource, at the `at`-th node (modulo their number). */
type Edit =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'duplicate'; at: number }
  | { kind: 'wrap'; at: number }
  | { kind: 'unwrap'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'nest'; at: number; depth: number };

/** Text edits after serialising: bytes flipped, inserted, deleted; characters and number texts injected. */
type TextEdit = { kind: 'flip'; at: number; bit: number } | { kind: 'insert'; at: number; text: string } | { kind: 'remove'; at: number; length: number } | { kind: 'number'; at: number; text: string };

export interface FuzzCase {
  payload: number;
  format: 'json' | 'xml';
  edits: Edit[];
  textEdits: TextEdit[];
}

const KEYS = ['resourceType', 'id', 'meta', 'profile', 'extension', 'url', 'value', 'valueString', 'reference', 'contained', 'entry', 'resource', 'fullUrl', 'text', 'div', 'status', 'coding', 'system', 'code', '__proto__', 'constructor', 'fhir_comments', '_id', 'valueDecimal', 'foo'];
const STRINGS = ['', 'x', '\u0000', '\u0001', '\ud800', '\udc00x', '#x', 'http://hl7.org/fhir/StructureDefinition/Patient', 'urn:uuid:1', '<div xmlns="http://www.w3.org/1999/xhtml"><script>x</script></div>', 'Patient', 'Bundle', '2020-13-45', '\t\n\r', 'é😀'];
const NUMBER_TEXTS = ['1.10', '0.0000001', '1e21', '1e400', '-0', '-0.0', '2147483648', '-2147483649', '12345678901234567890.12', '3.0', '0', '1E5', '9007199254740993'];

const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    fc.constantFrom(...STRINGS),
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: jsonValue }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('wrap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unwrap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.constantFrom(...KEYS), value: jsonValue }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 300 }) }),
);

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\\u0001', '\\ud800', '<', '>', '&', '&#1;', '<!DOCTYPE x>', '<?pi?>', ' xmlns:p="urn:x"', '\u0000', '\uFEFF', '\u00e9', '"id":"x",') }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), text: fc.constantFrom(...NUMBER_TEXTS) }),
);

export function fuzzCase(corpusSize: number): fc.Arbitrary<FuzzCase> {
  return fc.record({
    payload: fc.integer({ min: 0, max: corpusSize - 1 }),
    format: fc.constantFrom('json' as const, 'xml' as const),
    edits: fc.array(edit, { maxLength: 4 }),
    textEdits: fc.oneof(fc.constant([] as TextEdit[]), fc.array(textEdit, { minLength: 1, maxLength: 3 })),
  });
}

/** Every (container, key) of a parsed value, in document order. */
function slots(root: unknown): Array<{ container: Record<string, unknown> | unknown[]; key: string | number }> {
  const out: Array<{ container: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v))
      v.forEach((item, i) => {
        out.push({ container: v, key: i });
        visit(item);
      });
    else if (typeof v === 'object' && v !== null)
      for (const key of Object.keys(v)) {
        out.push({ container: v as Record<string, unknown>, key });
        visit((v as Record<string, unknown>)[key]);
      }
  };
  visit(root);
  return out;
}

function applyEdit(root: Record<string, unknown>, e: Edit): void {
  const all = slots(root);
  if (all.length === 0) return;
  const { container, key } = all[e.at % all.length];
  const get = () => (container as Record<string | number, unknown>)[key];
  const set = (v: unknown) => {
    if (key === '__proto__') Object.defineProperty(container, key, { value: v, enumerable: true, configurable: true, writable: true });
    else (container as Record<string | number, unknown>)[key] = v;
  };
  switch (e.kind) {
    case 'delete':
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      return;
    case 'replace':
      return set(structuredClone(e.value));
    case 'duplicate':
      if (Array.isArray(container)) container.splice(key as number, 0, structuredClone(get()));
      return;
    case 'wrap':
      return set([get()]);
    case 'unwrap': {
      const v = get();
      if (Array.isArray(v)) set(v[0]);
      return;
    }
    case 'add': {
      const v = get();
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) Object.defineProperty(v, e.key, { value: structuredClone(e.value), enumerable: true, configurable: true, writable: true });
      return;
    }
    case 'nest': {
      let v: unknown = get();
      for (let i = 0; i < e.depth; i++) v = i % 2 ? [v] : { extension: v };
      return set(v);
    }
  }
}

function applyTextEdit(text: string, e: TextEdit): string {
  const at = text.length === 0 ? 0 : e.at % text.length;
  switch (e.kind) {
    case 'flip': {
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length === 0) return text;
      const i = e.at % bytes.length;
      bytes[i] ^= 1 << e.bit;
      return bytes.toString('latin1');
    }
    case 'insert':
      return text.slice(0, at) + e.text + text.slice(at);
    case 'remove':
      return text.slice(0, at) + text.slice(at + e.length);
    case 'number': {
      // Replace the first number at or after the position with another number text.
      const m = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
      m.lastIndex = at;
      const found = m.exec(text);
      return found ? text.slice(0, found.index) + e.text + text.slice(found.index + found[0].length) : text;
    }
  }
}

/** The payload a case describes: its text (JSON or XML) or bytes (after a byte flip). */
export function materialise(corpus: readonly CorpusPayload[], model: ElementModel, c: FuzzCase): { payload: string | Buffer; description: string } {
  const source = corpus[c.payload];
  const resource = structuredClone(source.resource);
  for (const e of c.edits) applyEdit(resource, e);
  let text = c.format === 'json' ? stringifyJson(resource) : (jsonToXml(resource, model, new Diagnostics()) ?? stringifyJson(resource));
  let bytes: Buffer | undefined;
  for (const e of c.textEdits) {
    text = applyTextEdit(text, e);
    if (e.kind === 'flip') bytes = Buffer.from(text, 'latin1');
    else bytes = undefined;
  }
  return { payload: bytes ?? text, description: `${source.name} as ${c.format}, ${c.edits.length} edit(s) ${JSON.stringify(c.edits).slice(0, 300)}, text edits ${JSON.stringify(c.textEdits)}` };
}

export interface FuzzReport {
  cases: number;
  valid: number;
  roundTrips: number;
  /** CPU milliseconds of the slowest cases (minimum over retries). */
  slowest: Array<{ ms: number; description: string }>;
  overBudget: Array<{ ms: number; description: string }>;
  budgetMs: number;
}

export class FuzzHarness {
  readonly report: FuzzReport;
  private internal: string[] = [];
  private readonly stop: () => void;

  constructor(
    private readonly validator: Validator,
    private readonly model: ElementModel,
    private readonly corpus: readonly CorpusPayload[],
    budgetMs: number,
  ) {
    this.report = { cases: 0, valid: 0, roundTrips: 0, slowest: [], overBudget: [], budgetMs };
    this.stop = onInternalError((e, where) => this.internal.push(`${where}: ${e instanceof Error ? e.message : String(e)}`));
  }

  dispose(): void {
    this.stop();
  }

  /** Checks one case; throws (for fast-check to shrink) on a broken property. */
  check(c: FuzzCase): void {
    const { payload, description } = materialise(this.corpus, this.model, c);
    this.internal = [];
    const run = () => (c.format === 'json' ? this.validator.validateJson(payload) : this.validator.validateXml(payload));
    const first = cpuTimed(run);
    const outcome = first.outcome;
    let ms = first.ms;
    for (let retry = 0; retry < 2 && ms > this.report.budgetMs; retry++) ms = Math.min(ms, cpuTimed(run).ms);
    this.report.cases++;
    this.note(ms, description);
    if (this.internal.length > 0) throw new Error(`internal error: ${this.internal.join('; ')} (${description})`);
    if (outcome.resourceType !== 'OperationOutcome' || !Array.isArray(outcome.issue) || outcome.issue.length === 0) throw new Error(`no OperationOutcome (${description})`);
    if (outcome.issue.some((i) => i.code === 'exception')) throw new Error(`exception issue (${description})`);
    if (outcome.issue.some((i) => i.severity === 'error' || i.severity === 'fatal')) return;
    this.report.valid++;
    this.roundTrip(payload, c.format, description);
  }

  /** A valid payload comes back from XML as it was (number texts included, key order aside). */
  private roundTrip(payload: string | Buffer, format: 'json' | 'xml', description: string): void {
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    const diagnostics = new Diagnostics();
    const json = format === 'json' ? parseJson(text, { maxDepth: 200 }).value : xmlToJson(text, this.model, diagnostics);
    if (!json) throw new Error(`valid payload not readable for the round trip (${description})`);
    const xml = jsonToXml(json, this.model, diagnostics);
    const back = xml === undefined ? undefined : xmlToJson(xml, this.model, diagnostics);
    if (diagnostics.hasErrors()) throw new Error(`round trip of a valid payload reported: ${diagnostics.all.map((d) => d.message).join('; ')} (${description})`);
    if (canonical(back) !== canonical(json)) throw new Error(`JSON -> XML -> JSON changed a valid payload (${description})`);
    this.report.roundTrips++;
  }

  private note(ms: number, description: string): void {
    const slowest = this.report.slowest;
    if (slowest.length < 5 || ms > slowest[slowest.length - 1].ms) {
      slowest.push({ ms, description });
      slowest.sort((a, b) => b.ms - a.ms);
      slowest.length = Math.min(slowest.length, 5);
    }
    if (ms > this.report.budgetMs) this.report.overBudget.push({ ms, description });
  }
}

/** CPU milliseconds (user + system) of this process spent in `fn`. */
function cpuTimed(fn: () => OperationOutcome): { outcome: OperationOutcome; ms: number } {
  const before = process.cpuUsage();
  const outcome = fn();
  const used = process.cpuUsage(before);
  return { outcome, ms: (used.user + used.system) / 1000 };
}

/** A text with keys sorted and numbers as their texts (as read, else plain): equal for equal FHIR content. */
function canonical(value: unknown, container?: object, key?: string | number): string {
  if (typeof value === 'number') return `n:${(container && key !== undefined ? recordedNumberText(container, key) : undefined) ?? plainNumber(value)}`;
  if (Array.isArray(value)) return `[${value.map((v, i) => canonical(v, value, i)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k], o, k)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
