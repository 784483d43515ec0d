/**
 * The text a JSON or XML number was written with, kept beside the parsed value. FHIR decimals carry their
 * precision in their text (`1.10` is not `1.1`), and a double cannot hold it, nor every integer a payload
 * may write; so the readers record, on the object or array holding a number, the number's text wherever
 * `String(value)` would not give it back. The record is a non-enumerable property under a registered
 * symbol: invisible to `for...in`, `Object.keys` and JSON.stringify, travelling with the object (no
 * table shared between payloads), and readable by the emitted validator module, which has no import
 * (it names the same `Symbol.for` key).
 */

/** The registered symbol under which a container keeps its numbers' texts (`{ [key]: text }`). */
export const NUMBER_TEXT: unique symbol = Symbol.for('fhir-stu3.number-text') as never;

type TextRecord = Record<string | number, string>;
type WithText = { [NUMBER_TEXT]?: TextRecord };

/** Records the text of the number at `container[key]`. */
export function recordNumberText(container: object, key: string | number, text: string): void {
  let record = (container as WithText)[NUMBER_TEXT];
  if (!record) {
    record = Object.create(null) as TextRecord;
    Object.defineProperty(container, NUMBER_TEXT, { value: record, enumerable: false, writable: false, configurable: true });
  }
  record[key] = text;
}

/** The text of the number at `container[key]`: as written where a reader kept it, else its plain decimal form. */
export function numberText(container: object, key: string | number, value: number): string {
  return (container as WithText)[NUMBER_TEXT]?.[key] ?? plainNumber(value);
}

/** The recorded text of the number at `container[key]`, undefined where none was kept. */
export function recordedNumberText(container: object, key: string | number): string | undefined {
  return (container as WithText)[NUMBER_TEXT]?.[key];
}

/**
 * A finite number in plain decimal notation (no exponent): `1e-7` as `0.0000001`, `1e21` as
 * `1000000000000000000000`; the digits are those of the shortest text that reads back as the same double.
 * Not finite: `String(value)` (`NaN`, `Infinity`), which no reader accepts.
 */
export function plainNumber(value: number): string {
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}
