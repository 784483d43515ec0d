/**
 * Checks on each differential element against the snapshot element it constrains. One entry per rule:
 * each gets the pair (differential, base before the merge, result) and reports through `report`.
 */
import type { ElementDefinition } from '../model/fhir.js';
import type { DefinitionResolver } from '../resolve/resolver.js';
import { maxToNumber } from '../snapshot/merge-rules.js';

export interface ElementCheckInput {
  diff: ElementDefinition;
  base: ElementDefinition;
  result: ElementDefinition;
  resolver: DefinitionResolver;
  /** Reports a finding on a field of the differential element (`min`, `type[0].profile`, ...). */
  report(severity: 'error' | 'warning', code: string, field: string, message: string): void;
}

export interface ElementRule {
  code: string;
  check(input: ElementCheckInput): void;
}

const bindingRank: Record<string, number> = { required: 0, extensible: 1, preferred: 2, example: 3 };

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** True when `url` is `ancestor` or a profile derived from it (following baseDefinition). */
export function derivesFrom(url: string, ancestor: string, resolver: DefinitionResolver): boolean {
  const seen = new Set<string>();
  let current: string | undefined = url;
  while (current && !seen.has(current)) {
    if (current === ancestor) return true;
    seen.add(current);
    current = resolver.structureDefinition(current)?.baseDefinition;
  }
  return false;
}

function reportUnresolvedProfiles({ diff, resolver, report }: ElementCheckInput, field: 'profile' | 'targetProfile'): void {
  (diff.type ?? []).forEach((t, i) => {
    const url = t[field];
    if (!url || resolver.structureDefinition(url)) return;
    const project = resolver.isProjectUrl(url);
    const what = t.code === 'Extension' && field === 'profile' ? 'extension definition' : 'profile';
    report(project ? 'error' : 'warning', project ? 'profile.unknown-project-url' : 'profile.unresolved-external-url', `type[${i}].${field}`, `${what} ${url} ${project ? 'should be in the project but is not' : 'is not in the project or its dependencies'}`);
  });
}

export const elementRules: ElementRule[] = [
  {
    code: 'profile.min-below-base',
    check: ({ diff, base, report }) => {
      // A slice may be optional although its entry is required: the entry's min counts all slices together.
      if (diff.min === undefined || diff.sliceName) return;
      if (diff.min < (base.min ?? 0)) report('error', 'profile.min-below-base', 'min', `min ${diff.min} is below the base min ${base.min} of ${base.id}`);
    },
  },
  {
    code: 'profile.max-above-base',
    check: ({ diff, base, report }) => {
      if (diff.max === undefined) return;
      if (diff.max !== '*' && !/^\d+$/.test(diff.max)) return report('error', 'profile.max-invalid', 'max', `max '${diff.max}' is neither a number nor '*'`);
      if (maxToNumber(diff.max) > maxToNumber(base.max)) report('error', 'profile.max-above-base', 'max', `max ${diff.max} is above the base max ${base.max} of ${base.id}`);
    },
  },
  {
    code: 'profile.min-above-max',
    check: ({ result, report }) => {
      if ((result.min ?? 0) > maxToNumber(result.max)) report('error', 'profile.min-above-max', 'min', `min ${result.min} is above max ${result.max}`);
    },
  },
  {
    code: 'profile.type-not-allowed',
    check: ({ diff, base, resolver, report }) => {
      const baseTypes = base.type ?? [];
      if (!diff.type || baseTypes.length === 0) return;
      const codes = new Set(baseTypes.map((t) => t.code));
      diff.type.forEach((t, i) => {
        if (!codes.has(t.code) && !codes.has('*') && !codes.has('Resource')) {
          report('error', 'profile.type-not-allowed', `type[${i}].code`, `type ${t.code} is not allowed by the base (${[...codes].join(', ')})`);
          return;
        }
        const baseTargets = baseTypes.filter((b) => b.code === t.code && b.targetProfile).map((b) => b.targetProfile as string);
        if (t.targetProfile && baseTargets.length > 0 && !baseTargets.some((bt) => derivesFrom(t.targetProfile as string, bt, resolver))) {
          const known = resolver.structureDefinition(t.targetProfile);
          if (known) report('error', 'profile.target-not-allowed', `type[${i}].targetProfile`, `target ${t.targetProfile} does not derive from an allowed target (${baseTargets.join(', ')})`);
        }
        const baseProfile = baseTypes.find((b) => b.code === t.code)?.profile;
        if (t.profile && baseProfile && !derivesFrom(t.profile, baseProfile, resolver) && resolver.structureDefinition(t.profile)) {
          report('error', 'profile.profile-not-allowed', `type[${i}].profile`, `profile ${t.profile} does not derive from the base's ${baseProfile}`);
        }
      });
    },
  },
  {
    // A type or extension profile the snapshot unfolds and merges from.
    code: 'profile.unknown-type-profile',
    check: (input) => reportUnresolvedProfiles(input, 'profile'),
  },
  {
    code: 'profile.unknown-target-profile',
    check: (input) => reportUnresolvedProfiles(input, 'targetProfile'),
  },
  {
    code: 'profile.type-profile-mismatch',
    check: ({ diff, resolver, report }) => {
      (diff.type ?? []).forEach((t, i) => {
        const sd = t.profile ? resolver.structureDefinition(t.profile) : undefined;
        if (sd && sd.type !== t.code) report('error', 'profile.type-profile-mismatch', `type[${i}].profile`, `profile ${t.profile} constrains ${sd.type}, not ${t.code}`);
      });
    },
  },
  {
    code: 'profile.binding-weakened',
    check: ({ diff, base, report }) => {
      if (!diff.binding || !base.binding) return;
      if (bindingRank[diff.binding.strength] > bindingRank[base.binding.strength]) {
        report('error', 'profile.binding-weakened', 'binding.strength', `binding strength ${diff.binding.strength} is weaker than the base's ${base.binding.strength}`);
      }
    },
  },
  {
    code: 'profile.slicing-loosened',
    check: ({ diff, base, report }) => {
      if (!diff.slicing || !base.slicing) return;
      if (base.slicing.rules === 'closed' && diff.slicing.rules !== 'closed') report('error', 'profile.slicing-loosened', 'slicing.rules', `slicing rules '${diff.slicing.rules}' loosen the base's closed slicing`);
      if (base.slicing.ordered && diff.slicing.ordered === false) report('error', 'profile.slicing-loosened', 'slicing.ordered', `unordered slicing loosens the base's ordered slicing`);
    },
  },
  {
    code: 'profile.unknown-valueset',
    check: ({ diff, resolver, report }) => {
      const url = diff.binding?.valueSetReference?.reference ?? diff.binding?.valueSetUri;
      if (!url || resolver.valueSet(url)) return;
      const project = resolver.isProjectUrl(url);
      report(project ? 'error' : 'warning', project ? 'profile.unknown-project-url' : 'profile.unresolved-external-url', 'binding', `value set ${url} ${project ? 'should be in the project but is not' : 'is not in the project or its dependencies'}`);
    },
  },
  {
    code: 'profile.value-wrong-type',
    check: ({ diff, result, report }) => {
      const codes = (result.type ?? []).map((t) => upperFirst(t.code));
      for (const key of Object.keys(diff)) {
        const m = /^(fixed|pattern)([A-Z].*)$/.exec(key);
        if (!m || codes.length === 0) continue;
        if (!codes.includes(m[2])) report('error', 'profile.value-wrong-type', key, `${key} does not fit the element's type (${codes.join(', ')})`);
      }
    },
  },
];

