/**
 * Issues are ordered by location in the collator's numeric order (`a[2]` before `a[10]`); compareExpressions
 * decides most pairs without the collator. Its answer must have the collator's sign on every pair.
 */
import fc from 'fast-check';
import { compareExpressions, sortIssues, type ValidationIssue } from '../../scripts/validate/issues.js';

const collator = new Intl.Collator('en', { numeric: true });
const sign = (n: number) => Math.sign(n);

describe('compareExpressions', () => {
  it('orders locations numerically, as the collator does', () => {
    const sorted = ['Bundle.entry[10].resource', 'Bundle.entry[2].resource', 'Bundle.entry[2]', 'Bundle.entry[1].resource.id', 'Bundle'].sort(compareExpressions);
    expect(sorted).toEqual(['Bundle', 'Bundle.entry[1].resource.id', 'Bundle.entry[2]', 'Bundle.entry[2].resource', 'Bundle.entry[10].resource']);
  });

  it.each([
    ['Patient.name', 'Patient.Name'],
    ['Patient.name[0]', 'Patient.name[00]'],
    ['a[01]', 'a[1]'],
    ['a.b', 'a_b'],
    ['a.b', 'a-b'],
    ['a', 'a\u00ad'],
    ['a\u0301', 'a'],
    ['e.x', 'é.x'],
    ['Patient.extension[0]', 'Patient.extension[0].url'],
    ['x1y', 'x1Y'],
    ['x9', 'x10'],
    ['entry[12].resource', 'entry[13].resource'],
    ['entry[12].resource', 'entry[120].resource'],
    ['entry[1]', 'entry[1].resource'],
    ['entry[1]', 'entry[10]'],
    ['entry[1]x', 'entry[1].x'],
    ['a1.5', 'a1.10'],
    ['a[007]', 'a[7]'],
    ['entry[0]', 'entry[1]'],
    ['entry[0]', 'entry[10]'],
    ['entry[0]', 'entry[00]'],
    ['entry[0].a', 'entry[0]a'],
    ['a5', 'ab'],
    ['a5', 'a.'],
    ['Bundle.entry[1].resource', 'Bundle.entry[1]Resource'],
    ['', 'a'],
    [' a', 'a'],
  ])('%j against %j: the collator\'s sign', (a, b) => {
    expect(sign(compareExpressions(a, b))).toBe(sign(collator.compare(a, b)));
    expect(sign(compareExpressions(b, a))).toBe(sign(collator.compare(b, a)));
  });

  it('has the collator\'s sign on generated locations', () => {
    const part = fc.oneof(
      fc.constantFrom('Patient', 'Bundle', 'entry', 'resource', 'name', 'Name', 'given', 'extension', 'valueCoding', 'url', 'id', '_birthDate'),
      fc.integer({ min: 0, max: 120 }).map((i) => `[${i}]`),
      fc.constantFrom('.', '[', ']', '-', '_', ' ', '0', '00', '\u00e9', '\u0301', '\u00ad', 'Z', 'z', '~', '$', '(', ')'),
    );
    const location = fc.array(part, { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(
      fc.property(location, location, (a, b) => sign(compareExpressions(a, b)) === sign(collator.compare(a, b))),
      { numRuns: 20000, seed: 7 },
    );
    // Pairs that share a long start, as a payload's locations do.
    fc.assert(
      fc.property(location, location, location, (p, a, b) => sign(compareExpressions(p + a, p + b)) === sign(collator.compare(p + a, p + b))),
      { numRuns: 20000, seed: 11 },
    );
  });

  it('has the collator\'s sign on strings dense in digits', () => {
    const text = fc.array(fc.constantFrom('0', '1', '2', '9', '.', '[', ']', 'a', 'A', '-', '\u00e9'), { maxLength: 12 }).map((c) => c.join(''));
    fc.assert(
      fc.property(text, text, text, (p, a, b) => sign(compareExpressions(p + a, p + b)) === sign(collator.compare(p + a, p + b))),
      { numRuns: 30000, seed: 13 },
    );
  });

  it('has the collator\'s sign on every printable ASCII pair', () => {
    for (let x = 0x20; x < 0x7f; x++)
      for (let y = 0x20; y < 0x7f; y++) {
        const a = `a.${String.fromCharCode(x)}b`;
        const b = `a.${String.fromCharCode(y)}B`;
        expect([a, b, sign(compareExpressions(a, b))]).toEqual([a, b, sign(collator.compare(a, b))]);
      }
  });

  it('sorts issues by location, then severity, code and diagnostics', () => {
    const issue = (expression: string, severity: ValidationIssue['severity'], code: ValidationIssue['code'], diagnostics = 'x'): ValidationIssue => ({ expression, severity, code, diagnostics });
    const issues = [issue('a[10]', 'error', 'value'), issue('a[2]', 'warning', 'value'), issue('a[2]', 'error', 'value', 'y'), issue('a[2]', 'error', 'value'), issue('a[2]', 'error', 'code-invalid')];
    expect(sortIssues(issues).map((i) => `${i.expression} ${i.severity} ${i.code} ${i.diagnostics}`)).toEqual(['a[2] error code-invalid x', 'a[2] error value x', 'a[2] error value y', 'a[2] warning value x', 'a[10] error value x']);
  });
});
