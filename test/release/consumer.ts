/**
 * A consumer of the published package, run as its own process by publish.test.ts:
 * `tsx test/release/consumer.ts <consumer folder> <package name> <version> <example.json>` with
 * `FPL_REGISTRY` set. It loads the package through fhir-package-loader (the project's dependency loading:
 * the core from ../shared, the package from the registry), looks up every resource of the package by URL,
 * and validates the example (and a copy without a mandatory element) with the validator built from what it
 * loaded. Prints one JSON object.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { loadConfig } from '../../scripts/load/config.js';
import { loadDependencies } from '../../scripts/load/packages/index.js';
import type { Resource } from '../../scripts/model/fhir.js';
import { createValidator } from '../../scripts/validate/create.js';
import { expansionsFrom } from '../../scripts/validate/semantic-context.js';
import { fhirPackagesDir } from '../helpers/shared.js';

const [root, name, version, examplePath] = process.argv.slice(2) as [string, string, string, string];
const config = {
  packageId: 'consumer.of.gpconnect',
  version: '0.0.1',
  canonical: 'https://example.org/consumer',
  fhirVersion: '3.0.2',
  title: 'consumer',
  description: 'consumer',
  author: 'tests',
  license: 'CC0-1.0',
  dependencies: { 'hl7.fhir.r3.core': '3.0.2', 'hl7.fhir.r3.expansions': '3.0.2', [name]: version },
  // The registry source takes its URL from FPL_REGISTRY.
  dependencySources: [{ type: 'directory', path: fhirPackagesDir }, { type: 'registry' }],
  sources: [],
};
writeFileSync(join(root, 'fhir.config.json'), JSON.stringify(config, null, 2));

const diagnostics = new Diagnostics();
const loaded = loadConfig(join(root, 'fhir.config.json'), diagnostics);
const packages = loaded && (await loadDependencies(loaded, { diagnostics }));
const label = `${name}#${version}`;
const errors = diagnostics.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal').map((d) => d.message);
if (!packages || errors.length) {
  process.stdout.write(JSON.stringify({ errors }));
  process.exit(0);
}

const types = ['StructureDefinition', 'ValueSet', 'CodeSystem', 'CapabilityStatement'];
const own: Resource[] = types.flatMap((t) => packages.resourcesOfType(t, label));
const foundByUrl = own.map((r) => String(r.url)).filter((url) => packages.byUrl(url) !== undefined).sort();

const { validator } = await createValidator({ resources: own, dependencies: [packages], canonical: 'https://fhir.nhs.uk/STU3', expansions: expansionsFrom(packages) });
const example = JSON.parse(readFileSync(examplePath, 'utf8')) as Resource;
const broken = { ...example };
delete broken.status;

const location = packages.packages.find((p) => p.label === label);
process.stdout.write(
  JSON.stringify({
    errors,
    registry: process.env.FPL_REGISTRY,
    origin: location ? { origin: location.origin, from: location.from } : undefined,
    foundByUrl,
    valid: validator.validate(example),
    broken: validator.validate(broken),
  }),
);
