// Whether sending a call twice is harmless: a GET, a read-only APIv2 query, or a write carrying
// the number it creates (an order's out_trade_no, a refund's out_refund_no, …), which WeChat Pay
// answers with the first request's outcome instead of acting again. Which fields those are comes
// from the endpoint model, by the rules and the reviewed exceptions in codegen/request-tables.ts
// (src/generated/request-tables.ts); a call the model cannot prove idempotent is never resent.
import type { Method } from '../typing.js';
import { IDEMPOTENCY_FIELDS } from '../generated/request-tables.js';

export function isIdempotentCall(method: Method, template: string, options: unknown): boolean {
  if (method === 'get') return true;
  const fields = IDEMPOTENCY_FIELDS[`${method.toUpperCase()} ${template}`];
  if (!fields) return false;
  if (fields.length === 0) return true;
  if (typeof options !== 'object' || options === null) return false;
  const given = options as Record<string, unknown>;
  for (const location of fields) {
    const dot = location.indexOf('.');
    const where = location.slice(0, dot);
    const name = location.slice(dot + 1);
    const holder = where === 'path' ? given : given[where];
    const value = typeof holder === 'object' && holder !== null ? (holder as Record<string, unknown>)[name] : undefined;
    if ((typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))) return true;
  }
  return false;
}

/** Every request-number field name the model documents, sorted. */
export function requestNumberFields(): string[] {
  const names = new Set<string>();
  for (const fields of Object.values(IDEMPOTENCY_FIELDS)) for (const location of fields) names.add(location.slice(location.indexOf('.') + 1));
  return [...names].sort();
}
