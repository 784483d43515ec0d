/**
 * What `init` writes: a small guide that builds and validates as it is (one profile, its value set and
 * code system, one example), with the config, README, CI script and package.json around it. Everything is
 * made from the project's names, so a new project starts under its own package id and canonical.
 */

export interface InitNames {
  packageId: string;
  canonical: string;
  title: string;
  /** npm name of the authoring project (private; not the FHIR package). */
  npmName: string;
  /** The toolchain as a dev dependency: its package name and version. */
  toolchain: { name: string; version: string };
  /** Folders of FHIR package tarballs to load dependencies from, before the FHIR cache and the registry. */
  packageFolders: string[];
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function initFiles(n: InitNames): Record<string, string> {
  const cs = `${n.canonical}/CodeSystem/wellbeing-question`;
  const vs = `${n.canonical}/ValueSet/wellbeing-question`;
  const profile = `${n.canonical}/StructureDefinition/wellbeing-observation`;
  return {
    'fhir.config.json': json({
      packageId: n.packageId,
      version: '0.1.0',
      canonical: n.canonical,
      fhirVersion: '3.0.2',
      title: n.title,
      description: `${n.title}: FHIR STU3 profiles, value sets, code systems and examples.`,
      dependencies: { 'hl7.fhir.r3.core': '3.0.2' },
      validationDependencies: { 'hl7.fhir.r3.expansions': '3.0.2' },
      ...(n.packageFolders.length ? { dependencySources: [...n.packageFolders.map((path) => ({ type: 'directory', path })), { type: 'fhir-cache' }, { type: 'registry' }] } : {}),
      sources: ['profiles', 'valuesets', 'codesystems'],
      examples: 'examples',
      resourceVersions: 'stamp',
      rules: {},
      suppressions: [],
    }),
    'codesystems/CodeSystem-wellbeing-question.json': json({
      resourceType: 'CodeSystem',
      id: 'wellbeing-question',
      url: cs,
      name: 'WellbeingQuestion',
      title: 'Wellbeing questions',
      status: 'draft',
      description: 'The questions of a short wellbeing check, each answered with a score from 1 to 5.',
      caseSensitive: true,
      content: 'complete',
      concept: [
        { code: 'sleep', display: 'Sleep quality', definition: 'How well the person slept over the last week.' },
        { code: 'mood', display: 'Mood', definition: "The person's mood over the last week." },
      ],
    }),
    'valuesets/ValueSet-wellbeing-question.json': json({
      resourceType: 'ValueSet',
      id: 'wellbeing-question',
      url: vs,
      name: 'WellbeingQuestion',
      title: 'Wellbeing questions',
      status: 'draft',
      description: 'Every question of the wellbeing check.',
      compose: { include: [{ system: cs }] },
    }),
    'profiles/StructureDefinition-wellbeing-observation.json': json({
      resourceType: 'StructureDefinition',
      id: 'wellbeing-observation',
      url: profile,
      name: 'WellbeingObservation',
      title: 'Wellbeing observation',
      status: 'draft',
      description: 'The answer to one wellbeing question: a score from 1 to 5 for a patient, at a time.',
      fhirVersion: '3.0.2',
      kind: 'resource',
      abstract: false,
      type: 'Observation',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Observation',
      derivation: 'constraint',
      differential: {
        element: [
          { id: 'Observation', path: 'Observation', short: 'The answer to one wellbeing question' },
          { id: 'Observation.code', path: 'Observation.code', short: 'The question', binding: { strength: 'required', valueSetReference: { reference: vs } } },
          { id: 'Observation.subject', path: 'Observation.subject', min: 1, type: [{ code: 'Reference', targetProfile: 'http://hl7.org/fhir/StructureDefinition/Patient' }] },
          { id: 'Observation.effective[x]', path: 'Observation.effective[x]', min: 1, type: [{ code: 'dateTime' }] },
          { id: 'Observation.value[x]', path: 'Observation.value[x]', short: 'The score, 1 to 5', min: 1, type: [{ code: 'Quantity' }] },
        ],
      },
    }),
    'examples/Observation-wellbeing-example.json': json({
      resourceType: 'Observation',
      id: 'wellbeing-example',
      meta: { profile: [profile] },
      status: 'final',
      code: { coding: [{ system: cs, code: 'sleep', display: 'Sleep quality' }] },
      subject: { reference: 'Patient/example', display: 'Example patient' },
      effectiveDateTime: '2024-03-01T09:30:00Z',
      valueQuantity: { value: 4, unit: 'score', system: 'http://unitsofmeasure.org', code: '{score}' },
    }),
    'package.json': json({
      name: n.npmName,
      private: true,
      description: `${n.title} (FHIR STU3 implementation guide sources)`,
      type: 'module',
      scripts: {
        build: 'fhir-stu3 build',
        validate: 'fhir-stu3 validate examples',
        test: 'fhir-stu3 build && fhir-stu3 validate examples',
      },
      devDependencies: { [n.toolchain.name]: `^${n.toolchain.version}` },
    }),
    '.gitignore': 'node_modules/\ngenerated/\n.fhir-cache/\n',
    '.ci/run': CI_SCRIPT,
    'README.md': readme(n),
  };
}

const CI_SCRIPT = `#!/usr/bin/env bash
# CI: install the toolchain, build the package (every check, the examples validated), validate the examples.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npx fhir-stu3 build
npx fhir-stu3 validate examples
`;

function readme(n: InitNames): string {
  return `# ${n.title}

FHIR STU3 conformance resources of \`${n.packageId}\` (canonical \`${n.canonical}\`), built with
\`fhir-stu3\` (${n.toolchain.name}).

\`\`\`sh
npx fhir-stu3 build                 # snapshots, checks, the package in generated/, examples validated
npx fhir-stu3 validate examples     # validate payloads against the built profiles
\`\`\`

(\`npm install\` first, once.) The build writes \`generated/${n.packageId}-0.1.0.tgz\`, the FHIR package to publish.

## Layout

- \`fhir.config.json\`: package id, version, canonical; dependencies; rule settings and suppressions
- \`profiles/\`: StructureDefinitions (differentials; XML or JSON), e.g. \`wellbeing-observation\`
- \`valuesets/\`, \`codesystems/\`: terminology, e.g. \`wellbeing-question\`
- \`examples/\`: example instances, validated by every build against the profiles they claim
- \`.ci/run\`: what CI runs (install, build, validate)

Resource \`version\` fields are left out: the build stamps the package version into them
(\`"resourceVersions": "stamp"\`).

## Next steps

- \`fhir-stu3 --help\` and \`fhir-stu3 <command> --help\` list every command, with examples;
- after a release, keep its tarball and build the next version with \`--previous <tarball>\`: the version
  bump is checked against what changed, and \`fhir-stu3 release-notes <tarball>\` writes the notes;
- every check is a rule with an id: set it to off, information, warning or error in \`"rules"\`, or accept
  one finding in \`"suppressions"\` with its reason.
`;
}
