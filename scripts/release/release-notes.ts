/**
 * `release-notes`: Markdown in the structure of the GP Connect release notes: a section per area, each
 * change with its title, Tickets, Affects, Impacts, description and the profiles, value sets, code systems
 * (each their own list) it changed, with what `diff` found in each. Artefacts `diff` found changed that no
 * entry of the changes file names are still listed, untitled, under "Other changes". The version is the new
 * package's; checkChangesFile reports a changes file that does not fit the diff. Deterministic: file order
 * for entries, diff order for artefacts, no dates.
 */
import type { Change, PackageDiff, ResourceDiff } from './changes.js';
import type { ChangeEntry, ChangesFile } from './changes-file.js';

export interface ReleaseNotesInput {
  diff: PackageDiff;
  changes?: ChangesFile;
  /** The heading's name, e.g. `GP Connect API` (default: the package name). */
  title?: string;
}

const statusText: Record<ResourceDiff['status'], string> = { added: 'added', removed: 'removed', changed: 'changed', 'new-major': 'new major version' };

export function releaseNotes(input: ReleaseNotesInput): string {
  const { diff } = input;
  const changes = input.changes ?? { areas: [], changes: [] };
  const version = diff.new.version ?? changes.release ?? diff.new.label;
  const name = input.title ?? diff.new.name ?? 'Package';
  const byKey = new Map(diff.resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  const used = new Set<string>();
  const out: string[] = [];

  out.push(`# ${name} ${version} release notes #`, '');
  out.push(`Compared with ${diff.old.label}: ${diff.resources.length} artefact(s) changed; overall ${diff.level}; suggested version bump: ${diff.suggestedBump}.`);
  if (diff.unversionedBreaking > 0) out.push('', `**Breaking:** ${diff.unversionedBreaking} artefact(s) keep their URL across a breaking change: consumers of ${diff.old.label} must adapt.`);
  out.push('', `## ${version} changes ##`, '');

  for (const area of changes.areas) {
    const entries = changes.changes.filter((c) => c.area === area);
    if (entries.length === 0) continue;
    out.push(`## ${area} ##`, '');
    for (const entry of entries) {
      out.push(...entryLines(entry, changes.ticketUrl, byKey));
      for (const r of entry.resources) used.add(r);
    }
  }

  const others = byList(diff.resources.filter((r) => !used.has(`${r.resourceType}/${r.id}`)));
  if (others.length) {
    out.push('## Other changes ##', '');
    out.push('Changes found by comparing the packages that no entry of the changes file describes.', '');
    for (const r of others) {
      out.push(`### ${r.resourceType} ${r.id} *(untitled)* ###`, '');
      out.push(`**Change:** ${statusText[r.status]}, ${r.level}`, '');
      out.push(...artefactLines(r, r.url), '', '---', '');
    }
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

function entryLines(entry: ChangeEntry, ticketUrl: string | undefined, byKey: Map<string, ResourceDiff>): string[] {
  const lines: string[] = [];
  const ticket = (n: number) => (ticketUrl ? `[#${n}](${ticketUrl}${n})` : `#${n}`);
  lines.push(`### ${entry.title} ###`, '');
  lines.push(`**Tickets:**&nbsp; ${entry.tickets.map(ticket).join(', ')}`, '');
  lines.push(`**Affects:**&nbsp; ${entry.affects.join(', ')}`, '');
  lines.push(`**Impacts:** ${entry.impacts ?? '*(no impact)*'}`, '');
  if (entry.description.length) lines.push('**Description:**', '', ...entry.description.map((d) => `- ${d}`), '');
  for (const [heading, keys] of listsByType(entry.resources)) {
    lines.push(`**${heading}:**`, '');
    for (const key of keys) {
      const found = byKey.get(key);
      const id = key.slice(key.indexOf('/') + 1);
      if (!found) {
        lines.push(`- ${id} (${key.slice(0, key.indexOf('/'))}): *no change found by comparing the packages*`);
        continue;
      }
      lines.push(...artefactLines(found, found.url).map((l, i) => (i === 0 ? `- [${id}](${found.url}) (${found.resourceType}, ${found.level}${found.status === 'changed' ? '' : `, ${statusText[found.status]}`})` : l)));
    }
    lines.push('');
  }
  if (entry.pages.length) lines.push('**Pages changed:**', '', ...entry.pages.map((p) => `- ${p}`), '');
  lines.push('---', '');
  return lines;
}

/** The lists an entry's artefacts go in: profiles, value sets, code systems, then any other type, each in entry order. */
const LISTS: Array<[heading: string, type: string | undefined]> = [
  ['Profiles changed', 'StructureDefinition'],
  ['Value sets changed', 'ValueSet'],
  ['Code systems changed', 'CodeSystem'],
  ['Other artefacts changed', undefined],
];

/** Artefacts in list order (profiles, value sets, code systems, others), diff order within a list. */
function byList(resources: ResourceDiff[]): ResourceDiff[] {
  const rank = (r: ResourceDiff) => {
    const i = LISTS.findIndex(([, type]) => type === r.resourceType);
    return i < 0 ? LISTS.length : i;
  };
  return resources.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map(({ r }) => r);
}

function listsByType(keys: string[]): Array<[string, string[]]> {
  const typeOf = (key: string) => key.slice(0, key.indexOf('/'));
  const named = new Set(LISTS.map(([, type]) => type).filter(Boolean));
  return LISTS.map(([heading, type]): [string, string[]] => [heading, keys.filter((k) => (type ? typeOf(k) === type : !named.has(typeOf(k))))]).filter(([, list]) => list.length > 0);
}

/** The artefact's line (replaced by the caller in entries) and one sub-item per non-text change; text changes counted. */
function artefactLines(r: ResourceDiff, url: string): string[] {
  const lines = [`- [${r.id}](${url})`];
  const significant = r.changes.filter((c) => c.level !== 'patch' && !(r.status === 'added' || r.status === 'removed'));
  for (const line of grouped(significant)) lines.push(`  - ${line}`);
  const text = r.changes.filter((c) => c.level === 'patch').length;
  if (text) lines.push(`  - ${text} text or metadata change(s)`);
  if (r.status === 'added' || r.status === 'removed') lines.push(`  - ${r.changes[0]?.message ?? statusText[r.status]}`);
  return lines;
}

/** `breaking: Patient.birthDate: min raised 0 -> 1`; the same change on many elements once. */
function grouped(changes: Change[]): string[] {
  const groups = new Map<string, Change[]>();
  for (const c of changes) groups.set(`${c.level}|${c.code}|${c.message}`, [...(groups.get(`${c.level}|${c.code}|${c.message}`) ?? []), c]);
  const lines: string[] = [];
  for (const group of groups.values()) {
    const c = group[0] as Change;
    const where = group.length > 1 ? ` (${group.length} elements)` : c.path && !c.message.includes(c.path) ? ` (${c.path})` : '';
    lines.push(`${c.level}: ${c.message}${where}`);
  }
  return lines;
}
