// Every item of a paged list endpoint as one async iterator: `for await (const x of
// wxpay.paginate('v3/…', options))`, or `toArray({ limit })`. Pages are fetched one at a time,
// only as the items are consumed; iteration stops at the end of the list or at `max` items.
// Whatever the server answers, it ends: a page that repeats the previous one, a token seen
// before and a total that is not a number are errors, and so is a list longer than `maxPages`
// pages (or, collected by toArray, than `maxItems` items).
import { ParameterError, WechatpayError } from '../errors.js';
import { readShippedModel } from '../model-file.js';
import type { Method, WechatpayResponse } from '../typing.js';
import { derivePaging, type Paging } from './derive.js';

export type { Paging } from './derive.js';

export interface PaginateSettings {
  /** Items per request (default: the `limit`/`page_size`/`count` given in `query`, else 10). */
  pageSize?: number;
  /** Stop after this many items (default: all of them). */
  max?: number;
  /** Requests after which a list that still goes on is an error (default 1000). */
  maxPages?: number;
  /** Items `toArray()` may hold before a list that still goes on is an error (default 100 000). */
  maxItems?: number;
}

export type PaginationCode =
  /** The server answered a page that repeats the previous one, or a page token seen before. */
  | 'NO_PROGRESS'
  /** An answer that is not a page of this list (a total that is not a number). */
  | 'BAD_PAGE'
  /** The list goes on past `maxPages` requests. */
  | 'TOO_MANY_PAGES'
  /** `toArray()` would hold more than `maxItems` items. */
  | 'TOO_MANY_ITEMS';

/** A list that cannot be read to its end as the settings allow: the items so far are not all of it. */
export class PaginationError extends WechatpayError {
  constructor(
    readonly code: PaginationCode,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_MAX_PAGES = 1000;
const DEFAULT_MAX_ITEMS = 100_000;

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
    const maxPages = settings.maxPages ?? DEFAULT_MAX_PAGES;
    if (!Number.isInteger(maxPages) || maxPages <= 0) throw new ParameterError('maxPages', 'expected a positive whole number of requests');
    let cursor: string | number = paging.style === 'token' ? ((query[paging.cursor] as string | undefined) ?? '') : Number(query[paging.cursor] ?? (paging.style === 'page' ? 1 : 0));
    const tokens = new Set<string>([String(cursor)]);
    let previous: string | undefined;
    let yielded = 0;
    while (yielded < max) {
      if (this.requests >= maxPages) {
        throw new PaginationError('TOO_MANY_PAGES', `${paging.template} goes on past maxPages (${maxPages}) requests; pass a larger { maxPages } to paginate() to read further`);
      }
      if (paging.size) query[paging.size] = size;
      if (paging.style !== 'token' || cursor !== '') query[paging.cursor] = cursor;
      this.requests++;
      const { data } = await this.send('get', paging.template, { ...this.options, query });
      const body = (data ?? {}) as Record<string, unknown>;
      const items = Array.isArray(body[paging.items]) ? (body[paging.items] as T[]) : [];
      this.total = paging.total !== undefined ? totalOf(paging, body[paging.total]) : undefined;
      // A full page identical to the one before: the server is not moving through the list.
      const seenPage = items.length ? JSON.stringify(items) : undefined;
      if (seenPage !== undefined && seenPage === previous) {
        throw new PaginationError('NO_PROGRESS', `${paging.template} answered the same page again for ${paging.cursor}=${String(cursor)}: the list does not advance`);
      }
      previous = seenPage;
      for (const item of items) {
        if (yielded >= max) return;
        yielded++;
        yield item;
      }
      if (items.length === 0) return;
      if (paging.style === 'token') {
        const next = body[paging.next!];
        if (typeof next !== 'string' || next === '' || next === cursor) return;
        if (tokens.has(next)) throw new PaginationError('NO_PROGRESS', `${paging.template} answered a ${paging.next} seen before: the list cycles`);
        tokens.add(next);
        cursor = next;
        continue;
      }
      const seen = paging.style === 'offset' ? (cursor as number) + items.length : (cursor as number) * size;
      if (items.length < size || (this.total !== undefined && seen >= this.total)) return;
      cursor = paging.style === 'offset' ? (cursor as number) + items.length : (cursor as number) + 1;
    }
  }

  /**
   * Every item, or the first `limit` (which also caps the requests made). Without a finite
   * `limit`, a list longer than `maxItems` (100 000) is an error rather than a heap that grows with it.
   */
  async toArray(options: { limit?: number } = {}): Promise<T[]> {
    const limit = Math.min(options.limit ?? Infinity, this.settings.max ?? Infinity);
    const bound = this.settings.maxItems ?? DEFAULT_MAX_ITEMS;
    if (!Number.isInteger(bound) || bound <= 0) throw new ParameterError('maxItems', 'expected a positive whole number of items');
    const items: T[] = [];
    if (limit <= 0) return items;
    // Iterated here, so `requests` and `total` tell what this call did; pages are fetched as
    // consumed, so stopping at `limit` makes no further request.
    for await (const item of this) {
      if (items.length >= bound && !Number.isFinite(limit)) {
        throw new PaginationError('TOO_MANY_ITEMS', `${this.paging.template} has more than maxItems (${bound}) items; iterate with for await, give toArray({ limit }), or pass a larger { maxItems } to paginate()`);
      }
      items.push(item);
      if (items.length >= limit) break;
    }
    return items;
  }
}

// The announced total, when the answer has one; anything but a whole number is not a page of this list.
function totalOf(paging: Paging, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const total = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new PaginationError('BAD_PAGE', `${paging.template} answered ${paging.total} = ${JSON.stringify(value).slice(0, 40)}, not a count`);
  }
  return total;
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
