/**
 * The build, as a pipeline: load (config, dependencies, sources) -> resolve -> snapshot -> check -> emit.
 * Every stage reports into one Diagnostics collector and carries on; nothing is written when any stage
 * found an error, and `generated/` is replaced as a whole only at the end.
 */
import { join } from 'node:path';
import { checkProfiles } from './check/check-profiles.js';
import { checkResources } from './check/resource-rules.js';
import { checkCompatibility } from './release/compatibility.js';
import type { StageContext } from './context.js';
import { Diagnostics } from './diagnostics/diagnostics.js';
import { SourceMap } from './diagnostics/source-map.js';
import { buildSiteFiles, QA_FILE, qaReport, qaReportBuffer } from './site/prepare.js';
import { emitFhirPackage, packageTarball } from './emit/package/index.js';
import { emitTypes } from './emit/types/emit-types.js';
import { DiskModuleCache } from './compile/module-cache.js';
import { emitDefinitionIndex, emitValidators } from './emit/validators.js';
import type { OutputFile } from './emit/output.js';
import { writeOutput } from './emit/writer.js';
import { validatorCacheDir } from './load/cache-dirs.js';
import { loadConfig, packagesToLoad, type ProjectConfig } from './load/config.js';
import { loadDependencies } from './load/packages/index.js';
import { findSourceFiles, readSourceFiles } from './load/sources.js';
import { isStructureDefinition, type Resource } from './model/fhir.js';
import { ElementModel } from './resolve/element-model.js';
import { LayeredResolver, ResourceIndex } from './resolve/resolver.js';
import { generateSnapshots, SnapshotGenerator } from './snapshot/generate.js';
import { languageNames, type LanguageNames } from './terminology/language-names.js';
import { checkTerminology } from './terminology/terminology-rules.js';
import { validateExamples } from './validate/examples.js';
import { packageInvariantSummary, type PackageInvariantSummary } from './validate/invariants.js';
import { createSemanticContext, expansionsFrom } from './validate/semantic-context.js';
import { Validator } from './validate/validator.js';

export interface BuildOptions {
  configFile: string;
  /** Output folder (default `<projectRoot>/generated`). */
  outDir?: string;
  offline?: boolean;
  /** ISO 639 language names (default: the iso-639-2 package); tests give older data. */
  languages?: LanguageNames;
  /** One line per long step, for the CLI. */
  progress?: (message: string) => void;
  /** The previous release (tarball, folder or name@version): breaking changes without a new major fail the build. Overrides config `previousPackage`. */
  previous?: string;
  /** Where compiled validator modules are kept between builds (default: validatorCacheDir of the project). */
  cacheDir?: string;
  /** Also write the documentation site (`<out>/site`). */
  site?: boolean;
}

export type BuildStatus = 'ok' | 'content-errors' | 'environment-error';

export interface BuildResult {
  status: BuildStatus;
  diagnostics: Diagnostics;
  /** Resources built, by resource type. */
  counts: Record<string, number>;
  outDir?: string;
  tarball?: string;
  /** The invariants of the package's profiles and of the core types they use: how many run compiled, natively, and the rest (by fhirpath.js) with why. */
  invariants?: PackageInvariantSummary;
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const diagnostics = new Diagnostics();
  const progress = options.progress ?? (() => {});
  const fail = (status: BuildStatus): BuildResult => ({ status, diagnostics, counts: {} });

  // load
  // A bad config or a dependency that cannot be loaded is an environment problem, not a content one.
  const config = loadConfig(options.configFile, diagnostics);
  if (!config || diagnostics.hasErrors()) return fail('environment-error');
  // Validation-only packages (published expansions) load with the dependencies but stay out of package.json.
  const packages = await loadDependencies(packagesToLoad(config), { diagnostics, offline: options.offline, progress: (e) => progress(e.message) });
  if (!packages || diagnostics.hasErrors()) return fail('environment-error');
  const sources = new SourceMap();
  const readCtx = { model: ElementModel.fromSource(packages), diagnostics, sources, root: config.projectRoot };
  const resources = readSourceFiles(await findSourceFiles(config.sources, diagnostics, config.projectRoot), readCtx);
  const examples = config.examples ? readSourceFiles(await findSourceFiles([config.examples], diagnostics, config.projectRoot), readCtx) : [];

  // resolve
  const project = new ResourceIndex(resources);
  const ctx: StageContext = { resolver: new LayeredResolver([project, packages], config.canonical), diagnostics, sources };

  // snapshot
  const profiles = resources.filter(isStructureDefinition);
  progress(`snapshotting ${profiles.length} profiles`);
  const generator = new SnapshotGenerator(ctx);
  const snapshots = generateSnapshots(profiles, ctx, generator);
  const built = new Map<Resource, Resource>(snapshots.map((s) => [profiles.find((p) => p.url === s.profile.url) as Resource, s.profile]));
  const output = resources.map((r) => built.get(r) ?? r);

  // check
  checkResources({ resources, canonical: config.canonical, version: config.version, ctx });
  checkProfiles(snapshots, ctx, { canonical: config.canonical });
  checkTerminology({ resources, version: config.version, languageCodeSystems: config.languageCodeSystems, languages: options.languages ?? languageNames(), ctx });
  if (!(await checkCompatibility({ config, resources, built: output, previous: options.previous, offline: options.offline, ctx }))) return fail('environment-error');

  const counts = countByType(output);
  if (diagnostics.hasErrors()) return { status: 'content-errors', diagnostics, counts };

  // emit
  const files = emitFhirPackage({ config, resources: output, examples }, { diagnostics });
  if (diagnostics.hasErrors()) return { status: 'content-errors', diagnostics, counts };
  const tarball = packageTarball(config.packageId, config.version, files);
  progress('compiling validators');
  const semantic = createSemanticContext({ profiles: (ref) => generator.resolve(ref), resolver: ctx.resolver, expansions: expansionsFrom(packages) });
  const cache = new DiskModuleCache(options.cacheDir ?? validatorCacheDir(config.projectRoot));
  const validators = await emitValidators(snapshots, ctx, semantic.expander, { cache, progress });
  for (const problem of validators.compiled.problems) diagnostics.warning('build.validator-cache', problem);
  const definitionIndex = emitDefinitionIndex(packageFileResources(files), packages);

  // check the examples with the validators just emitted
  const validator = new Validator({ structure: validators.table, semantic });
  validateExamples(examples, validator, ctx);
  if (diagnostics.hasErrors()) return { status: 'content-errors', diagnostics, counts };

  progress('generating TypeScript types');
  const types = await emitTypes({ config, snapshots, resources: output, validators: validators.files, expander: semantic.expander }, ctx);
  // The QA report is what the build reported; the site (when asked for) is made from the package files just emitted.
  const invariants = packageInvariantSummary(snapshots.map((s) => s.profile), semantic.model, ctx.resolver);
  const qa = qaReport(diagnostics, invariants);
  const qaFile = { path: QA_FILE, content: qaReportBuffer(qa) };
  if (options.site) progress('generating the documentation site');
  const site = options.site ? await buildSiteFiles({ files, config, packages, qa, previous: options.previous, offline: options.offline }, diagnostics) : [];
  if (diagnostics.hasErrors()) return { status: 'environment-error', diagnostics, counts };
  const outDir = options.outDir ?? join(config.projectRoot, 'generated');
  await writeOutput(outDir, [...files, tarball, ...validators.files, definitionIndex, ...types, qaFile, ...site]);
  return { status: 'ok', diagnostics, counts, outDir, tarball: join(outDir, tarball.path), invariants };
}

/** The resources of the package folder as a validator loads them (`package/*.json`, examples and the manifest aside). */
function packageFileResources(files: readonly OutputFile[]): Resource[] {
  return files
    .filter((f) => /^package\/[^/.][^/]*\.json$/.test(f.path) && f.path !== 'package/package.json')
    .map((f) => JSON.parse(f.content.toString('utf8')) as Resource);
}

function countByType(resources: Resource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of [...resources].sort((a, b) => a.resourceType.localeCompare(b.resourceType))) counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
  return counts;
}

export type { ProjectConfig };
