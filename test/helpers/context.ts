/** A stage context over hl7.fhir.r3.core (read from ../shared) plus given resources, for stage tests. */
import type { StageContext } from '../../scripts/context.js';
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import { SourceMap } from '../../scripts/diagnostics/source-map.js';
import type { ElementDefinition, Resource, StructureDefinition } from '../../scripts/model/fhir.js';
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

/** A profile of `type` (an Extension is a complex type) under this canonical, given by its differential; based on the core type unless `base` says otherwise. */
export function differentialProfile(id: string, type: string, elements: ElementDefinition[], base = `http://hl7.org/fhir/StructureDefinition/${type}`): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    id,
    url: `${canonical}/StructureDefinition/${id}`,
    name: id,
    status: 'draft',
    kind: type === 'Extension' ? 'complex-type' : 'resource',
    abstract: false,
    type,
    baseDefinition: base,
    derivation: 'constraint',
    differential: { element: elements },
  };
}

/** The snapshot element of this id (an error naming the ids there are when it is missing). */
export function snapshotElement(sd: StructureDefinition | undefined, id: string): ElementDefinition {
  const found = sd?.snapshot?.element.find((e) => e.id === id);
  if (!found) throw new Error(`no element ${id} in ${(sd?.snapshot?.element ?? []).map((e) => e.id).join(', ')}`);
  return found;
}
