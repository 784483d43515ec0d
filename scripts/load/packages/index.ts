/** Dependency package loading: `loadDependencies(config, options)` and the loaded set as a DefinitionSource. */
export { loadDependencies } from './load.js';
export { LoadedPackages, type PackageIndex, type ResourceReader } from './definitions.js';
export { DEFAULT_REGISTRY_LABEL, GuardedRegistry, registryLabel } from './registry.js';
export { PackageStore, tarballName } from './store.js';
export type {
  DependencyConfig,
  LoadDependenciesOptions,
  LoadedPackage,
  PackageLocation,
  PackageOrigin,
  PackageProgress,
  RegistrySource,
} from './types.js';
export type { RegistryClient } from 'fhir-package-loader';
