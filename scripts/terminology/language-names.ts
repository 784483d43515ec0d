/**
 * ISO 639 language names, behind an interface so tests can give an older copy of the data.
 * The default reads the iso-639-2 npm package (ISO 639-2 English names, keyed by ISO 639-1 and 639-2 codes).
 */
import { iso6392 } from 'iso-639-2';

export interface LanguageNames {
  /** The ISO 639-2 English name for a 2-letter (639-1) or 3-letter (639-2/B or /T) code. */
  nameOf(code: string): string | undefined;
}

export interface LanguageEntry {
  name: string;
  iso6392B: string;
  iso6392T?: string;
  iso6391?: string;
}

export function languageNames(entries: readonly LanguageEntry[] = iso6392): LanguageNames {
  const byCode = new Map<string, string>();
  for (const e of entries) for (const code of [e.iso6391, e.iso6392B, e.iso6392T]) if (code) byCode.set(code, e.name);
  return { nameOf: (code) => byCode.get(code) };
}
