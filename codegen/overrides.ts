// Where the documentation contradicts itself, the typings follow how the API behaves. Each entry
// names its document and the contradiction, so a reviewer can check it against the page; the
// generator applies them after parsing, reports each in its summary (`override` diagnostics), and
// fails when an entry no longer matches the page (the docs were fixed, or moved: remove or update
// it). Entries are plain data: a field path, and a move or a change of flags.
import type { Diagnostic, Field, HttpMethod, Model } from './model.js';

/**
 * A field path: a root, then field names joined by `/`. Roots: `request` / `response` (an
 * endpoint's operation), `envelope` (a notification's documented headers + body) and
 * `resource` (its decrypted structure).
 */
export type FieldPath = string;

export type Edit =
  /** Move the field to the children of another field (or to a root). */
  | { move: FieldPath; to: FieldPath }
  /** Change the field's flags. */
  | { set: FieldPath; required?: boolean; enum?: Array<string | number>; drop?: 'enum' };

export interface Override {
  /** The corpus file, relative to its root. */
  source: string;
  /** For a page with several methods. */
  method?: HttpMethod;
  /** What the page says, and what contradicts it. */
  contradiction: string;
  edits: Edit[];
}

const EITHER =
  'the request table marks every order identifier required, while the linked official page documents them as ' +
  'alternatives (any one identifies the order): a call with one of them is what the API takes';

export const OVERRIDES: readonly Override[] = [
  {
    source: 'openapi/v2/pay/orderquery.md',
    contradiction: `transaction_id and out_trade_no: ${EITHER}`,
    edits: [{ set: 'request/xml/transaction_id', required: false }, { set: 'request/xml/out_trade_no', required: false }],
  },
  {
    source: 'openapi/v2/secapi/pay/refund.md',
    contradiction: `transaction_id and out_trade_no: ${EITHER}`,
    edits: [{ set: 'request/xml/transaction_id', required: false }, { set: 'request/xml/out_trade_no', required: false }],
  },
  {
    source: 'openapi/v2/pay/refundquery.md',
    contradiction: `transaction_id, out_trade_no, out_refund_no and refund_id: ${EITHER}`,
    edits: ['transaction_id', 'out_trade_no', 'out_refund_no', 'refund_id'].map((name) => ({ set: `request/xml/${name}`, required: false })),
  },
  {
    source: 'webhook/v3/RECHARGE.CLOSED.md',
    contradiction:
      'the rows `employee_type` (indent 3) and `openid` (indent 4) follow the empty `qr_recharge_info` object, and the last row ' +
      '`available_recharge_channels` has no indent at all; RECHARGE.SUCCESS documents the same resource with both under ' +
      '`qr_recharge_info` and the list in the resource, which is how the notification arrives',
    edits: [
      { move: 'resource/employee_type', to: 'resource/qr_recharge_info' },
      { move: 'resource/openid', to: 'resource/qr_recharge_info' },
      { move: 'envelope/available_recharge_channels', to: 'resource' },
    ],
  },
];

type Target = { lists: Record<string, Field[] | undefined> };

function targets(model: Model, o: Override): Target[] {
  const out: Target[] = [];
  for (const e of model.endpoints) {
    if (e.source !== o.source) continue;
    for (const op of e.operations) if (!o.method || op.method === o.method) out.push({ lists: { request: op.request.fields, response: op.response.fields } });
  }
  for (const w of model.webhooks) {
    if (w.source !== o.source) continue;
    w.resource ??= [];
    out.push({ lists: { envelope: w.request, resource: w.resource } });
  }
  return out;
}

/** The list holding the field a path names, and its index there (-1 when absent). */
function locate(t: Target, path: FieldPath): { list: Field[]; index: number } | string {
  const [root, ...names] = path.split('/');
  let list = t.lists[root!];
  if (!list) return `no "${root}" here`;
  for (let i = 0; i < names.length - 1; i++) {
    const f: Field | undefined = list.find((x) => x.name === names[i]);
    if (!f) return `no field "${names.slice(0, i + 1).join('/')}"`;
    list = f.children ??= [];
  }
  return { list, index: names.length ? list.findIndex((x) => x.name === names.at(-1)) : -1 };
}

function childrenOf(t: Target, path: FieldPath): Field[] | string {
  if (!path.includes('/')) return t.lists[path] ?? `no "${path}" here`;
  const at = locate(t, path);
  if (typeof at === 'string') return at;
  const f = at.list[at.index];
  if (!f) return `no field "${path}"`;
  if (f.type !== 'object') return `"${path}" is not an object`;
  return (f.children ??= []);
}

function applyEdit(t: Target, edit: Edit, page: string): string | undefined {
  if ('move' in edit) {
    const from = locate(t, edit.move);
    if (typeof from === 'string') return from;
    if (from.index < 0) return `no field "${edit.move}"`;
    const into = childrenOf(t, edit.to);
    if (typeof into === 'string') return into;
    const [field] = from.list.splice(from.index, 1);
    into.push(field!);
    return undefined;
  }
  const at = locate(t, edit.set);
  if (typeof at === 'string') return at;
  const f = at.list[at.index];
  if (!f) return `no field "${edit.set}"`;
  f.override ??= { page, required: Boolean(f.required), ...(f.enum ? { enum: [...f.enum] } : {}) };
  if (edit.required !== undefined) {
    if (edit.required) f.required = true;
    else delete f.required;
  }
  if (edit.enum) f.enum = [...edit.enum];
  if (edit.drop === 'enum') delete f.enum;
  return undefined;
}

/** Apply every override in place; one `override` diagnostic per entry. Throws when an entry no longer applies. */
export function applyOverrides(model: Model, overrides: readonly Override[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const o of overrides) {
    const ts = targets(model, o);
    const problems = ts.length ? ts.flatMap((t) => o.edits.map((e) => applyEdit(t, e, o.source)).filter((p): p is string => Boolean(p))) : ['the page is not in the corpus'];
    if (problems.length) throw new Error(`codegen/overrides.ts: the entry for ${o.source} no longer applies (${problems.join('; ')}): check the page and update or remove it`);
    diagnostics.push({ file: o.source, line: 1, reason: 'override', severity: 'repaired', detail: `${o.edits.length} edit(s): ${o.contradiction}` });
  }
  return diagnostics;
}
