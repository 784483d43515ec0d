/** The snapshot command rejects a differential no instance can meet (min above max), naming file and element. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, type Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { runSnapshotCommand } from '../../scripts/commands/snapshot.js';
import { projectRoot } from '../helpers/shared.js';

test('min 1 and max 0 in a differential: an error, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fhir-card-'));
  const file = join(dir, 'impossible.json');
  writeFileSync(
    file,
    JSON.stringify({
      resourceType: 'StructureDefinition',
      id: 'impossible',
      url: 'http://example.org/StructureDefinition/impossible',
      name: 'Impossible',
      status: 'draft',
      kind: 'resource',
      abstract: false,
      type: 'Patient',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
      derivation: 'constraint',
      differential: { element: [{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1, max: '0' }] },
    }),
  );
  const printed: string[] = [];
  const code = await runSnapshotCommand([file], {
    configFile: join(projectRoot, 'fhir.config.json'),
    out: join(dir, 'out'),
    offline: true,
    quiet: true,
    print: () => undefined,
    printDiagnostics: (d: Diagnostics) => printed.push(...d.all.filter((x) => x.severity === 'error').map(formatDiagnostic)),
  });
  expect(printed).toEqual([expect.stringMatching(/impossible\.json: error \[snapshot\.min-above-max\] StructureDefinition\.snapshot\.element\[\d+\]: Patient\.birthDate: min 1 is above max 0: no instance can have it$/)]);
  expect(code).toBe(1);
});
