// What the request path needs from the endpoint model at run time; emit.ts writes them beside
// the typings as src/generated/request-tables.ts, small enough to load with the client
// (model.json is 3 MB and only the mock and the paginator read it).
import type { Field, Model } from './model.js';
import { cmp } from './corpus.js';

// A request field is the merchant's own request number when it is one of the merchant's `out_…`
// fields and the documentation labels it a bill/request/serial number (单号, 流水号, 指令编号):
// WeChat Pay answers a repeated number with the first request's outcome instead of acting twice,
// so a call carrying one may be resent.
const REQUEST_NUMBER_NAME = /^out_[a-z_]+$/;
const REQUEST_NUMBER_LABEL = /单号|流水号|指令编号/;

export function isRequestNumber(field: Pick<Field, 'name' | 'label'>): boolean {
  return REQUEST_NUMBER_NAME.test(field.name) && REQUEST_NUMBER_LABEL.test(field.label ?? '');
}

/** `METHOD template` → where the merchant's own request number travels (`json.out_trade_no`, `path.out_refund_no`, …). */
export function idempotencyTable(model: Pick<Model, 'endpoints'>): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const endpoint of [...model.endpoints].sort((a, b) => cmp(a.template, b.template))) {
    for (const operation of endpoint.operations) {
      if (operation.method === 'get') continue;
      const found = new Set<string>();
      for (const field of operation.request.fields) {
        if (field.in === 'path' && isRequestNumber(field)) found.add(`path.${field.name}`);
        if (field.name === 'json' || field.name === 'xml' || field.name === 'query') {
          for (const child of field.children ?? []) if (isRequestNumber(child)) found.add(`${field.name}.${child.name}`);
        }
      }
      if (found.size) table[`${operation.method.toUpperCase()} ${endpoint.template}`] = [...found].sort();
    }
  }
  return table;
}

/** APIv2 `METHOD template`s whose documented XML answer carries no `sign`. */
export function unsignedV2Answers(model: Pick<Model, 'endpoints'>): string[] {
  const list: string[] = [];
  for (const endpoint of model.endpoints) {
    if (!endpoint.template.startsWith('v2/')) continue;
    for (const operation of endpoint.operations) {
      if (operation.response.kind !== 'xml') continue;
      if (!operation.response.fields.some((field) => field.name === 'sign')) list.push(`${operation.method.toUpperCase()} ${endpoint.template}`);
    }
  }
  return list.sort(cmp);
}
