/**
 * Rules of a resource type as a whole, run once per resource after its walk against its profiles: a table
 * by resource type, so further whole-resource rules are one entry each.
 */
import type { Resource } from '../model/fhir.js';
import { checkBundleEntries } from './bundle-entries.js';
import type { ValidationIssue } from './issues.js';
import { checkQuestionnaireResponse } from './questionnaire-response.js';
import type { SemanticContext } from './semantic-context.js';
import type { WalkScope } from './slice-navigation.js';

export type ResourceRule = (resource: Resource, location: string, scope: WalkScope, ctx: SemanticContext) => ValidationIssue[];

/** By resource type (a Map: a payload's resourceType is data, never an object key). */
export const RESOURCE_RULES: ReadonlyMap<string, ResourceRule> = new Map<string, ResourceRule>([
  ['QuestionnaireResponse', checkQuestionnaireResponse],
  ['Bundle', (bundle, location, _scope, ctx) => checkBundleEntries(bundle, location, ctx)],
]);
