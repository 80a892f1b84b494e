// The compile-time side of pagination, from the generated catalogue: which templates page (a GET
// whose query has `offset`, `page_index` or `page_token`), the options a caller still gives, and
// the item type (the element type of the answer's array). The runtime set is derived from the
// same documentation (derive.ts), so the two agree.
import type { Paths } from '../generated/index.js';

type GetOf<K extends keyof Paths> = Paths[K] extends { get: infer G } ? G : never;
type QueryOf<K extends keyof Paths> = GetOf<K> extends { options: { query?: infer Q } } ? NonNullable<Q> : never;
type Cursor = 'offset' | 'page_index' | 'page_token';
type Size = 'limit' | 'page_size' | 'count';

/** URI templates of the documented paged list endpoints. */
export type PagedTemplate = {
  [K in keyof Paths]: K extends `v3/${string}` ? (Extract<keyof QueryOf<K>, Cursor> extends never ? never : K) : never;
}[keyof Paths];

type Response<K extends keyof Paths> = GetOf<K> extends { response: infer R } ? R : never;
type Element<V> = NonNullable<V> extends ReadonlyArray<infer I> ? I : never;

/** The type of one item of a paged endpoint's list (`data`, `plan_list`, …). */
export type PageItem<K extends keyof Paths> = { [F in keyof Response<K>]-?: Element<Response<K>[F]> }[keyof Response<K>];

/** The GET options of a paged endpoint; the cursor and page size are the iterator's to set. */
export type PageOptions<K extends keyof Paths> = Omit<GetOf<K> extends { options: infer O } ? O : never, 'query'> & {
  query?: Partial<Omit<QueryOf<K>, Cursor>> & Partial<Pick<QueryOf<K>, Extract<keyof QueryOf<K>, Size>>>;
};
