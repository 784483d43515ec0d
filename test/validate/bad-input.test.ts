/**
 * Bad payloads: each one gives an OperationOutcome with one clear fatal issue, never an exception, a hang
 * or a polluted prototype.
 */
import { validatorSetup, type ValidatorSetup } from './validator-setup.js';

let setup: ValidatorSetup;
beforeAll(async () => {
  setup = await validatorSetup();
});

function only(payload: string | Uint8Array): { severity: string; code: string; diagnostics: string } {
  const outcome = setup.validator.validateJson(payload);
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue).toHaveLength(1);
  const [i] = outcome.issue;
  return { severity: i.severity, code: i.code, diagnostics: i.diagnostics ?? '' };
}

test('bytes that are not UTF-8', () => {
  expect(only(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual({
    severity: 'fatal',
    code: 'invalid',
    diagnostics: 'payload is not valid UTF-8 (byte 0xFF at offset 1, line 1): FHIR payloads are UTF-8, and bytes that are not are never replaced',
  });
});

test('text that is not JSON, with the line of the problem', () => {
  const outcome = setup.validator.validateJson('{\n  "resourceType": "Patient",\n  "active": tru\n}');
  expect(outcome.issue).toEqual([expect.objectContaining({ severity: 'fatal', code: 'invalid', location: ['line 3, column 13'], diagnostics: "payload is not valid JSON: unexpected 't', expected a value at line 3, column 13" })]);
});

test('a byte order mark, as text and as bytes: one error (a rule, json-byte-order-mark), and the payload read after it', () => {
  const mark = { severity: 'error', code: 'invalid', location: ['line 1, column 1'], diagnostics: 'payload starts with a byte order mark (U+FEFF), which a JSON text must not carry: read after it' };
  for (const payload of ['\uFEFF{"resourceType":"Patient","active":"yes"}', Buffer.from('\uFEFF{"resourceType":"Patient","active":"yes"}', 'utf8')]) {
    const outcome = setup.validator.validateJson(payload);
    expect(outcome.issue).toEqual([expect.objectContaining(mark), expect.objectContaining({ severity: 'error', expression: ['Patient.active'] })]);
    // RFC 8259 lets a reader ignore the mark: a caller may turn the rule off.
    expect(setup.validator.validateJson(payload, { rules: { 'json-byte-order-mark': 'off' } }).issue).toEqual([expect.objectContaining({ expression: ['Patient.active'] })]);
  }
});

test('a top-level array, null, a number, an empty payload', () => {
  expect(only('[{"resourceType":"Patient"}]').diagnostics).toBe('payload is an array, not a FHIR resource (a JSON object with resourceType)');
  expect(only('null').diagnostics).toBe('payload is null, not a FHIR resource (a JSON object with resourceType)');
  expect(only('42').diagnostics).toBe('payload is a number, not a FHIR resource (a JSON object with resourceType)');
  expect(only('  ').diagnostics).toBe('payload is empty');
});

test('an object without resourceType, and an unknown resourceType', () => {
  expect(only('{"id":"x"}')).toEqual({ severity: 'fatal', code: 'structure', diagnostics: 'not a FHIR resource: expected a JSON object with a resourceType' });
  expect(only('{"resourceType":"Pateint"}')).toEqual({ severity: 'error', code: 'structure', diagnostics: "unknown resourceType 'Pateint'" });
});

test('__proto__, constructor and prototype keys are refused and pollute nothing', () => {
  const proto = setup.validator.validateJson('{"resourceType":"Patient","name":[{"__proto__":{"polluted":true}}]}');
  expect(proto.issue).toEqual([
    { severity: 'fatal', code: 'security', diagnostics: "property name '__proto__' is not allowed (no FHIR element has it)", expression: ['Patient.name[0].__proto__'], location: ['line 1, column 36'] },
  ]);
  expect(only('{"resourceType":"Patient","constructor":{"prototype":{"polluted":true}}}')).toEqual({
    severity: 'fatal',
    code: 'security',
    diagnostics: "property name 'constructor' is not allowed (no FHIR element has it)",
  });
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  // The parsed object API refuses them too (JSON.parse makes `__proto__` an own property).
  const direct = setup.validator.validate(JSON.parse('{"resourceType":"Patient","__proto__":{"x":1}}'));
  expect(direct.issue).toEqual([{ severity: 'fatal', code: 'security', diagnostics: "property name '__proto__' is not allowed (no FHIR element has it)", expression: ['Patient.__proto__'] }]);
});

test('10,000-deep nesting', () => {
  const depth = 10_000;
  const payload = `{"resourceType":"Patient","extension":[${'{"extension":['.repeat(depth)}${']}'.repeat(depth)}]}`;
  expect(only(payload)).toEqual({ severity: 'fatal', code: 'too-costly', diagnostics: expect.stringMatching(/^payload nests deeper than 200 levels \(line 1, column \d+\)$/) });
});

test('a 50 MB payload is refused before parsing', () => {
  const payload = `{"resourceType":"Binary","contentType":"text/plain","content":"${'A'.repeat(50 * 1024 * 1024)}"}`;
  expect(only(payload)).toEqual({ severity: 'fatal', code: 'too-costly', diagnostics: 'payload of 50.0 MiB exceeds the limit of 32.0 MiB' });
});

test('issues are placed at the line and column their FHIRPath names; locate: false keeps the FHIRPath only', () => {
  const payload = '{\n  "resourceType": "Patient",\n  "gender": "x",\n  "active": "yes"\n}';
  const placed = setup.validator.jsonIssues(payload).map(({ expression, line, column }) => ({ expression, line, column }));
  expect(placed).toEqual(
    expect.arrayContaining([
      { expression: 'Patient.gender', line: 3, column: 3 },
      { expression: 'Patient.active', line: 4, column: 3 },
    ]),
  );
  const unplaced = setup.validator.jsonIssues(payload, { locate: false });
  expect(unplaced.map((i) => i.expression).sort()).toEqual(placed.map((i) => i.expression).sort());
  expect(unplaced.filter((i) => i.line !== undefined || i.column !== undefined)).toEqual([]);
  // A parse problem has its place from the parser, whatever the option.
  expect(setup.validator.jsonIssues('{\n "resourceType": tru\n}', { locate: false })).toEqual([expect.objectContaining({ line: 2, column: 18 })]);
});
