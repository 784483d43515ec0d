/** `init [dir]`: a new implementation guide project (scripts/commands/init.ts). Exit 0 written; 2 nothing written. */
import { relative, resolve } from 'node:path';
import { formatDiagnostic } from '../diagnostics/diagnostics.js';
import { initProject } from '../commands/init.js';
import type { CommandRegistration } from './common.js';

interface InitCliOptions {
  packageId?: string;
  canonical?: string;
  title?: string;
  packages?: string[];
}

export const initCommand: CommandRegistration = (program) => {
  program
    .command('init')
    .description('start a new implementation guide: config, one profile, value set, code system and example, README, CI script and package.json; it builds and validates as it is')
    .argument('[dir]', 'project folder (created if missing)', '.')
    .option('--package-id <id>', 'FHIR package name (default: example.<folder name>)')
    .option('--canonical <url>', 'canonical base URL (default: https://example.org/fhir/<folder name>)')
    .option('--title <title>', 'title of the guide (default: from the folder name)')
    .option('--packages <dir...>', 'folders of FHIR package tarballs (an offline mirror) to load dependencies from, before the FHIR cache and the registry')
    .action((dir: string, opts: InitCliOptions) => {
      const result = initProject({ dir, ...opts });
      for (const d of result.problems) process.stderr.write(formatDiagnostic(d) + '\n');
      if (result.error) {
        process.stderr.write(`error: ${result.error}\n`);
        process.exitCode = 2;
        return;
      }
      const where = relative(process.cwd(), resolve(dir)) || '.';
      process.stderr.write(`created ${result.written.length} files in ${where}:\n${result.written.map((f) => `  ${f}\n`).join('')}`);
      if (result.kept.length) process.stderr.write(`kept the existing ${result.kept.join(' and ')}\n`);
      process.stderr.write(`next:\n${where === '.' ? '' : `  cd ${where}\n`}  npm install\n  npx fhir-stu3 build\n  npx fhir-stu3 validate examples\n`);
      process.exitCode = 0;
    });
};
