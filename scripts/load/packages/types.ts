/** Public types of dependency package loading. */
import type { RegistryClient } from 'fhir-package-loader';
import type { Diagnostics } from '../../diagnostics/diagnostics.js';
import type { DependencySource } from '../config.js';

/**
 * How a package was found: a tarball in a configured directory, a FHIR package cache,
 * an earlier registry download kept in the project cache, or a registry download in this run.
 */
export type PackageOrigin = 'directory' | 'fhir-cache' | 'project-cache' | 'registry';

export interface PackageLocation {
  origin: PackageOrigin;
  /** The tarball (directory), the cache folder (fhir-cache), or the registry URL (project-cache, registry). */
  from: string;
  /** The folder holding `package/` that the package is read from. */
  path: string;
}

export interface LoadedPackage extends PackageLocation {
  name: string;
  version: string;
  /** `name#version`. */
  label: string;
  resourceCount: number;
  /** `config` for a configured dependency, else the label of the package whose package.json asked for it. */
  requiredBy: string;
}

export type RegistrySource = Extract<DependencySource, { type: 'registry' }>;

export interface PackageProgress {
  /** `name#version`. */
  package: string;
  stage: 'extract' | 'download' | 'load' | 'loaded' | 'failed';
  /** One line for the CLI, e.g. `loading hl7.fhir.r3.core#3.0.2 from /work/shared/fhir-packages/hl7.fhir.r3.core-3.0.2.tgz`. */
  message: string;
}

export interface LoadDependenciesOptions {
  diagnostics: Diagnostics;
  /** Forbid the network outright (CLI `--offline`): registries are never consulted. */
  offline?: boolean;
  progress?: (event: PackageProgress) => void;
  /**
   * Makes the client of a registry source. Default: fhir-package-loader's NPM registry client for a
   * configured URL, else its default client (packages.fhir.org, then packages2.fhir.org). Tests pass a stub.
   */
  registryClient?: (source: RegistrySource) => RegistryClient;
  /** Where tarballs are extracted and downloads kept (default `<projectRoot>/.fhir-cache/packages`). */
  cacheDir?: string;
}

/** The parts of the project config that dependency loading reads. */
export interface DependencyConfig {
  /** The config file; direct-dependency diagnostics point at it. */
  file?: string;
  projectRoot: string;
  dependencies: Record<string, string>;
  dependencySources: DependencySource[];
}
