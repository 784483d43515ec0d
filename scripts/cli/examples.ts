/** Examples shown at the end of each command's `--help` (and the program's), one table for all commands. */
import type { Command } from 'commander';

const examples: Record<string, string[]> = {
  '': [
    'fhir-stu3 init my-guide && cd my-guide && npm install',
    'fhir-stu3 build',
    'fhir-stu3 validate examples',
    'fhir-stu3 build --previous releases/example.my-guide-0.1.0.tgz',
    'fhir-stu3 release-notes releases/example.my-guide-0.1.0.tgz --out RELEASE-NOTES.md',
  ],
  init: [
    'fhir-stu3 init my-guide',
    'fhir-stu3 init --package-id org.acme.clinic --canonical https://fhir.acme.org/clinic --title "Acme clinic"',
    'fhir-stu3 init my-guide --packages ~/fhir-mirror            # tarballs of hl7.fhir.r3.core and co., offline',
  ],
  build: [
    'fhir-stu3 build',
    'fhir-stu3 build --quiet --offline',
    'fhir-stu3 build --previous releases/example.my-guide-0.1.0.tgz      # the version bump checked against the changes',
    'fhir-stu3 build --previous example.my-guide@0.1.0                    # the previous release from the registry',
  ],
  validate: [
    'fhir-stu3 validate examples',
    "fhir-stu3 validate 'payloads/**/*.json' --format json > outcome.json",
    'fhir-stu3 validate patient.xml --profile https://example.org/fhir/StructureDefinition/my-patient',
  ],
  snapshot: ['fhir-stu3 snapshot profiles --out snapshots', 'fhir-stu3 snapshot ../corpus/StructureDefinitions --compare'],
  diff: [
    'fhir-stu3 diff releases/example.my-guide-0.1.0.tgz                  # against the built package',
    'fhir-stu3 diff example.my-guide@0.1.0 generated/example.my-guide-0.2.0.tgz --fail-on breaking',
    'fhir-stu3 diff old-sources/ profiles/ --only my-patient --format json',
  ],
  'release-notes': [
    'fhir-stu3 release-notes releases/example.my-guide-0.1.0.tgz --out RELEASE-NOTES.md',
    'fhir-stu3 release-notes example.my-guide@0.1.0 generated/example.my-guide-0.2.0.tgz --changes changes.json',
  ],
  publish: ['fhir-stu3 publish --registry https://registry.example.org --dry-run', 'NPM_TOKEN=... fhir-stu3 publish --registry https://registry.example.org'],
  convert: ['fhir-stu3 convert patient.xml                   # to JSON on standard output', 'fhir-stu3 convert patient.json --out patient.xml'],
};

function helpText(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function addExamples(program: Command): void {
  program.addHelpText('after', helpText(examples[''] ?? []));
  for (const command of program.commands) {
    const lines = examples[command.name()];
    if (lines) command.addHelpText('after', helpText(lines));
  }
}
