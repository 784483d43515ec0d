/**
 * fhirpath.js, loaded on first use: its parser (which the compiler builds on) and its interpreter (the
 * fallback for what does not compile). A validator whose invariants were compiled by the build needs
 * neither, and its start-up should not pay for loading them (about 0.2 s). Loaded through `require` (the
 * package's CommonJS build) because validation is synchronous; every use in the toolchain goes through
 * here, so all share one instance of the library.
 */
import { createRequire } from 'node:module';
import type * as FhirPath from 'fhirpath';
import type { Model } from 'fhirpath';

const load = createRequire(import.meta.url);
let library: typeof FhirPath | undefined;
let stu3: Model | undefined;

export function fhirpathLibrary(): typeof FhirPath {
  return (library ??= load('fhirpath') as typeof FhirPath);
}

/** fhirpath.js's STU3 model (choice types, paths defined elsewhere, type hierarchy). */
export function fhirpathStu3Model(): Model {
  return (stu3 ??= load('fhirpath/fhir-context/stu3') as Model);
}
