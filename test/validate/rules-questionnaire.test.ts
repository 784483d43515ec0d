/**
 * A QuestionnaireResponse against its Questionnaire (questionnaireresponse.html; the element definitions of
 * Questionnaire.item and QuestionnaireResponse.item): linkIds, order and nesting, repeats, required items in
 * a completed response, enableWhen, answer types, options, maxLength, text. The Questionnaire is the
 * fixture `intake`, found by canonical URL among the definitions, contained, or in the Bundle.
 */
import { readFileSync } from 'node:fs';
import { EX, findings } from './rules-setup.js';

const intake = JSON.parse(readFileSync(new URL('./fixtures/rules/Questionnaire-intake.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const colours = `${EX}CodeSystem/colours`;
type Item = Record<string, unknown>;

const answers = {
  name: { linkId: 'name', text: 'Your name', answer: [{ valueString: 'Ann' }] },
  smoker: { linkId: 'smoker', answer: [{ valueBoolean: true }] },
  cigarettes: { linkId: 'cigarettes', answer: [{ valueInteger: 5 }] },
  colour: { linkId: 'colour', answer: [{ valueCoding: { system: colours, code: 'red' } }] },
  pet: { linkId: 'pet', answer: [{ valueString: 'hamster' }] },
  size: { linkId: 'size', answer: [{ valueInteger: 2 }] },
  history: { linkId: 'history', item: [{ linkId: 'condition', answer: [{ valueString: 'asthma' }, { valueString: 'eczema' }] }] },
  allergy: { linkId: 'allergy', answer: [{ valueBoolean: true, item: [{ linkId: 'allergy-detail', answer: [{ valueString: 'nuts' }] }] }] },
};
const all = (): Item[] => structuredClone(Object.values(answers));

function response(items: Item[], status = 'completed', questionnaire: object = { reference: `${EX}Questionnaire/intake` }) {
  return { resourceType: 'QuestionnaireResponse', questionnaire, status, item: items };
}
const replace = (linkId: string, item: Item | undefined): Item[] => all().flatMap((i) => (i.linkId === linkId ? (item ? [item] : []) : [i]));

test('valid: every item answered as the Questionnaire defines it', () => {
  expect(findings(response(all()))).toEqual([]);
});

describe('required items (in a completed response)', () => {
  test('a missing required question is an error at the level it belongs to', () => {
    expect(findings(response(replace('name', undefined)))).toEqual(['error qr-required QuestionnaireResponse']);
  });
  test('a response in progress may leave it out', () => {
    expect(findings(response(replace('name', undefined), 'in-progress'))).toEqual([]);
  });
  test('a required question present without an answer', () => {
    expect(findings(response(replace('name', { linkId: 'name' })))).toEqual(['error qr-required QuestionnaireResponse.item[0]']);
  });
  test('a required group holds at least one item', () => {
    expect(findings(response(replace('history', { linkId: 'history', item: [] })))).toEqual(['error qr-required QuestionnaireResponse.item[6]']);
  });
});

describe('enableWhen', () => {
  test('an enabled required question (smoker = true) must be answered', () => {
    expect(findings(response(replace('cigarettes', undefined)))).toEqual(['error qr-required QuestionnaireResponse']);
  });
  test('a disabled one (smoker = false) is not required, and must not be answered', () => {
    const notSmoking = (cigarettes: Item | undefined) => [answers.name, { linkId: 'smoker', answer: [{ valueBoolean: false }] }, ...(cigarettes ? [cigarettes] : []), answers.history];
    expect(findings(response(notSmoking(undefined)))).toEqual([]);
    expect(findings(response(notSmoking(answers.cigarettes)))).toEqual(['error qr-disabled QuestionnaireResponse.item[2]']);
  });
});

describe('answers fit the item', () => {
  test('type: a string item takes valueString', () => {
    expect(findings(response(replace('name', { linkId: 'name', answer: [{ valueInteger: 1 }] })))).toEqual(['error qr-answer-type QuestionnaireResponse.item[0].answer[0].valueInteger']);
  });
  test('maxLength', () => {
    expect(findings(response(replace('name', { linkId: 'name', answer: [{ valueString: 'A name of 21 letters.' }] })))).toEqual(['error qr-max-length QuestionnaireResponse.item[0].answer[0].valueString']);
  });
  test('a non-repeating question has one answer; a repeating one may have several', () => {
    expect(findings(response(replace('name', { linkId: 'name', answer: [{ valueString: 'Ann' }, { valueString: 'Bea' }] })))).toEqual(['error qr-item-repeats QuestionnaireResponse.item[0].answer']);
  });
  test('choice: a Coding among the options; an integer option list', () => {
    expect(findings(response(replace('colour', { linkId: 'colour', answer: [{ valueCoding: { system: colours, code: 'dark-green' } }] })))).toEqual([
      'error qr-option QuestionnaireResponse.item[3].answer[0].valueCoding',
    ]);
    expect(findings(response(replace('size', { linkId: 'size', answer: [{ valueInteger: 4 }] })))).toEqual(['error qr-option QuestionnaireResponse.item[5].answer[0].valueInteger']);
  });
  test('open-choice: free text, or a Coding from the options value set (contained in the Questionnaire)', () => {
    const pet = (code: string) => replace('pet', { linkId: 'pet', answer: [{ valueCoding: { system: `${EX}CodeSystem/pets`, code } }] });
    expect(findings(response(pet('cat')))).toEqual([]);
    expect(findings(response(pet('fish')))).toEqual(['error qr-option QuestionnaireResponse.item[4].answer[0].valueCoding']);
  });
  test('a group takes no answers; a display item neither', () => {
    // An item with both answers and items also breaks qrs-1.
    expect(findings(response(replace('history', { ...answers.history, answer: [{ valueString: 'x' }] })))).toEqual([
      'error qr-answer-type QuestionnaireResponse.item[6].answer',
      'error qrs-1 QuestionnaireResponse.item[6]',
    ]);
    expect(findings(response([...all(), { linkId: 'note', answer: [{ valueString: 'x' }] }]))).toEqual(['error qr-answer-type QuestionnaireResponse.item[8].answer']);
  });
});

describe('structure: linkIds, nesting, order, repeats', () => {
  test('a linkId the Questionnaire does not have', () => {
    expect(findings(response([...all(), { linkId: 'shoe', answer: [{ valueString: 'x' }] }]))).toEqual(['error qr-item-unknown QuestionnaireResponse.item[8]']);
  });
  test("a group's child at the top level", () => {
    expect(findings(response([...all(), { linkId: 'since', answer: [{ valueDate: '2001' }] }]))).toEqual(['error qr-nesting QuestionnaireResponse.item[8]']);
  });
  test("a question's child under item rather than under its answer", () => {
    const allergy = { linkId: 'allergy', answer: [{ valueBoolean: true }], item: [{ linkId: 'allergy-detail', answer: [{ valueString: 'nuts' }] }] };
    expect(findings(response(replace('allergy', allergy)))).toEqual(['error qr-nesting QuestionnaireResponse.item[7].item', 'error qrs-1 QuestionnaireResponse.item[7]']);
  });
  test('items in another order than the Questionnaire', () => {
    const items = all();
    [items[0], items[1]] = [items[1], items[0]];
    expect(findings(response(items))).toEqual(['error qr-item-order QuestionnaireResponse.item[1]']);
  });
  test('a non-repeating group given twice', () => {
    expect(findings(response([...all().slice(0, 7), structuredClone(answers.history), answers.allergy]))).toEqual(['error qr-item-repeats QuestionnaireResponse.item[7]']);
  });
  test("the subject is of the Questionnaire's subjectType (Patient)", () => {
    expect(findings({ ...response(all()), subject: { reference: 'Patient/1' } })).toEqual([]);
    expect(findings({ ...response(all()), subject: { reference: 'Group/1' } })).toEqual(['error qr-subject-type QuestionnaireResponse.subject.reference']);
  });
  test("text that is not the Questionnaire's is a warning", () => {
    expect(findings(response(replace('name', { ...answers.name, text: 'Name' })))).toEqual(['warning qr-text-mismatch QuestionnaireResponse.item[0].text']);
  });
});

describe('finding the Questionnaire', () => {
  test('contained in the response', () => {
    // Without its own contained value set (a contained resource holds no contained resources, dom-2), so without the options that point at it (ref-1).
    const items = (intake.item as Item[]).map((i) => (i.linkId === 'pet' ? { ...i, options: undefined } : i));
    const contained = { ...intake, id: 'q', url: undefined, contained: undefined, item: items };
    const qr = { ...response(replace('name', undefined), 'completed', { reference: '#q' }), contained: [contained] };
    expect(findings(qr)).toEqual(['error qr-required QuestionnaireResponse']);
  });
  test('in the Bundle', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:8f0e5a34-5f5b-4a53-9d38-2d1f2ab0c001', resource: { ...intake, id: 'q1', url: 'http://example.org/elsewhere' } },
        { fullUrl: 'urn:uuid:8f0e5a34-5f5b-4a53-9d38-2d1f2ab0c002', resource: response(replace('name', undefined), 'completed', { reference: 'urn:uuid:8f0e5a34-5f5b-4a53-9d38-2d1f2ab0c001' }) },
      ],
    };
    expect(findings(bundle)).toEqual(['error qr-required Bundle.entry[1].resource']);
  });
  test('not found: a warning, and nothing checked against it', () => {
    expect(findings(response([{ linkId: 'anything' }], 'completed', { reference: 'http://example.org/missing' }))).toEqual(['warning qr-questionnaire-unresolved QuestionnaireResponse.questionnaire']);
  });
});

describe('a malformed Questionnaire or response never throws', () => {
  test('prototype names as types and resource types, objects where arrays belong', () => {
    const odd = { ...intake, url: undefined, id: 'odd', contained: undefined, item: [{ linkId: 'a', type: 'constructor', enableWhen: { question: 'b' }, option: 'x', item: 'y' }] };
    const qr = { ...response([{ linkId: 'a', answer: [{ valueString: 'x' }] }], 'completed', { reference: '#odd' }), contained: [odd] };
    expect(() => findings(qr)).not.toThrow();
    const nested = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'constructor' } }, { resource: { resourceType: 'toString' } }] };
    expect(() => findings(nested)).not.toThrow();
  });
});
