// Every item of a paged list endpoint as one async iterator: `for await (const x of
// wxpay.paginate('v3/…', options))`, or `toArray({ limit })`. Pages are fetched one at a time,
// only as the items are consumed; iteration stops at the end of the list or at `max` items.
import { ParameterError } from '../errors.js';
import { readShippedModel } from '../model-file.js';
import type { Method, WechatpayResponse } from '../typing.js';
import { derivePaging, type Paging } from './derive.js';

export type { Paging } from './derive.js';

export interface PaginateSettings {
  /** Items per request (default: the `limit`/`page_size`/`count` given in `query`, else 10). */
  pageSize?: number;
  /** Stop after this many items (default: all of them). */
  max?: number;
}

type Send = (method: Method, template: string, options: object) => Promise<WechatpayResponse<unknown>>;

/** The items of a paged endpoint: iterate, or collect with `toArray`. */
export class Pages<T> implements AsyncIterable<T> {
  /** Requests made so far. */
  requests = 0;
  /** The total the last answer announced, when it carries one. */
  total: number | undefined;
  constructor(
    readonly paging: Paging,
    readonly send: Send,
    readonly options: Record<string, unknown>,
    readonly settings: PaginateSettings,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const { paging, settings } = this;
    const query = { ...((this.options.query as Record<string, unknown> | undefined) ?? {}) };
    const size = settings.pageSize ?? (paging.size && typeof query[paging.size] === 'number' ? (query[paging.size] as number) : 10);
    if (!Number.isInteger(size) || size <= 0) throw new ParameterError('pageSize', 'expected a positive whole number of items per request');
    const max = settings.max ?? Infinity;
    if (!(max >= 0)) throw new ParameterError('max', 'expected a number of items (0 or more)');
    let cursor: string | number = paging.style === 'token' ? ((query[paging.cursor] as string | undefined) ?? '') : Number(query[paging.cursor] ?? (paging.style === 'page' ? 1 : 0));
    let yielded = 0;
    while (yielded < max) {
      if (paging.size) query[paging.size] = size;
      if (paging.style !== 'token' || cursor !== '') query[paging.cursor] = cursor;
      this.requests++;
      const { data } = await this.send('get', paging.template, { ...this.options, query });
      const body = (data ?? {}) as Record<string, unknown>;
      const items = Array.isArray(body[paging.items]) ? (body[paging.items] as T[]) : [];
      const total = paging.total !== undefined ? Number(body[paging.total]) : NaN;
      this.total = Number.isFinite(total) ? total : undefined;
      for (const item of items) {
        if (yielded >= max) return;
        yielded++;
        yield item;
      }
      if (items.length === 0) return;
      if (paging.style === 'token') {
        const next = body[paging.next!];
        if (typeof next !== 'string' || next === '' || next === cursor) return;
        cursor = next;
        continue;
      }
      const seen = paging.style === 'offset' ? (cursor as number) + items.length : (cursor as number) * size;
      if (items.length < size || (this.total !== undefined && seen >= this.total)) return;
      cursor = paging.style === 'offset' ? (cursor as number) + items.length : (cursor as number) + 1;
    }
  }

  /** Every item, or the first `limit` (which also caps the requests made). */
  async toArray(options: { limit?: number } = {}): Promise<T[]> {
    const limit = Math.min(options.limit ?? Infinity, this.settings.max ?? Infinity);
    const items: T[] = [];
    if (limit <= 0) return items;
    // Iterated here, so `requests` and `total` tell what this call did; pages are fetched as
    // consumed, so stopping at `limit` makes no further request.
    for await (const item of this) {
      items.push(item);
      if (items.length >= limit) break;
    }
    return items;
  }
}

let derived: Map<string, Paging> | undefined;

/** The paged endpoints, derived once from the shipped endpoint model. */
export function pagedEndpoints(): ReadonlyMap<string, Paging> {
  return (derived ??= derivePaging(readShippedModel()));
}

export function paginate<T>(send: Send, template: string, options: object | undefined, settings: PaginateSettings = {}): Pages<T> {
  const paging = pagedEndpoints().get(template);
  if (!paging) {
    throw new ParameterError('template', `${template} is not a paged list endpoint (no offset/page_index/page_token query with a list answer in the documentation)`);
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new ParameterError('options', 'expected the options object of the GET call');
  return new Pages<T>(paging, send, { ...(options ?? {}) } as Record<string, unknown>, settings);
}
