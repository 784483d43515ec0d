/**
 * XML payloads through the Validator (API) and the `validate` and `convert` commands (CLI):
 * - every well-formed GP Connect example, written as XML, gets exactly the issues its JSON gets, each with a line;
 * - XML rule issues and JSON-layer issues merge into one OperationOutcome;
 * - `validate x.xml` on a built project, `convert --to xml|json` with and without --out, and their errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../scripts/build.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { jsonToXml } from '../../scripts/format/convert.js';
import { ElementModel } from '../../scripts/resolve/element-model.js';
import type { ValidationIssue } from '../../scripts/validate/issues.js';
import { tempProject, type TempProject } from '../build/project.js';
import { coreIndex, gpconnectExamplesDir, projectRoot } from '../helpers/shared.js';
import { validatorSetup } from '../validate/validator-setup.js';

const model = ElementModel.fromSource(coreIndex());
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const scratch = mkdtempSync(join(tmpdir(), 'fhir-stu3-xmlv-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [tsx, join(projectRoot, 'scripts', 'cli.ts'), ...args], { encoding: 'utf8', cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const key = (i: ValidationIssue) => `${i.severity} ${i.code} ${i.expression}: ${i.diagnostics}`;

/** The examples whose JSON has shape faults XML cannot carry (see round-trip.test.ts): their XML is the corrected form. */
const shapeFaults = new Set([
  'accessrecord_structured/allergies_response1.json',
  'accessrecord_structured/allergies_response2.json',
  'accessrecord_structured/allergies_response3.json',
  'accessrecord_structured/consultations_forwards_response1.json',
  'accessrecord_structured/meds_response.json',
  'appointments/search_for_free_slots_response_example.json',
  'foundations/read_location_response_example.json',
]);

describe('Validator.validateXml', () => {
  const examples = readdirSync(gpconnectExamplesDir)
    .sort()
    .flatMap((folder) => readdirSync(join(gpconnectExamplesDir, folder)).sort().map((f) => `${folder}/${f}`));

  it('gives an XML example the issues of its JSON, each with a line', async () => {
    const { validator } = await validatorSetup();
    let compared = 0;
    for (const name of examples) {
      if (shapeFaults.has(name)) continue;
      const json = readFileSync(join(gpconnectExamplesDir, name));
      const xml = jsonToXml(JSON.parse(json.toString('utf8')), model, new Diagnostics());
      const fromJson = validator.jsonIssues(json).map(key).sort();
      const fromXml = validator.xmlIssues(xml as string);
      // A boolean written as a string: the XML reader reports the bad value as well as the JSON layers.
      const xmlOnly = fromXml.filter((i) => i.diagnostics.startsWith("'3' is not a valid boolean"));
      expect({ name, issues: fromXml.filter((i) => !xmlOnly.includes(i)).map(key).sort() }).toEqual({ name, issues: fromJson });
      for (const i of fromXml) expect({ name, line: i.line === undefined ? 'none' : 'some', at: i.expression }).toEqual({ name, line: 'some', at: i.expression });
      compared++;
    }
    expect(compared).toBe(22);
  }, 300000);

  it('merges XML rule issues with the JSON layers, with lines, in one OperationOutcome', async () => {
    const { validator } = await validatorSetup();
    const xml = [
      '<Patient xmlns="http://hl7.org/fhir">',
      '  <gender value="male"/>',
      '  <active value="true"/>',
      '  <birthDate value="1990-02-xx"/>',
      '  <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><script>x</script></div></text>',
      '</Patient>',
    ].join('\n');
    const outcome = validator.validateXml(Buffer.from(xml));
    const issues = outcome.issue.filter((i) => i.severity === 'error').map((i) => `${i.expression?.[0]} ${i.location?.[0]} ${i.code}`);
    expect(issues).toEqual(expect.arrayContaining(['Patient.active line 3 structure', 'Patient.birthDate line 4 value', 'Patient.text line 5 structure', 'Patient.text.div line 5 security']));
  });

  it('reports a refused document as one fatal issue and validates nothing', async () => {
    const { validator } = await validatorSetup();
    const outcome = validator.validateXml('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<Patient xmlns="http://hl7.org/fhir"/>');
    expect(outcome.issue).toEqual([expect.objectContaining({ severity: 'fatal', code: 'security', location: ['line 2'] })]);
  });
});

describe('CLI', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = tempProject();
    const result = await build({ configFile: project.config, offline: true });
    expect(result.status).toBe('ok');
  }, 300000);

  it('validate: an XML payload, valid and invalid, with lines; exit 0 / 1', () => {
    const json = JSON.parse(readFileSync(join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json'), 'utf8')) as unknown;
    const xml = jsonToXml(json, model, new Diagnostics()) as string;
    const good = join(scratch, 'good.xml');
    writeFileSync(good, xml);
    const ok = cli('validate', good, '--config', project.config, '--offline');
    expect(ok.stdout).toMatch(/good\.xml: valid/);
    expect(ok.code).toBe(0);
    const bad = join(scratch, 'bad.xml');
    writeFileSync(bad, xml.replace(/(<status value="[^"]*"\/>)/, '$1\n  <bogus/>').replace(/<start value="[^"]*"\/>/, '<start value="tomorrow"/>'));
    const r = cli('validate', bad, '--config', project.config, '--offline');
    const line = (re: RegExp) => xml.split('\n').findIndex((l) => re.test(l)) + 1;
    expect(r.stdout).toContain(`bad.xml:${line(/<status value=/) + 1}: error [structure] Appointment.bogus: unknown element 'bogus'`);
    expect(r.stdout).toMatch(new RegExp(`bad\\.xml:${line(/<start value=/) + 1}: error \\[value\\] Appointment\\.start: `));
    expect(r.code).toBe(1);
  }, 300000);

  it('convert: JSON to XML on stdout, XML to JSON into --out, errors exit 1 and write nothing', () => {
    const json = join(gpconnectExamplesDir, 'appointments', 'book_appt_request_example.json');
    const toXml = cli('convert', json, '--to', 'xml', '--config', project.config, '--offline');
    expect(toXml.code).toBe(0);
    expect(toXml.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Appointment xmlns="http:\/\/hl7\.org\/fhir">\n/);
    const xmlFile = join(scratch, 'appt.xml');
    writeFileSync(xmlFile, toXml.stdout);
    const out = join(scratch, 'appt.json');
    const back = cli('convert', xmlFile, '--to', 'json', '--out', out, '--config', project.config, '--offline');
    expect(back.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(readFileSync(json, 'utf8')));

    const broken = join(scratch, 'broken.xml');
    writeFileSync(broken, '<Patient xmlns="http://hl7.org/fhir">\n  <nope value="x"/>\n</Patient>\n');
    const target = join(scratch, 'never.json');
    const bad = cli('convert', broken, '--to', 'json', '--out', target, '--config', project.config, '--offline');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/broken\.xml:2:3: error \[load\.xml-unknown-element\] Patient\.nope: unknown element 'nope'/);
    expect(existsSync(target)).toBe(false);

    expect(cli('convert', json, '--to', 'yaml', '--config', project.config).code).toBe(2);
    // A file that is neither XML nor JSON (by name or content) is a usage error; a missing one is exit 1 (below).
    writeFileSync(join(scratch, 'x.txt'), 'neither XML nor JSON\n');
    expect(cli('convert', join(scratch, 'x.txt'), '--to', 'xml', '--config', project.config).code).toBe(2);
  }, 300000);

  it('convert changes nothing without a word: invalid UTF-8, an unsafe narrative and a missing file exit 1 and write nothing', () => {
    const latin1 = join(scratch, 'latin1.json');
    writeFileSync(latin1, Buffer.concat([Buffer.from('{"resourceType":"Patient","name":[{"family":"M'), Buffer.from([0xfc]), Buffer.from('ller"}]}')]));
    const target = join(scratch, 'never.xml');
    const r1 = cli('convert', latin1, '--to', 'xml', '--out', target, '--config', project.config, '--offline');
    expect(r1.stderr).toMatch(/latin1\.json: error: payload is not valid UTF-8 \(byte 0xFC at offset 46, line 1\)/);
    expect(r1.code).toBe(1);
    const unsafe = join(scratch, 'unsafe.xml');
    writeFileSync(unsafe, '<Patient xmlns="http://hl7.org/fhir">\n  <text>\n    <status value="generated"/>\n    <div xmlns="http://www.w3.org/1999/xhtml"><p onclick="steal()">hello</p></div>\n  </text>\n</Patient>\n');
    const r2 = cli('convert', unsafe, '--to', 'json', '--out', target, '--config', project.config, '--offline');
    expect(r2.stderr).toMatch(/unsafe\.xml:4: error \[convert\.narrative-security\] Patient\.text\.div: event attribute 'onclick' on 'p' is not allowed in a FHIR narrative \(no scripts\): not converted/);
    expect(r2.code).toBe(1);
    const r3 = cli('convert', join(scratch, 'absent.json'), '--to', 'xml', '--config', project.config, '--offline');
    expect(r3.stderr).toMatch(/^error: cannot read .*absent\.json: no such file\n/);
    expect(r3.code).toBe(1);
    expect(existsSync(target)).toBe(false);
  }, 300000);
});
