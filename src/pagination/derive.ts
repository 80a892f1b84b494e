// Which GET endpoints page, and how, read from the runtime endpoint model (src/model-file.ts)
// rather than listed by hand: a query with `offset` (or `page_index`, or `page_token`) and a page
// size, and a response with one array of items.
import type { Field, RuntimeEndpoint } from '../model.js';

export interface Paging {
  template: string;
  style: 'offset' | 'page' | 'token';
  /** The response field holding the page's items. */
  items: string;
  /** The query parameter of the page size (`limit`, `page_size` or `count`). */
  size?: string;
  /** The query parameter that moves: `offset`, `page_index` or `page_token`. */
  cursor: string;
  /** `next_page_token` for the token style. */
  next?: string;
  /** `total_count` or `total_num`, when the answer says how many there are. */
  total?: string;
}

const SIZES = ['limit', 'page_size', 'count'];
const TOTALS = ['total_count', 'total_num'];

export function derivePaging(model: { readonly endpoints: readonly RuntimeEndpoint[] }): Map<string, Paging> {
  const found = new Map<string, Paging>();
  for (const endpoint of model.endpoints) {
    const get = endpoint.operations.find((operation) => operation.method === 'get');
    if (!get || !endpoint.template.startsWith('v3/')) continue;
    const query = new Set((get.request.fields.find((field) => field.name === 'query')?.children ?? []).map((field) => field.name));
    const response = get.response.fields;
    const items = itemsField(response);
    if (!items) continue;
    const names = new Set(response.map((field) => field.name));
    const size = SIZES.find((name) => query.has(name));
    const total = TOTALS.find((name) => names.has(name));
    let paging: Paging | undefined;
    if (query.has('page_token') && names.has('next_page_token')) paging = { template: endpoint.template, style: 'token', items, cursor: 'page_token', next: 'next_page_token' };
    else if (query.has('offset') && size) paging = { template: endpoint.template, style: 'offset', items, cursor: 'offset', size };
    else if (query.has('page_index') && size) paging = { template: endpoint.template, style: 'page', items, cursor: 'page_index', size };
    if (!paging) continue;
    if (size) paging.size = size;
    if (total) paging.total = total;
    found.set(endpoint.template, paging);
  }
  return found;
}

// The one top-level array of the answer (`data`, `plan_list`, …); `data` when there are several.
function itemsField(fields: readonly Field[]): string | undefined {
  const arrays = fields.filter((field) => field.array);
  if (arrays.length === 1) return arrays[0]!.name;
  return arrays.find((field) => field.name === 'data')?.name;
}
