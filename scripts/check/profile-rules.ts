/**
 * Checks on a whole profile (its identity), one entry per rule. All four are GP Connect's conventions,
 * off unless the project's config turns them on (docs/rules.md).
 */
import type { StructureDefinition } from '../model/fhir.js';

export interface ProfileCheckInput {
  profile: StructureDefinition;
  canonical: string;
  /** Reports a finding of rule `code` (at its configured severity) on a field of the profile. */
  report(code: string, field: string, message: string): void;
}

export interface ProfileRule {
  code: string;
  check(input: ProfileCheckInput): void;
}

/** GP Connect versioning: a profile's name and id end in its major version (`-1`, `-2`). */
export const majorVersionSuffix = /-(\d+)$/;

export const profileRules: ProfileRule[] = [
  {
    code: 'profile.url-convention',
    check: ({ profile, canonical, report }) => {
      // Without an id there is nothing to compare with (resource.missing-id reports it).
      if (!profile.id) return;
      const expected = `${canonical}/StructureDefinition/${profile.id}`;
      if (profile.url !== expected) report('profile.url-convention', 'url', `url ${profile.url ?? '(none)'} should be ${expected}`);
    },
  },
  {
    code: 'profile.major-version-suffix',
    check: ({ profile, report }) => {
      for (const field of ['id', 'name'] as const) {
        const value = profile[field];
        if (value && !majorVersionSuffix.test(value)) report('profile.major-version-suffix', field, `${field} '${value}' does not end in its major version (e.g. '${value}-1')`);
      }
    },
  },
  {
    code: 'profile.major-version-mismatch',
    check: ({ profile, report }) => {
      const fromId = profile.id ? majorVersionSuffix.exec(profile.id)?.[1] : undefined;
      const fromName = profile.name ? majorVersionSuffix.exec(profile.name)?.[1] : undefined;
      if (fromId !== undefined && fromName !== undefined && fromId !== fromName)
        report('profile.major-version-mismatch', 'name', `name '${profile.name}' is major version ${fromName} but id '${profile.id}' is ${fromId}`);
    },
  },
  {
    code: 'profile.id-name-mismatch',
    check: ({ profile, report }) => {
      if (profile.id && profile.name && profile.id !== profile.name) report('profile.id-name-mismatch', 'name', `name '${profile.name}' differs from id '${profile.id}'`);
    },
  },
];
