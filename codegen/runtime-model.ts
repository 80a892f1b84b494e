// Model -> src/generated/runtime-model.json: what the shipped runtime reads (its form and reader
// are in src/model.ts). Deterministic: fields and lists are numbered in first-use order over the
// endpoints (sorted by template) and then the APIv3 webhooks (in model order).
import type { EncodedShape, Field, Model, RuntimeModelFile } from './model.js';
import { RUNTIME_MODEL_VERSION, webhookOf } from './model.js';
import { cmp } from './corpus.js';

/** The keys the runtime reads; labels, notes and spellings stay in model.json for the typings and people. */
const RUNTIME_KEYS = ['array', 'enum', 'encoded', 'inner', 'encrypted', 'in', 'override'] as const satisfies ReadonlyArray<keyof Field>;

export function runtimeModelJson(model: Model): string {
  const fieldIds = new Map<string, number>();
  const listIds = new Map<string, number>();
  const file: RuntimeModelFile = { version: RUNTIME_MODEL_VERSION, fields: [], lists: [], endpoints: [], webhooks: [] };

  const list = (fields: readonly Field[]): number => {
    const ids = fields.map(field);
    const key = ids.join(',');
    let id = listIds.get(key);
    if (id === undefined) {
      listIds.set(key, (id = file.lists.length));
      file.lists.push(ids);
    }
    return id;
  };
  const rest = (s: Partial<Field>): EncodedShape => {
    const out: Record<string, unknown> = {};
    for (const k of RUNTIME_KEYS) if (s[k] !== undefined) out[k] = s[k];
    if (s.children) out.children = list(s.children);
    if (s.oneOf) out.oneOf = s.oneOf.map((alt) => ({ ...(alt.type ? { type: alt.type } : {}), ...(alt.required ? { required: true } : {}), ...rest(alt) }));
    return out as EncodedShape;
  };
  function field(f: Field): number {
    const r = rest(f);
    const encoded = (Object.keys(r).length ? [f.name, f.type ?? 0, f.required ? 1 : 0, r] : [f.name, f.type ?? 0, f.required ? 1 : 0]) as RuntimeModelFile['fields'][number];
    const key = JSON.stringify(encoded);
    let id = fieldIds.get(key);
    if (id === undefined) {
      fieldIds.set(key, (id = file.fields.length));
      file.fields.push(encoded);
    }
    return id;
  }

  for (const e of [...model.endpoints].sort((a, b) => cmp(a.template, b.template))) {
    file.endpoints.push([e.template, e.operations.map((op) => [op.method, op.request.kind, list(op.request.fields), op.response.kind, list(op.response.fields)])]);
  }
  // Each event under its own page only (webhookOf): the profit-sharing pages also list TRANSACTION.SUCCESS.
  for (const w of model.webhooks) {
    if (w.protocol !== 'v3') continue;
    const events = w.events.filter((event) => webhookOf(model.webhooks, event) === w);
    if (events.length) file.webhooks.push([events, w.resource ? list(w.resource) : -1]);
  }

  const lines = (xs: unknown[]) => (xs.length ? `[\n${xs.map((x) => JSON.stringify(x)).join(',\n')}\n]` : '[]');
  return `{"version":${file.version},\n"fields":${lines(file.fields)},\n"lists":${lines(file.lists)},\n"endpoints":${lines(file.endpoints)},\n"webhooks":${lines(file.webhooks)}\n}\n`;
}
