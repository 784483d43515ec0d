/**
 * The build, as a pipeline: load (config, dependencies, sources) -> resolve -> snapshot -> check -> emit.
 * Every stage reports into one Diagnostics collector (which applies the config's rule severities and
 * suppressions) and carries on: content errors in the checks do not stop the examples from being
 * validated, so one run shows every error. Nothing is written when any stage found an error, and
 * `generated/` is replaced as a whole only at the end.
 */
import { join } from 'node:path';
import { checkProfiles } from './check/check-profiles.js';
import { checkResources } from './check/resource-rules.js';
import { stampVersions } from './check/resource-versions.js';
import { checkCompatibility } from './release/compatibility.js';
import type { PackageDiff } from './release/changes.js';
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
import { isStructureDefinition, type Resource, type StructureDefinition } from './model/fhir.js';
import { ElementModel } from './resolve/element-model.js';
import { LayeredResolver, ResourceIndex } from './resolve/resolver.js';
import { generateSnapshots, SnapshotGenerator } from './snapshot/generate.js';
import { languageNames, type LanguageNames } from './terminology/language-names.js';
import { checkTerminology } from './terminology/terminology-rules.js';
import { validateExamples } from './validate/examples.js';
import { errorMessage } from './util/values.js';
import { precompiledFromSource } from './compile/fhirpath/index.js';
import { INVARIANT_MODULE_FILE, packageInvariantModule, type PackageInvariantSummary } from './validate/invariants.js';
import { WALK_MODULE_FILE } from './validate/walk-module.js';
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
  /**
   * Every finding, after the config's rule severities; `diagnostics.suppressed` holds the findings the
   * config's suppressions accepted (each with its suppression and reason), for a QA report.
   */
  diagnostics: Diagnostics;
  /** Resources built, by resource type. */
  counts: Record<string, number>;
  outDir?: string;
  tarball?: string;
  /** The comparison with the previous release (config `previousPackage` or `--previous`), when there was one. */
  previous?: PackageDiff;
  /** The invariants of the package's profiles, of every resource type, and of the types they use: how many run compiled, natively, and the rest (by fhirpath.js) with why. */
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
  // A failure is a diagnostic already: progress shows the steps only, so nothing prints twice.
  const packages = await loadDependencies(packagesToLoad(config), { diagnostics, offline: options.offline, progress: (e) => e.stage !== 'failed' && progress(e.message) });
  if (!packages || diagnostics.hasErrors()) return fail('environment-error');
  const sources = new SourceMap();
  const readCtx = { model: ElementModel.fromSource(packages), diagnostics, sources, root: config.projectRoot };
  const resources = readSourceFiles(await findSourceFiles(config.sources, diagnostics, config.projectRoot), readCtx);
  const examples = config.examples ? readSourceFiles(await findSourceFiles([config.examples], diagnostics, config.projectRoot), readCtx) : [];
  const byFile = resourceFiles([...resources, ...examples], sources);
  diagnostics.useResources((file) => byFile.resourceOf.get(file), (resource) => byFile.fileOf.get(resource));

  // resolve
  const project = new ResourceIndex(resources);
  const ctx: StageContext = { resolver: new LayeredResolver([project, packages], config.canonical), diagnostics, sources };
  if (config.resourceVersions === 'stamp') stampVersions(resources, config.version, ctx);

  // snapshot
  const profiles = resources.filter(isStructureDefinition);
  progress(`snapshotting ${profiles.length} profiles`);
  const generator = new SnapshotGenerator(ctx);
  const snapshots = generateSnapshots(profiles, ctx, generator);
  const built = new Map<Resource, Resource>();
  for (const s of snapshots) {
    const original = profiles.find((p) => p.url === s.profile.url) as Resource;
    built.set(original, s.profile);
    // Findings on the built profile point at its source file.
    sources.record(s.profile, sources.at(original));
  }
  const output = resources.map((r) => built.get(r) ?? r);

  // check
  checkResources({ resources, canonical: config.canonical, version: config.version, stamping: config.resourceVersions === 'stamp', ctx });
  checkProfiles(snapshots, ctx, { canonical: config.canonical });
  checkTerminology({ resources, languageCodeSystems: config.languageCodeSystems, languages: options.languages ?? languageNames(), ctx });
  const compatibility = await checkCompatibility({ config, resources, built: output, previous: options.previous, offline: options.offline, ctx });
  if (!compatibility.ok) return fail('environment-error');
  const counts = countByType(output);
  const stopped = (): BuildResult => {
    reportUnusedSuppressions(diagnostics, ['types.']);
    return { status: 'content-errors', diagnostics, counts, ...(compatibility.diff ? { previous: compatibility.diff } : {}) };
  };

  // emit (in memory), and the examples checked with the validators just emitted, also after errors above
  const files = emitFhirPackage({ config, resources: output, examples }, { diagnostics });
  const tarball = packageTarball(config.packageId, config.version, files);
  progress('compiling validators');
  // The package's invariants compiled once: emitted below, and what the examples are checked with (the module a built project's validate runs).
  const { summary: invariants, source: invariantSource } = packageInvariantModule(snapshots.map((s) => s.profile), new ElementModel((type) => ctx.resolver.structureDefinition(type)), ctx.resolver);
  const semantic = createSemanticContext({ profiles: (ref) => generator.resolve(ref), resolver: ctx.resolver, expansions: expansionsFrom(packages), invariants: precompiledFromSource(invariantSource) });
  const cache = new DiskModuleCache(options.cacheDir ?? validatorCacheDir(config.projectRoot));
  let validators: Awaited<ReturnType<typeof emitValidators>>;
  let walkSource: string;
  try {
    validators = await emitValidators(snapshots, ctx, semantic.expander, { cache, progress });
    // check the examples with the validators just emitted
    const validator = new Validator({ structure: validators.table, semantic });
    validateExamples(examples, validator, ctx, failedProfiles(profiles, snapshots));
    // The semantic walk of the package's profiles as code, emitted for a built project's validate.
    walkSource = validator.walkModule(snapshots.map((s) => s.profile));
  } catch (e) {
    // Profiles with errors can make validators that do not compile: those errors are the ones to fix.
    if (!diagnostics.hasErrors()) throw e;
    diagnostics.rule('example.not-validated', `the examples were not validated: the validators could not be compiled from profiles with errors (${errorMessage(e)})`);
    return stopped();
  }
  for (const problem of validators.compiled.problems) diagnostics.warning('build.validator-cache', problem);
  if (diagnostics.hasErrors()) return stopped();
  const definitionIndex = emitDefinitionIndex(packageFileResources(files), packages);

  progress('generating TypeScript types');
  const types = await emitTypes({ config, snapshots, resources: output, validators: validators.files, expander: semantic.expander }, ctx);
  reportUnusedSuppressions(diagnostics, []);
  if (diagnostics.hasErrors()) return stopped();
  // The QA report is what the build reported (and suppressed); the site (when asked for) is made from the package files just emitted.
  const invariantFile = { path: INVARIANT_MODULE_FILE, content: Buffer.from(invariantSource, 'utf8') };
  const walkFile = { path: WALK_MODULE_FILE, content: Buffer.from(walkSource, 'utf8') };
  const qa = qaReport(diagnostics, invariants);
  const qaFile = { path: QA_FILE, content: qaReportBuffer(qa) };
  if (options.site) progress('generating the documentation site');
  const site = options.site ? await buildSiteFiles({ files, config, packages, qa, previous: options.previous, offline: options.offline }, diagnostics) : [];
  if (diagnostics.hasErrors()) return { status: 'environment-error', diagnostics, counts };
  const outDir = options.outDir ?? join(config.projectRoot, 'generated');
  await writeOutput(outDir, [...files, tarball, ...validators.files, definitionIndex, invariantFile, walkFile, ...types, qaFile, ...site]);
  return { status: 'ok', diagnostics, counts, outDir, tarball: join(outDir, tarball.path), invariants, ...(compatibility.diff ? { previous: compatibility.diff } : {}) };
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

/** `ResourceType/id` of the resource each source file holds, and back (the first file, should two hold one id). */
function resourceFiles(resources: Resource[], sources: SourceMap): { resourceOf: Map<string, string>; fileOf: Map<string, string> } {
  const resourceOf = new Map<string, string>();
  const fileOf = new Map<string, string>();
  for (const r of resources) {
    const file = sources.at(r).file;
    if (!file || !r.id) continue;
    const key = `${r.resourceType}/${r.id}`;
    resourceOf.set(file, key);
    if (!fileOf.has(key)) fileOf.set(key, file);
  }
  return { resourceOf, fileOf };
}

/** The URLs of the project's profiles that have no snapshot (their errors are reported): examples claiming them are not validated. */
function failedProfiles(profiles: StructureDefinition[], snapshots: readonly { profile: StructureDefinition }[]): Set<string> {
  const done = new Set(snapshots.map((s) => s.profile.url));
  return new Set(profiles.map((p) => p.url).filter((url) => !done.has(url)));
}

/** Each suppression that matched nothing, as a finding on its config entry (those of stages that did not run are left alone). */
function reportUnusedSuppressions(diagnostics: Diagnostics, notRun: string[]): void {
  for (const s of diagnostics.unusedSuppressions()) {
    if (notRun.some((prefix) => s.rule.startsWith(prefix))) continue;
    const what = [s.resource && `resource ${s.resource}`, s.path && `path ${s.path}`].filter(Boolean).join(', ');
    diagnostics.rule('config.unused-suppression', `the suppression of ${s.rule}${what ? ` (${what})` : ''} matched nothing: remove it`, s.where ?? {});
  }
}

export type { ProjectConfig };
