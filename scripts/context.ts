/** What every stage receives besides its input: the resolver, the diagnostics collector, and where nodes came from. */
import type { Diagnostics } from './diagnostics/diagnostics.js';
import type { SourceMap } from './diagnostics/source-map.js';
import type { DefinitionResolver } from './resolve/resolver.js';

export interface StageContext {
  resolver: DefinitionResolver;
  diagnostics: Diagnostics;
  sources: SourceMap;
}
