/**
 * 3. The official STU3 XML definition bundles (../shared/hl7-stu3/definitions-xml, ~34 MB) converted to
 *    FHIR JSON by readXmlResource (saxes underneath), against the same bytes through bare fast-xml-parser
 *    (the floor), fast-xml-parser with its validator, and saxes with no handlers.
 *    Files are read into memory first; only parsing/conversion is timed. Best of `passes` for each.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { Diagnostics, formatDiagnostic } from '../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../scripts/diagnostics/source-map.js';
import { readXmlResource } from '../scripts/format/xml/read-xml.js';
import type { ElementModel } from '../scripts/resolve/element-model.js';
import { definitionsXmlDir, fastXmlParserOptions, ratio, say, timeSync, type Row } from './common.js';

interface Doc {
  file: string;
  text: string;
}

function passMs(docs: readonly Doc[], each: (doc: Doc) => void): number {
  return timeSync(() => docs.forEach(each)).ms;
}

export function benchXml(rows: Row[], model: ElementModel, passes = 2): void {
  const section = '3. XML -> FHIR JSON, official STU3 definitions (10 bundles), in memory';
  const docs: Doc[] = readdirSync(definitionsXmlDir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(definitionsXmlDir, file), 'utf8') }));
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  const mb = bytes / 1e6;

  let diagnostics = new Diagnostics();
  let entries = 0;
  const ours = () => {
    diagnostics = new Diagnostics();
    const ctx = { model, diagnostics, sources: new SourceMap() };
    entries = 0;
    return passMs(docs, (d) => {
      const bundle = readXmlResource(d.text, d.file, ctx);
      entries += Array.isArray(bundle?.entry) ? bundle.entry.length : 0;
    });
  };
  const floors: Array<{ what: string; run: () => number }> = [
    { what: 'fast-xml-parser, default options', run: () => passMs(docs, (d) => new XMLParser().parse(d.text)) },
    { what: "fast-xml-parser, the reader's options", run: () => passMs(docs, (d) => new XMLParser(fastXmlParserOptions).parse(d.text)) },
    { what: "  + its XMLValidator (fast-xml-parser's own strictness pass)", run: () =>
        passMs(docs, (d) => {
          XMLValidator.validate(d.text);
          new XMLParser(fastXmlParserOptions).parse(d.text);
        }),
    },
    { what: "saxes, no handlers (the reader's parser, bare)", run: () => passMs(docs, (d) => void new SaxesParser().write(d.text).close()) },
  ];

  const best = { ours: Infinity, floors: floors.map(() => Infinity) };
  for (let pass = 1; pass <= passes; pass++) {
    say(`xml: pass ${pass}/${passes} (readXmlResource, then ${floors.length} floors)`);
    best.ours = Math.min(best.ours, ours());
    floors.forEach((f, i) => (best.floors[i] = Math.min(best.floors[i], f.run())));
  }
  if (diagnostics.hasErrors()) throw new Error(`readXmlResource reported errors:\n${diagnostics.all.slice(0, 10).map(formatDiagnostic).join('\n')}`);

  const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(2)} MB/s`;
  rows.push({
    section,
    what: 'readXmlResource (ours)',
    value: rate(best.ours),
    note: `${mb.toFixed(1)} MB, ${docs.length} files, ${entries} resources, ${(best.ours / 1000).toFixed(2)} s, best of ${passes}`,
  });
  floors.forEach((f, i) =>
    rows.push({
      section,
      what: f.what,
      value: rate(best.floors[i]),
      note: `ours/floor (speed) = ${ratio(best.floors[i], best.ours)}; ours takes ${ratio(best.ours, best.floors[i])} the time`,
    }),
  );
}
