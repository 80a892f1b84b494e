// Notification resources whose tables do not describe what arrives, fixed on the model (the mock
// builds its notifications from it too):
// * a resource that is one `original_data` object with alternatives is the doc's way of listing
//   scenarios: the decrypted JSON is the object itself, so the alternatives are merged into it;
// * a resource documented as the same object as an API answer (the payment notification is the
//   order-query answer) is merged with that answer, so fields the table lost (`amount.total`)
//   come back and scenario-only fields (`sp_mchid`, `receiver`, `trade_scene`) become optional.
// In both, a merged field is required only when every scenario has it.
import type { Diagnostic, Field, Model, Shape } from './model.js';

/** Notification page → the API answers that describe the same object (method + template). */
export const SAME_AS_ANSWER: Readonly<Record<string, ReadonlyArray<readonly ['get', string]>>> = {
  // the payment notification: its resource is the order (the order-query answer, direct or partner)
  'webhook/v3/TRANSACTION.SUCCESS.md': [
    ['get', 'v3/pay/transactions/id/{transaction_id}'],
    ['get', 'v3/pay/partner/transactions/id/{transaction_id}'],
  ],
};

const WRAPPER = 'original_data';

function mergeShape(first: Field, all: Field[], children: Field[] | undefined): Field {
  const out: Field = { ...first };
  const enums = all.map((f) => f.enum);
  if (enums.every(Boolean)) out.enum = [...new Set(enums.flatMap((e) => e!))];
  else delete out.enum;
  if (children) out.children = children;
  return out;
}

/** Alternatives of one scenario table → one object: a field is required when every alternative requires it. */
export function mergeScenarios(lists: Field[][]): Field[] {
  const names = [...new Set(lists.flatMap((l) => l.map((f) => f.name)))];
  return names.map((name) => {
    const present = lists.map((l) => l.find((f) => f.name === name)).filter((f): f is Field => Boolean(f));
    const nested = present.filter((f) => f.children?.length).map((f) => f.children!);
    const merged = mergeShape(present[0]!, present, nested.length ? mergeScenarios(nested) : undefined);
    merged.required = present.length === lists.length && present.every((f) => f.required);
    if (!merged.required) delete merged.required;
    return merged;
  });
}

/**
 * A notification table merged with the API answers of the same object. A field the table has is
 * required when the table says so and every answer has it; a field only the answers have is
 * required when nested in an object both describe and every answer requires it.
 */
export function mergeWithAnswers(table: Field[], answers: Field[][], nested = false): Field[] {
  const names = [...new Set([...table.map((f) => f.name), ...answers.flatMap((a) => a.map((f) => f.name))])];
  return names.map((name) => {
    const own = table.find((f) => f.name === name);
    const theirs = answers.map((a) => a.find((f) => f.name === name));
    const known = theirs.filter((f): f is Field => Boolean(f));
    const inAll = known.length === answers.length;
    const required = own ? Boolean(own.required) && inAll : nested && inAll && known.every((f) => f.required);
    const present = [...known, ...(own ? [own] : [])];
    // the answer's shape first: API answers are the better documented of the two
    const first = known[0] ?? own!;
    let children: Field[] | undefined;
    if (present.some((f) => f.children?.length)) {
      children = mergeWithAnswers(own?.children ?? [], known.map((f) => f.children ?? []), true);
    }
    const merged = mergeShape(first, present, children);
    if (required) merged.required = true;
    else delete merged.required;
    if (!merged.label && own?.label) merged.label = own.label;
    return merged;
  });
}

function isWrapper(resource: Field[]): boolean {
  const only = resource.length === 1 ? resource[0]! : undefined;
  return Boolean(only && only.name === WRAPPER && only.oneOf?.every((s: Shape) => s.type === 'object' && s.children?.length));
}

/** Apply both repairs to the model in place; one diagnostic per webhook changed. */
export function reconcileWebhooks(model: Model): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const w of model.webhooks) {
    if (w.resource && isWrapper(w.resource)) {
      const alternatives = w.resource[0]!.oneOf!.map((s) => s.children!);
      w.resource = mergeScenarios(alternatives);
      diagnostics.push({ file: w.source, line: 1, reason: 'resource-scenarios-merged', severity: 'repaired', detail: `${WRAPPER} with ${alternatives.length} alternatives is the decrypted object itself: merged, fields required only in every scenario` });
    }
    const refs = SAME_AS_ANSWER[w.source];
    if (refs && w.resource) {
      const answers = refs.map(([method, template]) => {
        const op = model.endpoints.find((e) => e.template === template)?.operations.find((o) => o.method === method);
        if (!op) throw new Error(`codegen/reconcile.ts: ${w.source} is mapped to ${method.toUpperCase()} ${template}, which the corpus does not document`);
        return op.response.fields;
      });
      w.resource = mergeWithAnswers(w.resource, answers);
      diagnostics.push({ file: w.source, line: 1, reason: 'resource-reconciled', severity: 'repaired', detail: `merged with the answer of ${refs.map(([m, t]) => `${m.toUpperCase()} ${t}`).join(' and ')}` });
    }
  }
  return diagnostics;
}
