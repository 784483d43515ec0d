/**
 * Wiring for the site stage, shared by `build --site` and `fhir-stu3 site` so that both make the same
 * bytes from the same package: the context (resolver over the package then its dependencies, the
 * build's value set expander, the XML writer), the changes (previous version's diff, changes file) and
 * the QA report file the build writes beside the package.
 *
 * This and the two commands are the only places that read files or import the XML writer for the site.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics, type Diagnostic } from '../diagnostics/diagnostics.js';
import type { OutputFile } from '../emit/output.js';
import { jsonToXml } from '../format/convert.js';
import { builtPackageFromFiles } from '../load/built-package.js';
import type { ProjectConfig } from '../load/config.js';
import { loadPackageVersion } from '../definitions/package-version.js';
import type { LoadedPackages } from '../load/packages/index.js';
import type { Resource } from '../model/fhir.js';
import { parseChangesFile } from '../release/changes-file.js';
import { diffPackages } from '../release/diff.js';
import { ElementModel } from '../resolve/element-model.js';
import { LayeredResolver, ResourceIndex, type DefinitionSource } from '../resolve/resolver.js';
import { ExpansionDisplays } from '../terminology/expansion-rows.js';
import { ValueSetExpander, type ExpansionLookup } from '../terminology/value-set-expansion.js';
import { expansionsFrom } from '../validate/semantic-context.js';
import { errorMessage, isObject } from '../util/values.js';
import type { QaReport, SiteChanges, SiteContext, SitePackage } from './input.js';
import { generateSite } from './site.js';

/** The QA report the build writes beside the package (`generated/qa.json`). */
export const QA_FILE = 'qa.json';
/** The site's folder in the build output (`generated/site`). */
export const SITE_FOLDER = 'site';
/** The changes file beside the project config. */
export const CHANGES_FILE = 'changes.json';

/** The context over loaded dependency packages (their published expansions included). */
export function siteContext(pkg: SitePackage, packages: LoadedPackages, diagnostics: Diagnostics): SiteContext {
  return siteContextOver(pkg, packages, expansionsFrom(packages), diagnostics);
}

/** The context over any definition source: the package's resources are looked up first, then `dependencies`. */
export function siteContextOver(pkg: SitePackage, dependencies: DefinitionSource, published: ExpansionLookup, diagnostics: Diagnostics): SiteContext {
  const resolver = new LayeredResolver([new ResourceIndex(pkg.resources), dependencies], pkg.manifest.canonical ?? '');
  const displays = new ExpansionDisplays(new ValueSetExpander(resolver, published), resolver, published);
  const model = ElementModel.fromSource(dependencies);
  return {
    resolver,
    diagnostics,
    expand: (url) => displays.rows(url),
    toXml: (r: Resource) => {
      const scratch = new Diagnostics();
      const xml = jsonToXml(r, model, scratch, `${r.resourceType}/${r.id ?? ''}`);
      const problem = scratch.sorted().find((d) => d.severity === 'error' || d.severity === 'fatal');
      if (xml === undefined || problem) {
        diagnostics.warning('site.xml-unavailable', `${r.resourceType}/${r.id ?? ''} is shown without its XML form: ${problem?.message ?? 'it cannot be written as XML'}`, { path: problem?.path ?? r.resourceType });
        return undefined;
      }
      return xml;
    },
  };
}

/**
 * The QA report as the build writes it, in the stable order: every warning and error, and the
 * information messages about the project's files; then what the config's suppressions accepted, each
 * with its reason. Information without a file is about the environment
 * (where a dependency was loaded from, with machine paths) and would make the report, and the site,
 * differ between machines.
 */
export function qaReport(diagnostics: Diagnostics, invariants?: { total: number; compiled: number; native: number; unsupported: QaInvariants['interpreted'] }): QaReport {
  const suppressed = diagnostics.suppressed.map((s) => ({ ...s.diagnostic, reason: s.suppression.reason }));
  const report: QaReport = { diagnostics: diagnostics.sorted().filter((d) => d.severity !== 'information' || d.file !== undefined), ...(suppressed.length ? { suppressed } : {}) };
  if (invariants) {
    const interpreted = invariants.unsupported.map(({ key, context, expression, reason }) => ({ key, context, expression, reason }));
    report.invariants = { total: invariants.total, compiled: invariants.compiled, native: invariants.native, interpreted };
  }
  return report;
}

type QaInvariants = NonNullable<QaReport['invariants']>;

export function qaReportBuffer(report: QaReport): Buffer {
  return Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8');
}

/** Reads a QA report file; undefined (with an error) when it is not one. */
export function readQaReport(file: string, diagnostics: Diagnostics): QaReport | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { diagnostics?: unknown; suppressed?: unknown };
    if (Array.isArray(value.diagnostics) && value.diagnostics.every(isDiagnostic) && (value.suppressed === undefined || (Array.isArray(value.suppressed) && value.suppressed.every(isDiagnostic)))) {
      return value as QaReport;
    }
    diagnostics.error('site.qa-invalid', 'not a QA report (a diagnostics list with severity, code and message)', { file });
  } catch (e) {
    diagnostics.error('site.qa-invalid', `cannot read the QA report: ${errorMessage(e)}`, { file });
  }
  return undefined;
}

function isDiagnostic(d: unknown): d is Diagnostic {
  return isObject(d) && typeof d.severity === 'string' && typeof d.code === 'string' && typeof d.message === 'string';
}

export interface ChangesOptions {
  /** The previous release (tarball, folder or name@version); undefined: no comparison. */
  previous?: string;
  /** Where a relative `previous` is resolved. */
  cwd: string;
  /** The changes file; undefined: `changes.json` beside the config when there is one. */
  changesFile?: string;
  offline?: boolean;
}

/** The diff against the previous release and the changes file; undefined parts when not configured or not readable (reported). */
export async function siteChanges(pkg: SitePackage, config: ProjectConfig, options: ChangesOptions, diagnostics: Diagnostics): Promise<SiteChanges> {
  const changes: SiteChanges = {};
  const file = options.changesFile ?? join(config.projectRoot, CHANGES_FILE);
  if (options.changesFile !== undefined || existsSync(file)) {
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      diagnostics.error('site.changes-unreadable', `cannot read the changes file: ${errorMessage(e)}`, { file });
    }
    const notes = text === undefined ? undefined : parseChangesFile(text, file, diagnostics);
    if (notes) changes.notes = notes;
  }
  if (options.previous) {
    const previous = await loadPackageVersion(options.previous, {
      diagnostics,
      cwd: options.cwd,
      dependencySources: config.dependencySources,
      projectRoot: config.projectRoot,
      offline: options.offline,
    });
    if (previous) {
      const current = { label: `${pkg.manifest.name}#${pkg.manifest.version}`, name: pkg.manifest.name, version: pkg.manifest.version, kind: 'package-folder' as const, resources: pkg.resources.filter((r) => typeof r.url === 'string') };
      changes.diff = diffPackages(previous, current);
    }
  }
  return changes;
}

export interface BuildSiteInput {
  /** The package files the build emits (`package/...`). */
  files: ReadonlyArray<{ path: string; content: Buffer }>;
  config: ProjectConfig;
  packages: LoadedPackages;
  qa: QaReport;
  /** The build's `--previous`, else the config's `previousPackage`. */
  previous?: string;
  offline?: boolean;
}

/** The site as `build --site` writes it (paths under `site/`), from the very package files it emits. */
export async function buildSiteFiles(input: BuildSiteInput, diagnostics: Diagnostics): Promise<OutputFile[]> {
  const pkg = builtPackageFromFiles(input.files, diagnostics);
  if (!pkg) return [];
  const previous = input.previous ?? input.config.previousPackage;
  const changes = await siteChanges(pkg, input.config, { previous, cwd: input.previous ? process.cwd() : input.config.projectRoot, offline: input.offline }, diagnostics);
  return generateSite({ package: pkg, qa: input.qa, changes }, siteContext(pkg, input.packages, diagnostics)).map((f) => ({ path: `${SITE_FOLDER}/${f.path}`, content: f.content }));
}
