/**
 * The runtime type guards of the types package (`isGPConnectAppointment1(x): x is GPConnectAppointment1`),
 * run on the real GP Connect payloads in ../shared/corpus/gpconnect-examples, and on mutated copies. The
 * package is loaded the way a consumer loads it: a separate Node process importing its index.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpconnectExamplesDir } from '../helpers/shared.js';
import { buildProject, corpusResources, runGuards, type Payload } from './setup.js';

let indexJs: string;
beforeAll(async () => {
  indexJs = join(await buildProject(), 'types', 'index.js');
}, 300_000);

const PROFILE_BASE = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const guardOf = (url: string) => `is${url.slice(PROFILE_BASE.length).replace(/[^A-Za-z0-9]/g, '')}`;

describe('runtime type guards', () => {
  test('pass the corpus resources that claim a GP Connect profile, and reject the three with JSON shape defects', () => {
    const claimed = corpusResources().filter((p) => ((p.resource.meta as { profile?: string[] } | undefined)?.profile ?? []).some((u) => u.startsWith(PROFILE_BASE)));
    const guards = claimed.map((p) => guardOf(((p.resource.meta as { profile: string[] }).profile)[0]));
    const results = runGuards(indexJs, [...new Set(guards)], claimed);
    const outcome = claimed.map((p, i) => [p.name, guards[i], results[i][[...new Set(guards)].indexOf(guards[i])]]);
    expect(claimed.length).toBeGreaterThanOrEqual(20);
    expect(outcome.filter(([, , ok]) => !ok).map(([name]) => name)).toEqual([
      // Real defects of these payloads: Location.telecom and Organization.telecom/address repeat in STU3 (JSON
      // arrays) but are sent as objects; the other Location's address (0..1) is sent as an array.
      'appointments/search_for_free_slots_response_example.json#entry4',
      'appointments/search_for_free_slots_response_example.json#entry5',
      'foundations/read_location_response_example.json',
    ]);
    expect(outcome.find(([name]) => name === 'appointments/book_appt_request_example.json')).toEqual(['appointments/book_appt_request_example.json', 'isGPConnectAppointment1', true]);
  });

  test('reject mutated copies of the booking request (codes outside a required binding too), and other resource types', () => {
    const booking = JSON.parse(readFileSync(join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json'), 'utf8')) as Record<string, unknown>;
    const patient = JSON.parse(readFileSync(join(gpconnectExamplesDir, 'foundations', 'read_patient_response_example.json'), 'utf8')) as Record<string, unknown>;
    const mutations: Payload[] = [
      { name: 'as is', resource: booking },
      { name: 'no start', resource: Object.fromEntries(Object.entries(booking).filter(([k]) => k !== 'start')) },
      { name: 'start not an instant', resource: { ...booking, start: 'tomorrow' } },
      { name: 'appointmentType (max 0)', resource: { ...booking, appointmentType: { text: 'x' } } },
      { name: 'unknown element', resource: { ...booking, colour: 'blue' } },
      // Codes: the structure validator leaves bindings to the semantic layer; the guard checks required ones, as the type has them.
      { name: "status 'bookedd'", resource: { ...booking, status: 'bookedd' } },
      { name: "participant status 'maybe'", resource: { ...booking, participant: [{ actor: { reference: 'Patient/1' }, status: 'maybe' }] } },
      { name: "text status 'draft' (Narrative.status)", resource: { ...booking, text: { status: 'draft', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } } },
      {
        name: "delivery channel 'Carrier pigeon' (extensible)",
        resource: { ...booking, extension: [{ url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-DeliveryChannel-2', valueCode: 'Carrier pigeon' }] },
      },
      { name: 'a Patient', resource: patient },
    ];
    // A code inside a nested extension: NHSCommunication's `language` (required: CareConnect-HumanLanguage-1).
    const withLanguage = (code: string) => ({
      ...patient,
      extension: (patient.extension as Array<Record<string, unknown>>).map((e) =>
        String(e.url).endsWith('NHSCommunication-1') ? { ...e, extension: [{ url: 'language', valueCodeableConcept: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-HumanLanguage-1', code }] } }] } : e,
      ),
    });
    mutations.push({ name: "patient language 'fr'", resource: withLanguage('fr') }, { name: "patient language 'klingon'", resource: withLanguage('klingon') });
    const results = runGuards(indexJs, ['isGPConnectAppointment1', 'isAppointment', 'isCareConnectGPCPatient1'], mutations);
    expect(Object.fromEntries(mutations.map((m, i) => [m.name, results[i]]))).toEqual({
      'as is': [true, true, false],
      'no start': [false, true, false],
      'start not an instant': [false, false, false],
      'appointmentType (max 0)': [false, true, false],
      'unknown element': [false, false, false],
      "status 'bookedd'": [false, false, false],
      "participant status 'maybe'": [false, false, false],
      "text status 'draft' (Narrative.status)": [false, false, false],
      "delivery channel 'Carrier pigeon' (extensible)": [true, true, false],
      'a Patient': [false, false, true],
      "patient language 'fr'": [false, false, true],
      "patient language 'klingon'": [false, false, false],
    });
  });
});
