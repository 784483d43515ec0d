import { build } from '../../scripts/build.js';
import { languageNames, type LanguageEntry } from '../../scripts/terminology/language-names.js';
import { tempProject } from '../build/project.js';
import { iso6392 } from 'iso-639-2';

const humanLanguage = 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-HumanLanguage-1';

async function buildWith(extra: Record<string, string>, languages?: LanguageEntry[]) {
  const project = tempProject(extra, { languageCodeSystems: [humanLanguage] });
  const result = await build({ configFile: project.config, offline: true, languages: languages && languageNames(languages) });
  return { result, findings: result.diagnostics.sorted().filter((d) => d.code.startsWith('terminology.') || d.code.startsWith('capability.')) };
}

/** The ISO 639-2 data as it read before the 2019 fixes (GP Connect 1.2.3, #643). */
const olderNames: Record<string, string> = { bh: 'Bihari', ii: 'Sichuan Yi', ps: 'Pushto', ro: 'Romanian' };
const older = iso6392.map((e) => (e.iso6391 && olderNames[e.iso6391] ? { ...e, name: olderNames[e.iso6391] } : e));

describe('terminology checks', () => {
  test('the project content passes: value set codes and displays, ISO 639-2 displays, CapabilityStatement version', async () => {
    const { result, findings } = await buildWith({});
    expect(result.status).toBe('ok');
    expect(findings.filter((d) => d.severity !== 'information')).toEqual([]);
  });

  test('against an older copy of ISO 639-2, exactly bh, ii, ps and ro are flagged', async () => {
    const { findings } = await buildWith({}, older);
    const flagged = findings.filter((d) => d.code === 'terminology.iso639-display');
    expect(flagged.map((d) => /language code '(\w+)'/.exec(d.message)?.[1])).toEqual(['bh', 'ii', 'ps', 'ro']);
    expect(flagged.every((d) => d.severity === 'warning' && d.file === 'codesystems/CodeSystem-CareConnect-HumanLanguage-1.xml' && d.line !== undefined)).toBe(true);
  });

  test('a value set code missing from its code system, or with another display, is an error', async () => {
    const vs = `<ValueSet xmlns="http://hl7.org/fhir"><id value="Test-Channel-1"/><url value="https://fhir.nhs.uk/STU3/ValueSet/Test-Channel-1"/><status value="draft"/>
  <compose><include><system value="https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-DeliveryChannel-1"/>
    <concept><code value="Visit"/><display value="Home visit"/></concept>
    <concept><code value="Carrier-pigeon"/></concept>
  </include></compose></ValueSet>`;
    const { result, findings } = await buildWith({ 'valuesets/ValueSet-Test-Channel-1.xml': vs });
    expect(result.status).toBe('content-errors');
    expect(findings.filter((d) => d.severity === 'error').map((d) => `${d.severity} ${d.code} ${d.path} ${d.line}`)).toEqual([
      'error terminology.display-mismatch ValueSet.compose.include[0].concept[0] 3',
      'error terminology.unknown-code ValueSet.compose.include[0].concept[1] 4',
    ]);
  });
});
