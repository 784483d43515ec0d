/**
 * Where fhirpath.js (5.2, STU3 model) and the compiled code disagree because fhirpath.js is wrong against
 * the FHIRPath/FHIR specifications. Two-sided: the differential test fails on a disagreement no entry
 * explains and on an entry that explains none.
 */
import type { Comparison } from './differential-setup.js';

export interface KnownDifference {
  id: string;
  why: string;
  /** True when this entry explains the disagreement of an invariant on a node. */
  explains: (context: string, expression: string, node: unknown, c: Comparison) => boolean;
}

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'number-context-node',
    why: 'fhirpath.js throws (ctx.getDecimal is not a function) when the context node is a JSON number (an integer or decimal element); the specification evaluates the expression on it like on any other primitive',
    explains: (_context, _expression, node, c) => typeof node === 'number' && c.interpreter === 'error',
  },
  {
    id: 'xhtml-has-value',
    why: "fhirpath.js's hasValue() leaves xhtml out of its list of primitive types, so ele-1 fails on every Narrative.div; xhtml is a primitive type of FHIR (its value is the XHTML), so hasValue() is true",
    explains: (context, expression, _node, c) => context === 'xhtml' && expression.includes('hasValue()') && c.interpreter === false && c.compiled === true,
  },
];
