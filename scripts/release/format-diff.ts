/** `diff` output: readable text, or JSON (stable key order, for tools and CI). */
import type { Change, PackageDiff, ResourceDiff } from './changes.js';

const statusText: Record<ResourceDiff['status'], string> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  'new-major': 'new major version',
};

export function formatDiffText(diff: PackageDiff): string {
  const lines: string[] = [];
  lines.push(`${diff.old.label} -> ${diff.new.label}`);
  if (diff.resources.length === 0) {
    lines.push('no changes');
    return lines.join('\n') + '\n';
  }
  for (const r of diff.resources) {
    const related = r.related ? (r.status === 'new-major' ? ` of ${lastSegment(r.related)}` : ` (successor ${lastSegment(r.related)})`) : '';
    const flag = r.unversionedBreaking ? '  BREAKING WITHOUT A NEW MAJOR VERSION' : '';
    lines.push('');
    lines.push(`${r.resourceType} ${r.id}: ${statusText[r.status]}${related}, ${r.level}${flag}`);
    if (r.status === 'added' || r.status === 'removed') continue;
    for (const line of changeLines(r)) lines.push(line);
  }
  lines.push('');
  const counts = (['breaking', 'minor', 'patch'] as const).map((l) => `${diff.resources.filter((r) => r.level === l).length} ${l}`).join(', ');
  lines.push(`${diff.resources.length} resource(s) changed (${counts}); overall: ${diff.level}; suggested package version bump: ${diff.suggestedBump}`);
  if (diff.unversionedBreaking > 0) lines.push(`${diff.unversionedBreaking} resource(s) with breaking changes and no new major version`);
  return lines.join('\n') + '\n';
}

/** One line per change; the same change on more than three elements is one line naming the first few. */
function changeLines(r: ResourceDiff): string[] {
  const groups = new Map<string, Change[]>();
  for (const c of r.changes) {
    const key = c.path && c.path.includes('.') ? `${c.level}|${c.code}|${c.message}` : `${groups.size}|single`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const lines: string[] = [];
  for (const group of groups.values()) {
    const c = group[0] as Change;
    const level = c.level.padEnd(8);
    if (group.length > GROUP_AFTER) {
      const paths = group.map((g) => g.path).slice(0, GROUP_AFTER);
      lines.push(`  ${level} ${c.message} (${group.length} elements: ${paths.join(', ')}, ...)`);
    } else for (const g of group) lines.push(`  ${level} ${g.path ? `${g.path}: ` : ''}${g.message}`);
  }
  return lines;
}

const GROUP_AFTER = 3;

export function formatDiffJson(diff: PackageDiff): string {
  return JSON.stringify(diff, null, 2) + '\n';
}

function lastSegment(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
