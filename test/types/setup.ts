/**
 * Shared set-up of the types tests: a build of the real project into a temp folder, the `npm pack` tarball
 * of its `generated/types/`, and a consumer project that installs that tarball (plus @types/fhir, copied
 * from this repository's node_modules) and is compiled with the TypeScript compiler API.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { build } from '../../scripts/build.js';
import { gpconnectExamplesDir, projectRoot } from '../helpers/shared.js';
import { tempProject } from '../build/project.js';

export const TYPES_PACKAGE = 'nhsdigital.gpconnect.stu3-types';

/** Builds the project into a temp folder; returns the output folder. Throws when the build fails. */
export async function buildProject(): Promise<string> {
  const project = tempProject();
  const result = await build({ configFile: project.config, offline: true });
  if (result.status !== 'ok') throw new Error(`build failed: ${result.diagnostics.sorted().map((d) => d.message).join('\n')}`);
  return project.out;
}

export interface Consumer {
  readonly root: string;
  readonly tarball: string;
  /** Writes a source file into the consumer project. */
  write(name: string, text: string): string;
  /** Removes the consumer project and the packed tarball. */
  dispose(): void;
}

/** A consumer project with the packed types installed from their tarball. */
export function consumerProject(outDir: string): Consumer {
  const root = mkdtempSync(join(tmpdir(), 'fhir-stu3-types-consumer-'));
  const packDir = mkdtempSync(join(tmpdir(), 'fhir-stu3-types-pack-'));
  const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  execFileSync('npm', ['pack', join(outDir, 'types'), '--pack-destination', packDir, '--silent'], { env: npmEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz')) ?? 'missing.tgz');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'types-consumer', private: true, type: 'module' }, null, 2));
  execFileSync('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], { cwd: root, env: npmEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  mkdirSync(join(root, 'node_modules', '@types'), { recursive: true });
  cpSync(join(projectRoot, 'node_modules', '@types', 'fhir'), join(root, 'node_modules', '@types', 'fhir'), { recursive: true });
  return {
    root,
    tarball,
    write(name, text) {
      const file = join(root, name);
      writeFileSync(file, text);
      return file;
    },
    dispose() {
      for (const dir of [root, packDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The consumer's compiler options: what a strict TypeScript ESM project uses. */
export const consumerOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
  skipLibCheck: false,
};

export interface Reported {
  file: string;
  line: number;
  code: number;
  message: string;
}

/** Compiles files of the consumer project; every diagnostic (syntactic, semantic, of the types package too). */
export function compile(files: readonly string[]): Reported[] {
  const program = ts.createProgram(files, consumerOptions);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return { file: d.file?.fileName ?? '', line: (pos?.line ?? -1) + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}

/** Completion entry names at `marker` (removed from the text) in a file of the consumer project. */
export function completionsAt(consumer: Consumer, name: string, textWithMarker: string, marker = '/*|*/'): string[] {
  const position = textWithMarker.indexOf(marker);
  const text = textWithMarker.replace(marker, '');
  const file = consumer.write(name, text);
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      try {
        return ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8'));
      } catch {
        return undefined;
      }
    },
    getCurrentDirectory: () => consumer.root,
    getCompilationSettings: () => consumerOptions,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  try {
    const completions = service.getCompletionsAtPosition(file, position, {});
    return (completions?.entries ?? []).map((e) => e.name);
  } finally {
    service.dispose();
  }
}

/** A JSON file as a value. */
export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export interface Payload {
  name: string;
  resource: Record<string, unknown>;
}

/** Every resource of the appointment and foundation payloads (bundle entries too) with the `meta.profile` it claims. */
export function corpusResources(): Payload[] {
  const out: Payload[] = [];
  for (const dir of ['appointments', 'foundations']) {
    for (const file of readdirSync(join(gpconnectExamplesDir, dir)).sort()) {
      const json = JSON.parse(readFileSync(join(gpconnectExamplesDir, dir, file), 'utf8')) as Record<string, unknown>;
      const entries = Array.isArray(json.entry) ? (json.entry as Array<{ resource?: Record<string, unknown> }>) : [];
      [json, ...entries.map((e) => e.resource)].forEach((resource, i) => {
        if (resource) out.push({ name: `${dir}/${file}${i ? `#entry${i - 1}` : ''}`, resource });
      });
    }
  }
  return out;
}

/** Runs every named guard of the package on each payload, in a fresh Node process. */
export function runGuards(indexJs: string, guards: readonly string[], payloads: readonly Payload[]): boolean[][] {
  const script = [
    `import * as types from ${JSON.stringify(pathToFileURL(indexJs).href)};`,
    `import { readFileSync } from 'node:fs';`,
    `const input = JSON.parse(readFileSync(0, 'utf8'));`,
    `process.stdout.write(JSON.stringify(input.payloads.map((p) => input.guards.map((g) => types[g](p)))));`,
  ].join('\n');
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify({ guards, payloads: payloads.map((p) => p.resource) }), maxBuffer: 64 << 20 });
  return JSON.parse(stdout.toString('utf8')) as boolean[][];
}
