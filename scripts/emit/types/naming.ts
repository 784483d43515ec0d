/**
 * How generated TypeScript names are formed, and JSDoc text. Pure helpers.
 *
 * - a profile or extension: its id (the last segment of its URL) with every non-alphanumeric character
 *   removed: `CareConnect-GPC-Patient-1` -> `CareConnectGPCPatient1`, `Extension-GPConnect-DeliveryChannel-2`
 *   -> `ExtensionGPConnectDeliveryChannel2` (the major-version suffix stays, so -1 and -2 coexist); an id that
 *   is a FHIR type name (`Patient`) gets `Profile` appended, so the base type keeps its name;
 * - a base type: its FHIR name (`Appointment`, `HumanName`); a backbone element: its path in PascalCase
 *   (`Appointment.participant` -> `AppointmentParticipant`, the @types/fhir convention);
 * - an element a profile constrains beneath itself: the owner's name plus the element name (and slice name):
 *   `GPConnectAppointment1Participant`, `ExtensionCareConnectGPCRegistrationDetails1RegistrationPeriod`;
 * - a ValueSet: `ValueSet` + its name in PascalCase (`ValueSetAppointmentStatus`, `ValueSetGPConnectDeliveryChannel1`);
 *   a CodeSystem: `CodeSystem` + its name (`CodeSystemGPConnectDeliveryChannel1`, a const object code -> display);
 * - a runtime guard: `is` + the profile's type name (`isGPConnectAppointment1`).
 */

/** `GPConnect-Appointment-1` -> `GPConnectAppointment1`; `participant` -> `Participant`; `in-person` -> `InPerson`. */
export function pascalCase(text: string): string {
  const parts = text.split(/[^A-Za-z0-9]+/).filter((p) => p.length > 0);
  const joined = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** The last segment of a canonical URL (`.../StructureDefinition/GPConnect-Appointment-1` -> `GPConnect-Appointment-1`). */
export function urlTail(url: string): string {
  const bare = url.split('|')[0];
  return bare.slice(bare.lastIndexOf('/') + 1);
}

/** The type name of a profile (resource profile, data type profile or extension), from its URL's id. */
export function profileTypeName(url: string): string {
  return pascalCase(urlTail(url));
}

/** A ValueSet or CodeSystem name: its `name` when it has letters, else its URL's last segment. */
export function terminologyTypeName(prefix: 'ValueSet' | 'CodeSystem', name: string | undefined, url: string): string {
  const stem = name && /[A-Za-z]/.test(name) ? name : urlTail(url);
  return prefix + pascalCase(stem);
}

/** Names handed out once each: a second request for a taken name gets `_2`, `_3`, ... (in request order). */
export class NameRegistry {
  private readonly byKey = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  /** The name for `key` (any stable identity, e.g. a URL), allocating `wanted` (or a numbered form) the first time. */
  name(key: string, wanted: string): string {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    let name = wanted;
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}_${n}`;
    this.taken.add(name);
    this.byKey.set(key, name);
    return name;
  }
}

/** A JSDoc block (indented), from paragraphs; undefined/empty paragraphs are dropped, `*\/` is escaped. */
export function jsDoc(paragraphs: ReadonlyArray<string | undefined>, indent = ''): string[] {
  const kept = paragraphs.map((p) => p?.trim()).filter((p): p is string => !!p);
  const unique = kept.filter((p, i) => kept.indexOf(p) === i);
  if (unique.length === 0) return [];
  const lines: string[] = [];
  unique.forEach((p, i) => {
    if (i > 0) lines.push('');
    for (const line of p.replace(/\*\//g, '*\\/').replace(/\r\n?/g, '\n').split('\n')) lines.push(line.trimEnd());
  });
  return [`${indent}/**`, ...lines.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)), `${indent} */`];
}

/** A property key as TypeScript writes it: bare when an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
