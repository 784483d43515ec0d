/**
 * The layers of scripts/, lowest first: a module may import its own folder and anything below it, never
 * above. `npm run layers` (part of `npm test`) fails on an upward import or a cycle.
 */
const layers = [
  ['util/', 'model/'],
  ['diagnostics/'],
  ['resolve/'],
  ['context\\.ts'],
  ['format/'],
  ['load/'],
  ['terminology/'],
  ['snapshot/'],
  ['definitions/'],
  ['check/'],
  ['compile/'],
  ['validate/'],
  ['emit/'],
  ['release/'],
  ['site/'],
  ['commands/'],
  ['build\\.ts'],
  ['cli/', 'cli\\.ts'],
  ['index\\.ts'],
];

const pattern = (parts) => `^scripts/(${parts.join('|')})`;

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'modules of scripts/ import each other', from: { path: '^scripts/' }, to: { circular: true } },
    ...layers.slice(0, -1).map((level, i) => ({
      name: `layer-${level[0].replace(/[^a-z]/g, '')}`,
      severity: 'error',
      comment: `${level.join(' ')} may only import its own layer and the ones below it`,
      from: { path: pattern(level) },
      to: { path: pattern(layers.slice(i + 1).flat()) },
    })),
    { name: 'scripts-not-tests', severity: 'error', comment: 'the toolchain does not import tests or benchmarks', from: { path: '^scripts/' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
