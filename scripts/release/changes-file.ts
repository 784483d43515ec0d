/**
 * The changes file kept beside the sources (`changes.json`): the release's tickets, titles and areas, which
 * the release notes join with what `diff` finds. Reading never throws: problems are diagnostics naming the
 * file and the JSON path.
 *
 * ```json
 * { "release": "1.2.7", "ticketUrl": "https://github.com/nhsconnect/gpconnect/issues/",
 *   "areas": ["Core", "Foundations", "Appointment Management"],
 *   "changes": [{ "title": "...", "tickets": [826], "area": "Appointment Management",
 *                 "affects": ["Appointment Management"], "impacts": "Provider systems and consumer systems",
 *                 "description": ["..."], "resources": ["ValueSet/GPConnect-DeliveryChannel-1"],
 *                 "pages": ["Read an appointment"] }] }
 * ```
 */
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import { jsonFieldLocator } from '../format/json/json-locate.js';
import { isObject, errorMessage } from '../util/values.js';

export interface ChangeEntry {
  title: string;
  tickets: number[];
  /** The section it is listed under (one of `areas`). */
  area: string;
  /** What it affects (default: its area). */
  affects: string[];
  /** Who it impacts; undefined: no impact. */
  impacts?: string;
  description: string[];
  /** `ResourceType/id` of the artefacts it changes. */
  resources: string[];
  /** Specification pages it changes (names). */
  pages: string[];
}

export interface ChangesFile {
  release?: string;
  /** Prefix of a ticket's link (`<ticketUrl><number>`); no links without it. */
  ticketUrl?: string;
  /** Sections, in order. */
  areas: string[];
  changes: ChangeEntry[];
}


/** Parses the text of a changes file; undefined when it is not usable at all. */
export function parseChangesFile(text: string, file: string, diagnostics: Diagnostics): ChangesFile | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    diagnostics.error('release.changes-syntax', `invalid JSON: ${errorMessage(e)}`, { file });
    return undefined;
  }
  if (!isObject(raw)) {
    diagnostics.error('release.changes-invalid', 'the changes file must hold a JSON object', { file });
    return undefined;
  }
  // Findings on the file's fields (here and in checkChangesFile) get their line.
  diagnostics.addLocator(file, jsonFieldLocator(text));
  const bad = (path: string, message: string) => diagnostics.error('release.changes-invalid', message, { file, path });
  const strings = (v: unknown, path: string): string[] => {
    if (v === undefined) return [];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    bad(path, `'${path}' must be a list of strings`);
    return [];
  };
  const areas = strings(raw.areas, 'areas');
  const changes: ChangeEntry[] = [];
  if (!Array.isArray(raw.changes)) bad('changes', `'changes' must be a list`);
  else {
    raw.changes.forEach((c: unknown, i: number) => {
      const at = `changes[${i}]`;
      if (!isObject(c)) return bad(at, 'a change must be an object');
      if (typeof c.title !== 'string' || !c.title.trim()) return bad(`${at}.title`, 'a change needs a title');
      if (typeof c.area !== 'string' || !areas.includes(c.area)) return bad(`${at}.area`, `the area of '${c.title}' must be one of the areas (${areas.join(', ')})`);
      const tickets = Array.isArray(c.tickets) && c.tickets.every((t) => Number.isInteger(t) && (t as number) > 0) ? (c.tickets as number[]) : undefined;
      if (!tickets) return bad(`${at}.tickets`, `the tickets of '${c.title}' must be a list of ticket numbers`);
      if (c.impacts !== undefined && typeof c.impacts !== 'string') return bad(`${at}.impacts`, `'impacts' must be a string`);
      const resources = strings(c.resources, `${at}.resources`);
      for (const r of resources) if (!/^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]+$/.test(r)) bad(`${at}.resources`, `'${r}' is not ResourceType/id`);
      const affects = strings(c.affects, `${at}.affects`);
      changes.push({
        title: c.title,
        tickets,
        area: c.area,
        affects: affects.length ? affects : [c.area],
        ...(typeof c.impacts === 'string' ? { impacts: c.impacts } : {}),
        description: strings(c.description, `${at}.description`),
        resources,
        pages: strings(c.pages, `${at}.pages`),
      });
    });
  }
  return {
    ...(typeof raw.release === 'string' ? { release: raw.release } : {}),
    ...(typeof raw.ticketUrl === 'string' ? { ticketUrl: raw.ticketUrl } : {}),
    areas,
    changes,
  };
}
