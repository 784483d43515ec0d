/**
 * Reads the project's conformance sources (and any other FHIR files given on the command line):
 * every `.xml` and `.json` under the given folders or files, each through the reader for its format.
 * A file that cannot be read becomes a diagnostic; reading carries on with the rest.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { globby } from 'globby';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { SourceMap } from '../diagnostics/source-map.js';
import type { Resource } from '../model/fhir.js';
import type { ElementModel } from '../resolve/element-model.js';
import { readJsonResource } from '../format/json/read-json.js';
import { readXmlResource } from '../format/xml/read-xml.js';
import { errorMessage } from '../util/values.js';

export interface ReadSourcesContext {
  model: ElementModel;
  diagnostics: Diagnostics;
  sources: SourceMap;
  /** File names in diagnostics are given relative to this folder. */
  root: string;
}

/** The `.xml`/`.json` files under each path (a file or a folder), sorted, each once. */
export async function findSourceFiles(paths: string[], diagnostics: Diagnostics, root: string): Promise<string[]> {
  const files = new Set<string>();
  for (const p of paths) {
    const abs = resolve(root, p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      diagnostics.error('load.not-found', `no such file or folder: ${p}`, { file: relative(root, abs) || abs });
      continue;
    }
    if (!isDir) {
      files.add(abs);
      continue;
    }
    for (const f of await globby(['**/*.xml', '**/*.json'], { cwd: abs, absolute: true, onlyFiles: true })) files.add(f);
  }
  return [...files].sort();
}

/** Reads each file; one resource per file. */
export function readSourceFiles(files: string[], ctx: ReadSourcesContext): Resource[] {
  const resources: Resource[] = [];
  for (const abs of files) {
    const file = relative(ctx.root, abs) || abs;
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      ctx.diagnostics.error('load.unreadable', `cannot read file: ${errorMessage(e)}`, { file });
      continue;
    }
    const readerCtx = { model: ctx.model, diagnostics: ctx.diagnostics, sources: ctx.sources };
    const resource = abs.endsWith('.xml') ? readXmlResource(text, file, readerCtx) : readJsonResource(text, file, readerCtx);
    if (resource) resources.push(resource);
  }
  return resources;
}
