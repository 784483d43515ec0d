/**
 * Issue 19's findings, each a regression test: payloads that crashed the validator, switched validation
 * off for later payloads, took super-linear time, or lost data. Every one gets an OperationOutcome with a
 * clear issue and its location; none may raise an internal error (test/helpers/internal-errors.ts fails
 * any test that does).
 */
import type { OperationOutcome } from '../../scripts/model/fhir.js';
import { Validator } from '../../scripts/validate/validator.js';
import { takeInternalErrors } from '../helpers/internal-errors.js';
import { validatorSetup, type ValidatorSetup } from './validator-setup.js';

let setup: ValidatorSetup;
beforeAll(async () => {
  setup = await validatorSetup();
});

const issues = (o: OperationOutcome) => o.issue.map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.diagnostics ?? '', expression: i.expression?.[0] ?? '' }));
const errors = (o: OperationOutcome) => issues(o).filter((i) => i.severity === 'error' || i.severity === 'fatal');
const observation = (value: string) => `{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":${value}}}`;

describe('payloads that crashed the validator', () => {
  test.each(['[1]', '[null]', 'true', '{}', '[["x"]]', '"http://example.org/p"'])('meta.profile %s: a structure error, at the top and in a contained resource', (profile) => {
    const top = setup.validator.validateJson(`{"resourceType":"Patient","meta":{"profile":${profile}}}`);
    expect(errors(top).length).toBeGreaterThan(0);
    expect(errors(top).every((i) => i.expression.startsWith('Patient.meta.profile') && i.code === 'structure')).toBe(true);
    const contained = setup.validator.validateJson(`{"resourceType":"Patient","managingOrganization":{"reference":"#o"},"contained":[{"resourceType":"Organization","id":"o","meta":{"profile":${profile}}}]}`);
    expect(errors(contained).map((i) => i.expression)).toEqual(expect.arrayContaining([expect.stringMatching(/^Patient\.contained\[0\]\.meta\.profile/)]));
    expect(errors(contained).some((i) => i.code === 'exception')).toBe(false);
  });

  test('a string meta.profile is one issue, not one per character', () => {
    const outcome = setup.validator.validateJson('{"resourceType":"Patient","meta":{"profile":"http://example.org/StructureDefinition/p"}}');
    expect(issues(outcome)).toEqual([{ severity: 'error', code: 'structure', diagnostics: "element 'profile' repeats and must be an array", expression: 'Patient.meta.profile' }]);
  });

  test('a null Bundle entry', () => {
    const outcome = setup.validator.validateJson('{"resourceType":"Bundle","type":"collection","entry":[null]}');
    expect(errors(outcome)).toContainEqual(expect.objectContaining({ code: 'structure', expression: 'Bundle.entry[0]' }));
    expect(errors(outcome).some((i) => i.code === 'exception')).toBe(false);
  });

  test('350 nested extensions in XML (13 KB): refused at the depth limit', () => {
    const xml = `<Patient xmlns="http://hl7.org/fhir">${'<extension url="http://x">'.repeat(350)}${'</extension>'.repeat(350)}</Patient>`;
    expect(issues(setup.validator.validateXml(xml))).toEqual([{ severity: 'fatal', code: 'structure', diagnostics: 'malformed XML: elements nest deeper than 200 levels', expression: 'Patient' }]);
  });

  test('150 nested extensions in XML: read, then refused as JSON nesting (each level is an array and an object)', () => {
    const xml = `<Patient xmlns="http://hl7.org/fhir">${'<extension url="http://x">'.repeat(150)}<valueString value="v"/>${'</extension>'.repeat(150)}</Patient>`;
    expect(issues(setup.validator.validateXml(xml))).toEqual([expect.objectContaining({ severity: 'fatal', code: 'too-costly', diagnostics: 'payload nests deeper than 200 levels of objects and arrays' })]);
  });

  test('the same depth through the parsed-object API', () => {
    let deep: Record<string, unknown> = { url: 'http://x', valueString: 'v' };
    for (let i = 0; i < 150; i++) deep = { url: 'http://x', extension: [deep] };
    expect(issues(setup.validator.validate({ resourceType: 'Patient', extension: [deep] }))).toEqual([expect.objectContaining({ severity: 'fatal', code: 'too-costly' })]);
  });

  test('unterminated deep JSON: refused at the depth limit, in one pass', () => {
    const outcome = setup.validator.validateJson(`{"resourceType":"Patient","extension":${'['.repeat(10_000)}`);
    expect(issues(outcome)).toEqual([{ severity: 'fatal', code: 'too-costly', diagnostics: expect.stringMatching(/^payload nests deeper than 200 levels \(line 1, column \d+\)$/), expression: '' }]);
    const shallow = setup.validator.validateJson(`{"resourceType":"Patient","extension":${'['.repeat(50)}`);
    expect(issues(shallow)).toEqual([{ severity: 'fatal', code: 'invalid', diagnostics: expect.stringMatching(/^payload is not valid JSON: unexpected end of text, expected a value at line 1, column \d+$/), expression: '' }]);
  });
});

describe('one guard around every entry point', () => {
  test('an exception inside a layer is a fatal issue, the next payload is validated as usual, and the test suite hears of it', () => {
    const broken = new Validator({
      structure: {
        Resource: () => {
          throw new Error('boom');
        },
      },
      semantic: (setup.validator as unknown as { parts: { semantic: never } }).parts.semantic,
    });
    for (const outcome of [broken.validateJson('{"resourceType":"Patient"}'), broken.validateXml('<Patient xmlns="http://hl7.org/fhir"/>'), broken.validate({ resourceType: 'Patient' })])
      expect(errors(outcome)).toEqual([{ severity: 'fatal', code: 'exception', diagnostics: expect.stringMatching(/^internal error while validating (a JSON payload|an XML payload|a resource): boom \(a bug in the toolchain/), expression: '' }]);
    expect(takeInternalErrors()).toHaveLength(3);
  });
});

describe('state shared between payloads never changes a later verdict', () => {
  test('an invariant fhirpath.js cannot evaluate on one payload is still evaluated on the next', () => {
    // `status` as an array makes app-3's `status in (...)` throw in fhirpath.js; it used to switch app-3 off.
    const breaks = '{"resourceType":"Appointment","status":["proposed","booked"],"participant":[{"status":"accepted","actor":{"display":"x"}}]}';
    const fails = '{"resourceType":"Appointment","status":"booked","participant":[{"status":"accepted","actor":{"display":"x"}}]}';
    const before = issues(setup.validator.validateJson(fails));
    expect(before).toContainEqual(expect.objectContaining({ code: 'invariant', diagnostics: expect.stringMatching(/^constraint app-3 failed/) }));
    setup.validator.validateJson(breaks);
    expect(issues(setup.validator.validateJson(fails))).toEqual(before);
  });

  test('"not evaluated" notes are per payload: every payload that meets one says so', () => {
    const payload = '{"resourceType":"Appointment","status":["proposed","booked"],"participant":[{"status":"accepted","actor":{"display":"x"}}]}';
    const notes = () => issues(setup.validator.validateJson(payload)).filter((i) => i.diagnostics.includes('not evaluated'));
    expect(notes().length).toBeGreaterThan(0);
    expect(notes()).toEqual(notes());
  });
});

describe('limits hold on every path', () => {
  test('issues are capped: past the limit, one fatal issue says the rest was not checked (JSON, XML, parsed object)', () => {
    const capped = new Validator({ ...(setup.validator as unknown as { parts: ConstructorParameters<typeof Validator>[0] }).parts, limits: { maxIssues: 50 } });
    const json = `{"resourceType":"Patient","name":[${Array(500).fill('1').join(',')}]}`;
    const xml = `<Patient xmlns="http://hl7.org/fhir">${Array.from({ length: 100_000 }, (_, i) => `<foo${i}/>`).join('')}</Patient>`;
    for (const outcome of [capped.validateJson(json), capped.validateXml(xml), capped.validate(JSON.parse(json))]) {
      expect(outcome.issue).toHaveLength(51);
      expect(outcome.issue[0]).toEqual(expect.objectContaining({ severity: 'fatal', code: 'too-costly', diagnostics: 'stopped after 50 issues: the rest of the payload was not checked' }));
    }
  });

  test('time is capped: a payload over its time limit stops with what was found', () => {
    const slow = new Validator({ ...(setup.validator as unknown as { parts: ConstructorParameters<typeof Validator>[0] }).parts, limits: { maxMillis: 1 } });
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: Array.from({ length: 3000 }, (_, i) => ({ fullUrl: `urn:uuid:${i}`, resource: { resourceType: 'Patient', id: `p${i}`, active: true } })) };
    const outcome = slow.validate(bundle);
    expect(outcome.issue[0]).toEqual(expect.objectContaining({ severity: 'fatal', code: 'too-costly', diagnostics: expect.stringMatching(/^stopped after \d+\.\d s: a payload may take 0\.0 s at most$/) }));
  });

  test('size is capped for XML as for JSON', () => {
    const small = new Validator({ ...(setup.validator as unknown as { parts: ConstructorParameters<typeof Validator>[0] }).parts, limits: { maxBytes: 1000 } });
    expect(issues(small.validateXml(`<Patient xmlns="http://hl7.org/fhir"><id value="${'a'.repeat(2000)}"/></Patient>`))).toEqual([expect.objectContaining({ code: 'too-costly', diagnostics: expect.stringMatching(/exceeds the limit of/) })]);
  });
});

describe('no super-linear time (a guard against the quadratic forms, far above their linear time: the figures are the benchmark\'s)', () => {
  test('20,000 xmlns declarations on one element', () => {
    const decls = Array.from({ length: 20_000 }, (_, i) => ` xmlns:p${i}="urn:x:${i}"`).join('');
    const started = performance.now();
    const outcome = setup.validator.validateXml(`<Patient xmlns="http://hl7.org/fhir"${decls}><active value="true"/></Patient>`);
    expect(performance.now() - started).toBeLessThan(20_000); // was 110 s
    expect(errors(outcome)).toEqual([]);
  });

  test('2,000 contained resources, invariants on', () => {
    const n = 2000;
    const payload = { resourceType: 'Patient', contained: Array.from({ length: n }, (_, i) => ({ resourceType: 'Organization', id: `o${i}`, name: 'x' })), generalPractitioner: Array.from({ length: n }, (_, i) => ({ reference: `#o${i}` })) };
    const started = performance.now();
    const outcome = setup.validator.validate(payload);
    expect(performance.now() - started).toBeLessThan(20_000); // was 29 s
    expect(errors(outcome)).toEqual([]);
  });
});

describe('data kept as written', () => {
  test.each(['1.10', '0.0000001', '12345678901234567890.12', '3.0', '-0.0'])('decimal %s is valid', (value) => {
    expect(errors(setup.validator.validateJson(observation(value)))).toEqual([]);
  });

  test.each([
    ['1e21', 'value 1e21 does not match the decimal format'],
    ['1E-7', 'value 1E-7 does not match the decimal format'],
    ['1e400', 'value 1e400 does not match the decimal format'],
  ])('decimal %s: STU3 decimals have no exponent', (value, diagnostics) => {
    expect(errors(setup.validator.validateJson(observation(value)))).toEqual([{ severity: 'error', code: 'value', diagnostics, expression: 'Observation.valueQuantity.value' }]);
  });

  test.each([
    ['multipleBirthInteger', '2147483648', 'value 2147483648 is out of the integer range (-2147483648 to 2147483647)'],
    ['multipleBirthInteger', '-2147483649', 'value -2147483649 is out of the integer range (-2147483648 to 2147483647)'],
    ['multipleBirthInteger', '1.0', 'value 1.0 does not match the integer format'],
    ['multipleBirthInteger', '1e2', 'value 1e2 does not match the integer format'],
  ])('%s %s', (element, value, diagnostics) => {
    expect(errors(setup.validator.validateJson(`{"resourceType":"Patient","${element}":${value}}`))).toEqual([{ severity: 'error', code: 'value', diagnostics, expression: `Patient.${element}` }]);
  });

  test('integer bounds are valid; positiveInt and unsignedInt ranges', () => {
    expect(errors(setup.validator.validateJson('{"resourceType":"Patient","multipleBirthInteger":-2147483648}'))).toEqual([]);
    expect(errors(setup.validator.validateJson('{"resourceType":"Patient","multipleBirthInteger":2147483647}'))).toEqual([]);
    const slot = (v: string) => `{"resourceType":"Appointment","status":"booked","minutesDuration":${v},"participant":[{"status":"accepted","actor":{"display":"x"}}],"start":"2020-01-01T00:00:00Z","end":"2020-01-01T01:00:00Z"}`;
    expect(errors(setup.validator.validateJson(slot('0')))).toEqual([expect.objectContaining({ diagnostics: 'value 0 is out of the positiveInt range (1 to 2147483647)' })]);
    expect(errors(setup.validator.validateJson(slot('2147483648')))).toEqual([expect.objectContaining({ diagnostics: 'value 2147483648 is out of the positiveInt range (1 to 2147483647)' })]);
  });

  test('numbers of the parsed-object API are judged by value (no text was written)', () => {
    const parsed = (value: number) => errors(setup.validator.validate({ resourceType: 'Observation', status: 'final', code: { text: 't' }, valueQuantity: { value } }));
    expect(parsed(1e-7)).toEqual([]);
    expect(parsed(1e21)).toEqual([]);
    expect(parsed(Number.NaN)).toEqual([expect.objectContaining({ diagnostics: 'NaN is not a number a decimal can hold' })]);
  });

  test('duplicate keys are an error at their path; the first is kept', () => {
    const outcome = setup.validator.validateJson('{"resourceType":"Patient","resourceType":"Observation","status":"final","code":{"text":"t"}}');
    expect(errors(outcome)).toEqual(
      expect.arrayContaining([
        { severity: 'error', code: 'structure', diagnostics: "property 'resourceType' occurs more than once in this object (JSON names must be unique): the first is kept", expression: 'Patient.resourceType' },
        { severity: 'error', code: 'structure', diagnostics: "unknown element 'status'", expression: 'Patient.status' },
      ]),
    );
  });

  test.each([
    ['"a\\u0001b"', 'U+0001'],
    ['"a\\u0000"', 'U+0000'],
    ['"a\\b"', 'U+0008'],
  ])('control character %s in a string is an error', (text, code) => {
    expect(errors(setup.validator.validateJson(`{"resourceType":"Patient","name":[{"family":${text}}]}`))).toEqual([
      { severity: 'error', code: 'value', diagnostics: `the string holds the control character ${code}: FHIR strings allow none below U+0020 other than tab, line feed and carriage return`, expression: 'Patient.name[0].family' },
    ]);
  });

  test('tab, line feed and carriage return are allowed', () => {
    expect(errors(setup.validator.validateJson('{"resourceType":"Patient","name":[{"family":"a\\tb\\nc\\rd"}]}'))).toEqual([]);
  });

  test('lone surrogates are errors, escaped, in text and in the parsed object', () => {
    const expected = [{ severity: 'error', code: 'value', diagnostics: 'the string holds a lone surrogate (U+D800), which is no Unicode character', expression: 'Patient.name[0].family' }];
    expect(errors(setup.validator.validateJson('{"resourceType":"Patient","name":[{"family":"a\\ud800b"}]}'))).toEqual(expected);
    expect(errors(setup.validator.validate({ resourceType: 'Patient', name: [{ family: 'a\ud800b' }] }))).toEqual(expected);
    expect(errors(setup.validator.validateJson('{"resourceType":"Patient","name":[{"family":"a\ud800b"}]}'))).toEqual([expect.objectContaining({ severity: 'fatal', code: 'invalid', diagnostics: 'payload text holds a lone surrogate at line 1, column 47: it is not Unicode text' })]);
    expect(errors(setup.validator.validateJson('{"resourceType":"Patient","name":[{"family":"\\ud83d\\ude00"}]}'))).toEqual([]);
  });

  test('invalid UTF-8 is an error, never replaced (JSON and XML)', () => {
    const bytes = Buffer.concat([Buffer.from('{"resourceType":"Patient","name":[{"family":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    expect(errors(setup.validator.validateJson(bytes))).toEqual([expect.objectContaining({ severity: 'fatal', code: 'invalid', diagnostics: expect.stringMatching(/^payload is not valid UTF-8 \(byte 0xC3 at offset 46, line 1\)/) })]);
    const xml = Buffer.concat([Buffer.from('<Patient xmlns="http://hl7.org/fhir"><id value="a'), Buffer.from([0xff]), Buffer.from('"/></Patient>')]);
    expect(errors(setup.validator.validateXml(xml))).toEqual([expect.objectContaining({ severity: 'fatal', diagnostics: 'the payload is not valid UTF-8: FHIR XML must be UTF-8' })]);
  });

  test('XML numbers keep their text for the validator too', () => {
    const xml = (v: string) => `<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="t"/></code><valueQuantity><value value="${v}"/></valueQuantity></Observation>`;
    expect(errors(setup.validator.validateXml(xml('1.10')))).toEqual([]);
    expect(errors(setup.validator.validateXml(xml('1e21')))).toEqual([expect.objectContaining({ diagnostics: 'value 1e21 does not match the decimal format' })]);
  });
});
