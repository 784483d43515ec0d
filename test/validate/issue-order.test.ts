/**
 * The order of an OperationOutcome's issues: by location in natural order (`a[2]` before `a[10]`), then
 * severity, code and diagnostics; the same on every machine (a fixed `en` collation, not the host's locale).
 */
import { sortIssues, type ValidationIssue } from '../../scripts/validate/issues.js';

const issue = (expression: string, severity: ValidationIssue['severity'] = 'error', code: ValidationIssue['code'] = 'value', diagnostics = 'x'): ValidationIssue => ({ expression, severity, code, diagnostics });
const order = (issues: ValidationIssue[]) => sortIssues(issues).map((i) => `${i.expression} ${i.severity} ${i.code} ${i.diagnostics}`);

describe('issue order', () => {
  it('orders locations with their indexes as numbers', () => {
    const locations = ['Bundle.entry[10].resource', 'Bundle.entry[2].resource', 'Bundle.entry[2]', 'Bundle.entry[1].resource.id', 'Bundle', 'Bundle.entry[0]'];
    expect(sortIssues(locations.map((l) => issue(l))).map((i) => i.expression)).toEqual(['Bundle', 'Bundle.entry[0]', 'Bundle.entry[1].resource.id', 'Bundle.entry[2]', 'Bundle.entry[2].resource', 'Bundle.entry[10].resource']);
  });

  it('at one location: severity first, then code, then diagnostics', () => {
    const issues = [issue('a[10]'), issue('a[2]', 'warning'), issue('a[2]', 'error', 'value', 'y'), issue('a[2]'), issue('a[2]', 'error', 'code-invalid'), issue('a[2]', 'fatal', 'structure')];
    expect(order(issues)).toEqual(['a[2] fatal structure x', 'a[2] error code-invalid x', 'a[2] error value x', 'a[2] error value y', 'a[2] warning value x', 'a[10] error value x']);
  });

  it('codes and diagnostics in en order, whatever the host locale', () => {
    // Case and accents weigh after letters in en: a Swedish or a plain code-point order would differ here.
    const issues = [issue('a', 'error', 'value', 'Zeta'), issue('a', 'error', 'value', 'alpha'), issue('a', 'error', 'value', 'ärende'), issue('a', 'error', 'value', 'Beta')];
    expect(order(issues)).toEqual(['a error value alpha', 'a error value ärende', 'a error value Beta', 'a error value Zeta']);
  });
});
