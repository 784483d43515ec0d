/**
 * FHIRPath syntax: the parse tree fhirpath.js builds with its ANTLR grammar (`fhirpath.parse`), turned into a
 * small typed tree the compiler works on. Only the shape is converted here; what each node means is the
 * compiler's business. A construct this tree does not represent (quantity literals, `$total`) is reported
 * with a reason, so the caller falls back to the interpreter.
 */
import { fhirpathLibrary } from './library.js';

export type Expr =
  | { k: 'literal'; type: 'Boolean' | 'String' | 'Integer' | 'Decimal' | 'Date' | 'DateTime' | 'Time'; value: string | number | boolean }
  | { k: 'empty' }
  | { k: 'member'; name: string; on: Expr | undefined }
  | { k: 'call'; name: string; args: Expr[]; on: Expr | undefined }
  | { k: 'this' }
  | { k: 'index' }
  | { k: 'variable'; name: string }
  | { k: 'binary'; op: string; left: Expr; right: Expr }
  | { k: 'polarity'; op: '+' | '-'; operand: Expr }
  | { k: 'type'; op: 'is' | 'as'; operand: Expr; type: TypeName }
  | { k: 'indexer'; on: Expr; index: Expr };

/** A type specifier: `Quantity`, `FHIR.string`, `System.Boolean`. */
export interface TypeName {
  namespace: 'FHIR' | 'System' | undefined;
  name: string;
}

/** A construct the compiler cannot take, with why. */
export class Unsupported extends Error {}

interface AstNode {
  type: string;
  text?: string;
  delimitedText?: string;
  children?: AstNode[];
}

/** Parses an expression (fhirpath.js grammar); a syntax error or an unrepresented construct throws Unsupported. */
export function parseExpression(expression: string): Expr {
  let ast: AstNode;
  try {
    ast = fhirpathLibrary().parse(expression) as AstNode;
  } catch (e) {
    throw new Unsupported(`syntax error: ${(e as Error).message.split('\n')[0]}`);
  }
  return convert(unwrapEntire(ast));
}

function unwrapEntire(node: AstNode): AstNode {
  let n = node;
  while (n.type === 'EntireExpression') n = child(n, 0);
  return n;
}

function child(node: AstNode, i: number): AstNode {
  const c = node.children?.[i];
  if (!c) throw new Unsupported(`malformed parse tree at ${node.type}`);
  return c;
}

const BINARY = new Set([
  'MultiplicativeExpression',
  'AdditiveExpression',
  'UnionExpression',
  'InequalityExpression',
  'EqualityExpression',
  'MembershipExpression',
  'AndExpression',
  'OrExpression',
  'XorExpression',
  'ImpliesExpression',
]);

function convert(node: AstNode): Expr {
  if (BINARY.has(node.type)) return { k: 'binary', op: node.text ?? '', left: convert(child(node, 0)), right: convert(child(node, 1)) };
  switch (node.type) {
    case 'TermExpression':
      return term(child(node, 0), undefined);
    case 'InvocationExpression':
      return invocation(child(node, 1), convert(child(node, 0)));
    case 'IndexerExpression':
      return { k: 'indexer', on: convert(child(node, 0)), index: convert(child(node, 1)) };
    case 'PolarityExpression':
      return { k: 'polarity', op: node.text === '-' ? '-' : '+', operand: convert(child(node, 0)) };
    case 'TypeExpression':
      return { k: 'type', op: node.text === 'as' ? 'as' : 'is', operand: convert(child(node, 0)), type: typeSpecifier(child(node, 1)) };
    default:
      throw new Unsupported(`expression kind ${node.type}`);
  }
}

function term(node: AstNode, on: Expr | undefined): Expr {
  switch (node.type) {
    case 'InvocationTerm':
      return invocation(child(node, 0), on);
    case 'LiteralTerm':
      return literal(child(node, 0));
    case 'ParenthesizedTerm':
      return convert(child(node, 0));
    case 'ExternalConstantTerm': {
      const name = node.delimitedText ?? identifier(child(child(node, 0), 0));
      return { k: 'variable', name };
    }
    default:
      throw new Unsupported(`term kind ${node.type}`);
  }
}

function invocation(node: AstNode, on: Expr | undefined): Expr {
  switch (node.type) {
    case 'MemberInvocation':
      return { k: 'member', name: identifier(child(node, 0)), on };
    case 'FunctionInvocation': {
      const fn = child(node, 0);
      const name = identifier(child(fn, 0));
      const params = fn.children?.[1];
      const args = params ? (params.children ?? []).map(convert) : [];
      return { k: 'call', name, args, on };
    }
    case 'ThisInvocation':
      if (on) throw new Unsupported('$this after a dot');
      return { k: 'this' };
    case 'IndexInvocation':
      if (on) throw new Unsupported('$index after a dot');
      return { k: 'index' };
    default:
      throw new Unsupported(`invocation kind ${node.type}`);
  }
}

function identifier(node: AstNode): string {
  const text = node.text ?? '';
  // A delimited identifier (`div`) keeps its name without the backticks.
  return text.startsWith('`') && text.endsWith('`') ? text.slice(1, -1) : text;
}

function literal(node: AstNode): Expr {
  const text = node.text ?? '';
  switch (node.type) {
    case 'NullLiteral':
      return { k: 'empty' };
    case 'BooleanLiteral':
      return { k: 'literal', type: 'Boolean', value: text === 'true' };
    case 'StringLiteral':
      return { k: 'literal', type: 'String', value: unescapeString(text.slice(1, -1)) };
    case 'NumberLiteral':
      return text.includes('.') ? { k: 'literal', type: 'Decimal', value: Number(text) } : { k: 'literal', type: 'Integer', value: Number(text) };
    case 'DateTimeLiteral': {
      const value = text.slice(1);
      return { k: 'literal', type: value.includes('T') ? 'DateTime' : 'Date', value };
    }
    case 'DateLiteral':
      return { k: 'literal', type: 'Date', value: text.slice(1) };
    case 'TimeLiteral':
      return { k: 'literal', type: 'Time', value: text.slice(2) };
    default:
      throw new Unsupported(`literal kind ${node.type}`);
  }
}

/** A type specifier as written in `is`/`as` or as the argument of is()/as()/ofType(). */
function typeSpecifier(node: AstNode): TypeName {
  const parts = (node.text ?? '').split('.');
  if (parts.length === 1) return { namespace: undefined, name: parts[0] };
  if (parts.length === 2 && (parts[0] === 'FHIR' || parts[0] === 'System')) return { namespace: parts[0], name: parts[1] };
  throw new Unsupported(`type specifier ${node.text ?? ''}`);
}

/** The type named by a function argument (`ofType(Quantity)`, `is(FHIR.uri)`), written as a path. */
export function typeArgument(arg: Expr): TypeName {
  if (arg.k === 'member' && !arg.on) return { namespace: undefined, name: arg.name };
  if (arg.k === 'member' && arg.on?.k === 'member' && !arg.on.on && (arg.on.name === 'FHIR' || arg.on.name === 'System')) return { namespace: arg.on.name, name: arg.name };
  throw new Unsupported('a type argument that is not a type name');
}

const ESCAPES: Record<string, string> = { "'": "'", '"': '"', '`': '`', '\\': '\\', '/': '/', f: '\f', n: '\n', r: '\r', t: '\t' };

/** FHIRPath string escapes: `\'`, `\\`, `\n`, ..., `\uXXXX`. */
function unescapeString(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => (e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e)));
}
