/**
 * A QuestionnaireResponse against the Questionnaire it names (STU3 `questionnaire`, a Reference: contained
 * `#id`, a Bundle entry, or a Questionnaire held in the definitions by canonical URL). Following the
 * element definitions of both resources:
 *
 * - each response item's linkId is an item of the Questionnaire at that place, in the Questionnaire's
 *   order; a group's children nest under `item`, a question's under its `answer`s (qrs-1 says not both);
 * - a non-repeating item appears once, a non-repeating question has at most one answer;
 * - in a completed (or amended) response, every required item whose enableWhen conditions hold is present,
 *   a required question is answered, a required group holds at least one child;
 * - an item whose enableWhen conditions all fail (any one enabling is enough) has no answers;
 * - answers fit the item type (group and display items have none), a choice answer is one of the options
 *   (`option` list, or the `options` value set), a string answer respects maxLength;
 * - a response item's text, when given, is the Questionnaire item's;
 * - the subject is of one of the Questionnaire's subjectTypes, when it declares any.
 */
import { isValueSet, type Resource } from '../model/fhir.js';
import { inExpansion } from '../terminology/binding-rules.js';
import { isObject } from '../util/values.js';
import type { ValidationIssue } from './issues.js';
import { ruleIssue } from './policy.js';
import type { SemanticContext } from './semantic-context.js';
import type { WalkScope } from './slice-navigation.js';
import { matchesPattern } from './slicing.js';
import { answerOf, EnableWhen, type ResponseItem } from './questionnaire-enable-when.js';

/** A Questionnaire item, as far as this check reads it. */
export interface QuestionItem {
  linkId?: string;
  text?: string;
  type?: string;
  required?: boolean;
  repeats?: boolean;
  maxLength?: number;
  enableWhen?: Array<Record<string, unknown>>;
  option?: Array<Record<string, unknown>>;
  options?: { reference?: string };
  item?: QuestionItem[];
}

/** The answer value types (the suffix of `value[x]`) each item type accepts. */
const ANSWER_TYPES: Readonly<Record<string, readonly string[]>> = {
  boolean: ['Boolean'],
  decimal: ['Decimal'],
  integer: ['Integer'],
  date: ['Date'],
  dateTime: ['DateTime'],
  time: ['Time'],
  string: ['String'],
  text: ['String'],
  url: ['Uri'],
  choice: ['Coding'],
  'open-choice': ['Coding', 'String'],
  attachment: ['Attachment'],
  reference: ['Reference'],
  quantity: ['Quantity'],
};

const NO_ANSWERS = new Set(['group', 'display']);
const COMPLETED = new Set(['completed', 'amended']);

export function checkQuestionnaireResponse(qr: Resource, location: string, scope: WalkScope, ctx: SemanticContext): ValidationIssue[] {
  const ref = questionnaireRef(qr.questionnaire);
  if (ref === undefined) return [];
  const questionnaire = resolveQuestionnaire(ref, scope, ctx);
  if (!questionnaire)
    return [ruleIssue('qr-questionnaire-unresolved', `${location}.questionnaire`, `questionnaire '${ref}' cannot be found (not contained, not in the Bundle, not among the definitions): the answers are not checked against it`)];
  const checker = new ResponseChecker(questionnaire, qr, ctx);
  checker.items(asItems(questionnaire.item), asArray(qr.item), location, []);
  return [...subjectTypeIssues(questionnaire, qr, location, scope), ...checker.issues];
}

/** "If the Questionnaire declared a subjectType, the resource pointed to by [subject] must be an instance of one of the listed types." */
function subjectTypeIssues(questionnaire: Resource, qr: Resource, location: string, scope: WalkScope): ValidationIssue[] {
  const types = asArray(questionnaire.subjectType).filter((t): t is string => typeof t === 'string');
  const ref = isObject(qr.subject) && typeof qr.subject.reference === 'string' ? qr.subject.reference : undefined;
  if (types.length === 0 || ref === undefined) return [];
  const resolved = ref.startsWith('#') ? scope.refs.contained.get(ref.slice(1)) : scope.refs.bundle?.byKey.get(ref);
  const type = resolved?.resource.resourceType ?? /(?:^|\/)([A-Z][A-Za-z]+)\/[^/]+(?:\/_history\/[^/]+)?$/.exec(ref)?.[1];
  if (type === undefined || types.includes(type) || types.includes('Resource')) return [];
  return [ruleIssue('qr-subject-type', `${location}.subject.reference`, `the subject is a ${type}; the Questionnaire's subjectType allows ${types.join(' | ')}`)];
}

function questionnaireRef(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return isObject(value) && typeof value.reference === 'string' ? value.reference : undefined;
}

function resolveQuestionnaire(ref: string, scope: WalkScope, ctx: SemanticContext): (Resource & { item?: unknown }) | undefined {
  const found = ref.startsWith('#') ? scope.refs.contained.get(ref.slice(1))?.resource : (scope.refs.bundle?.byKey.get(ref)?.resource ?? ctx.resolver.canonical(ref, 'Questionnaire'));
  return found?.resourceType === 'Questionnaire' ? found : undefined;
}

class ResponseChecker {
  readonly issues: ValidationIssue[] = [];
  private readonly enableWhen: EnableWhen;
  private readonly completed: boolean;
  /** linkId -> where the Questionnaire defines it, for items placed at the wrong level. */
  private readonly definedAt = new Map<string, string>();

  constructor(
    private readonly questionnaire: Resource & { item?: unknown },
    qr: Resource,
    private readonly ctx: SemanticContext,
  ) {
    this.enableWhen = new EnableWhen(asArray(qr.item));
    this.completed = typeof qr.status === 'string' && COMPLETED.has(qr.status);
    const index = (items: QuestionItem[], parent: string) => {
      for (const q of items) {
        if (q.linkId !== undefined && !this.definedAt.has(q.linkId)) this.definedAt.set(q.linkId, parent);
        index(asItems(q.item), q.linkId ?? parent);
      }
    };
    index(asItems(questionnaire.item), 'the top level');
  }

  /** The response items `given` (at `at`.item) against the Questionnaire items `defs` of that level; `path` are the enclosing response items. */
  items(defs: QuestionItem[], given: unknown[], at: string, path: ResponseItem[]): void {
    const byLinkId = new Map(defs.filter((d) => d.linkId !== undefined).map((d, i) => [d.linkId as string, { def: d, order: i }]));
    const seen = new Map<string, number>();
    let lastOrder = -1;
    given.forEach((item, i) => {
      const here = `${at}.item[${i}]`;
      if (!isObject(item)) return;
      const linkId = typeof item.linkId === 'string' ? item.linkId : undefined;
      if (linkId === undefined) return;
      const found = byLinkId.get(linkId);
      if (!found) {
        const elsewhere = this.definedAt.get(linkId);
        if (elsewhere !== undefined) this.issues.push(ruleIssue('qr-nesting', here, `item '${linkId}' is defined under ${elsewhere === 'the top level' ? elsewhere : `item '${elsewhere}'`} of the Questionnaire, not here`));
        else this.issues.push(ruleIssue('qr-item-unknown', here, `item '${linkId}' is not an item of the Questionnaire here`));
        return;
      }
      if (found.order < lastOrder) this.issues.push(ruleIssue('qr-item-order', here, `item '${linkId}' comes after an item the Questionnaire puts after it`));
      lastOrder = Math.max(lastOrder, found.order);
      const count = (seen.get(linkId) ?? 0) + 1;
      seen.set(linkId, count);
      if (count === 2 && !found.def.repeats) this.issues.push(ruleIssue('qr-item-repeats', here, `item '${linkId}' does not repeat, but the response gives it more than once`));
      this.item(found.def, item as ResponseItem, here, path);
    });
    if (!this.completed) return;
    for (const def of defs) {
      if (!def.required || def.linkId === undefined || seen.has(def.linkId)) continue;
      if (this.enableWhen.enabled(def, path)) this.issues.push(ruleIssue('qr-required', at, `required item '${def.linkId}' is missing from this completed response`));
    }
  }

  private item(def: QuestionItem, item: ResponseItem, at: string, path: ResponseItem[]): void {
    const inner = [...path, item];
    const answers = asArray(item.answer);
    const children = asArray(item.item);
    const type = def.type ?? '';
    if (typeof item.text === 'string' && typeof def.text === 'string' && item.text !== def.text)
      this.issues.push(ruleIssue('qr-text-mismatch', `${at}.text`, `text '${item.text}' is not the Questionnaire's text for item '${def.linkId}': '${def.text}'`));
    const enabled = this.enableWhen.enabled(def, path);
    if (!enabled && (answers.length > 0 || children.length > 0)) this.issues.push(ruleIssue('qr-disabled', at, `item '${def.linkId}' is answered, but its enableWhen conditions leave it disabled`));
    if (NO_ANSWERS.has(type)) {
      if (answers.length > 0) this.issues.push(ruleIssue('qr-answer-type', `${at}.answer`, `item '${def.linkId}' is a ${type} item: it takes no answers`));
      if (type === 'display' && children.length > 0) this.issues.push(ruleIssue('qr-nesting', `${at}.item`, `item '${def.linkId}' is a display item: nothing nests under it`));
      if (type === 'group') {
        if (this.completed && enabled && def.required && children.length === 0) this.issues.push(ruleIssue('qr-required', at, `required group '${def.linkId}' holds no items`));
        this.items(asItems(def.item), children, at, inner);
      }
      return;
    }
    if (children.length > 0) this.issues.push(ruleIssue('qr-nesting', `${at}.item`, `item '${def.linkId}' is a question: items nested under it belong under its answers`));
    if (answers.length > 1 && !def.repeats) this.issues.push(ruleIssue('qr-item-repeats', `${at}.answer`, `question '${def.linkId}' does not repeat, but has ${answers.length} answers`));
    if (this.completed && enabled && def.required && !answers.some((a) => isObject(a) && answerOf(a) !== undefined))
      this.issues.push(ruleIssue('qr-required', at, `required question '${def.linkId}' has no answer in this completed response`));
    answers.forEach((answer, j) => {
      const here = `${at}.answer[${j}]`;
      if (!isObject(answer)) return;
      this.answer(def, answer, here);
      this.items(asItems(def.item), asArray(answer.item), here, inner);
    });
  }

  private answer(def: QuestionItem, answer: Record<string, unknown>, at: string): void {
    const value = answerOf(answer);
    if (!value) return;
    const type = def.type ?? '';
    const allowed = allowedTypes(def);
    const where = `${at}.value${value.type}`;
    if (allowed && !allowed.includes(value.type)) {
      this.issues.push(ruleIssue('qr-answer-type', where, `a ${type} item takes ${allowed.map((t) => `value${t}`).join(' or ')}, not value${value.type}`));
      return;
    }
    if (value.type === 'String' && typeof def.maxLength === 'number' && typeof value.value === 'string' && [...value.value].length > def.maxLength)
      this.issues.push(ruleIssue('qr-max-length', where, `answer of ${[...value.value].length} characters is longer than the maxLength ${def.maxLength} of item '${def.linkId}'`));
    if (type === 'choice' || (type === 'open-choice' && value.type !== 'String')) this.option(def, value, where);
  }

  /** A choice answer among the item's options: its `option` values, or the members of its `options` value set. */
  private option(def: QuestionItem, value: { type: string; value: unknown }, at: string): void {
    const options = asArray(def.option).filter(isObject);
    if (options.length > 0) {
      const matches = options.some((o) => {
        const option = answerOf(o);
        return option !== undefined && option.type === value.type && (value.type === 'Coding' ? sameCoding(value.value, option.value) : option.value === value.value);
      });
      if (!matches) this.issues.push(ruleIssue('qr-option', at, `answer ${show(value.value)} is none of the options of item '${def.linkId}'`));
      return;
    }
    const ref = def.options?.reference;
    if (typeof ref !== 'string' || value.type !== 'Coding' || !isObject(value.value)) return;
    const expansion = this.expand(ref);
    if ('unavailable' in expansion) {
      this.issues.push(ruleIssue('binding-unavailable', at, `options of item '${def.linkId}' not checked: ${expansion.unavailable}`));
      return;
    }
    if (!inExpansion(value.value, expansion.expansion)) this.issues.push(ruleIssue('qr-option', at, `answer ${show(value.value)} is not in the options value set ${ref} of item '${def.linkId}'`));
  }

  private expand(ref: string) {
    if (!ref.startsWith('#')) return this.ctx.expander.expand(ref);
    const vs = asArray(this.questionnaire.contained).filter((r): r is Resource => isObject(r)).filter(isValueSet).find((v) => v.id === ref.slice(1));
    const owner = typeof this.questionnaire.url === 'string' ? this.questionnaire.url : `Questionnaire/${this.questionnaire.id ?? ''}`;
    return vs ? this.ctx.expander.expandValueSet(vs, `${owner}${ref}`) : { unavailable: `value set ${ref} is not contained in the Questionnaire` };
  }
}

/** The answer types an item accepts; a choice item also those of its option values (STU3 options may be integers, dates, times, strings). */
function allowedTypes(def: QuestionItem): readonly string[] | undefined {
  const base = def.type !== undefined && Object.hasOwn(ANSWER_TYPES, def.type) ? ANSWER_TYPES[def.type] : undefined;
  if (!base || (def.type !== 'choice' && def.type !== 'open-choice')) return base;
  const fromOptions = asArray(def.option).flatMap((o) => (isObject(o) ? [answerOf(o)?.type] : [])).filter((t): t is string => t !== undefined);
  return [...new Set([...base, ...fromOptions])];
}

/** A Coding answer matches an option Coding on what the option gives (system, code; not display). */
function sameCoding(answer: unknown, option: unknown): boolean {
  if (!isObject(option) || !isObject(answer)) return false;
  const { system, code } = option;
  return matchesPattern(answer, { ...(system !== undefined ? { system } : {}), ...(code !== undefined ? { code } : {}) });
}

function show(value: unknown): string {
  if (isObject(value) && typeof value.code === 'string') return `${typeof value.system === 'string' ? `${value.system}|` : ''}${value.code}`;
  return JSON.stringify(value);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function asItems(v: unknown): QuestionItem[] {
  return asArray(v).filter(isObject) as QuestionItem[];
}
