/** A stage context over hl7.fhir.r3.core (read from ../shared) plus given resources, for stage tests. */
import type { StageContext } from '../../scripts/context.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../../scripts/diagnostics/source-map.js';
import type { Resource } from '../../scripts/model/fhir.js';
import { LayeredResolver, ResourceIndex } from '../../scripts/resolve/resolver.js';
import { coreIndex } from './shared.js';

export const canonical = 'https://fhir.nhs.uk/STU3';

export function coreContext(project: Resource[] = []): StageContext & { project: ResourceIndex } {
  const projectIndex = new ResourceIndex(project);
  return {
    project: projectIndex,
    resolver: new LayeredResolver([projectIndex, coreIndex()], canonical),
    diagnostics: new Diagnostics(),
    sources: new SourceMap(),
  };
}
