/**
 * Examples shown at the end of each command's `--help`, one table for all commands. Loaded with the
 * command being run (the program's own examples are in cli.ts, so `--help` loads nothing more).
 */
import type { Command } from 'commander';

const examples: Record<string, string[]> = {
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
  site: ['fhir-stu3 site', 'fhir-stu3 build --site'],
};

/** Adds the examples of the command `name` (registered on `program`) to the end of its help. */
export function addExamples(program: Command, name: string): void {
  const command = program.commands.find((c) => c.name() === name);
  const lines = examples[name];
  if (command && lines) command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}
