/**
 * FHIR JSON text from a parsed resource, as `JSON.stringify(value, null, 2)` writes it, except numbers:
 * each is written with the text it was read with where the reader kept one (scripts/model/number-text.ts),
 * so `1.10` stays `1.10` and `12345678901234567890.12` keeps every digit; a number with no text kept is
 * written in plain decimal notation (`0.0000001`, never `1e-7`, which STU3's decimal grammar has no room
 * for). Nothing else differs: key order, escaping and indentation are JSON.stringify's own.
 */
import { plainNumber, recordedNumberText } from '../../model/number-text.js';

/** The JSON text of `value`, indented by two spaces per level, no trailing newline. */
export function stringifyJson(value: unknown): string {
  const out: string[] = [];
  write(value, '', out, undefined, '');
  return out.join('');
}

function write(value: unknown, indent: string, out: string[], container: object | undefined, key: string | number): boolean {
  if (value === null) {
    out.push('null');
    return true;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return true;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return true;
    case 'number': {
      // A number not finite and with no text kept came from no JSON text: written as JSON.stringify does.
      const text = container ? recordedNumberText(container, key) : undefined;
      out.push(text ?? (Number.isFinite(value) ? plainNumber(value) : 'null'));
      return true;
    }
    case 'object':
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return write((value as { toJSON(k: string): unknown }).toJSON(String(key)), indent, out, undefined, key);
      if (Array.isArray(value)) writeArray(value, indent, out);
      else writeObject(value as Record<string, unknown>, indent, out);
      return true;
    default:
      return false; // undefined, functions, symbols: left out of objects (null in arrays), as JSON.stringify does
  }
}

function writeArray(array: unknown[], indent: string, out: string[]): void {
  if (array.length === 0) {
    out.push('[]');
    return;
  }
  const inner = indent + '  ';
  out.push('[');
  for (let i = 0; i < array.length; i++) {
    out.push(i === 0 ? '\n' : ',\n', inner);
    if (!write(array[i], inner, out, array, i)) out.push('null');
  }
  out.push('\n', indent, ']');
}

function writeObject(object: Record<string, unknown>, indent: string, out: string[]): void {
  const inner = indent + '  ';
  let first = true;
  for (const key of Object.keys(object)) {
    const at = out.length;
    out.push(first ? '{\n' : ',\n', inner, JSON.stringify(key), ': ');
    if (write(object[key], inner, out, object, key)) first = false;
    else out.length = at;
  }
  out.push(first ? '{}' : `\n${indent}}`);
}
