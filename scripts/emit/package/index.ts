/** The FHIR NPM package emitter (pure, in-memory) and its reproducible tarball. */
export * from './emit-package.js';
export * from './tarball.js';
