// The endpoint model's schema: the plain, JSON-serialisable data the code generator derives from
// the documentation (codegen/) and writes to src/generated/model.json, which the mock server
// routes, validates and answers from. One definition for both. Bump MODEL_VERSION on any
// incompatible change.

export const MODEL_VERSION = 1 as const;

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const HTTP_METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

export type ScalarType = 'string' | 'integer' | 'number' | 'boolean' | 'object';

/** The shape of one value: a scalar or object, possibly an array of it. */
export interface Shape {
  type: ScalarType;
  /** `T[]` in the docs; `2` for `T[][]`. */
  array?: number;
  required?: boolean;
  /** Literal values (`枚举值` / `枚举值之一` / `固定值`). Strings, or numbers for numeric types. */
  enum?: Array<string | number | boolean>;
  /** A short label (first line of the description, ≤ 60 characters). */
  label?: string;
  /** `data-encoded`: a string carrying a JSON (`by-json_encode`) or urlencoded structure; `children` holds it. */
  encoded?: string;
  /**
   * `list`: the encoded JSON is the single child's value itself (a bare list), not an object
   * holding it; the table's wrapper row names the items (`receivers` → `receiver[]`).
   */
  inner?: 'list';
  /** `data-encrypted`: `by-rsa-pubkey` / `by-aes-gcm` / `by-aes-ecb`; `children` holds the plain structure if documented. */
  encrypted?: string;
  /** `data-signed`, e.g. `by-rsa-privatekey`. */
  signed?: string;
  /** Nested fields (object members, array items' members, or the structure inside an encoded/encrypted string). */
  children?: Field[];
}

export interface Field extends Partial<Shape> {
  name: string;
  /** Same-name alternatives separated by `{colspan=3 .im-table-line}`: the value is one of these shapes. */
  oneOf?: Shape[];
  /** Set on top-level request fields that are URI template parameters. */
  in?: 'path';
  /** The spelling used in the docs when it differs from `name` (misspelled path parameter). */
  docName?: string;
  /**
   * What the documentation's table said before `codegen/overrides.ts` changed this field (the
   * page contradicts itself): the mock accepts what the override allows, and reports a request
   * the table alone would have refused.
   */
  override?: { page: string; required: boolean; enum?: Array<string | number | boolean> };
}

export type RequestKind = 'json' | 'xml' | 'multipart' | 'query' | 'none';
export type ResponseKind = 'json' | 'xml' | 'no-content' | 'file-stream' | 'redirect' | 'undocumented';

export interface Operation {
  method: HttpMethod;
  title: string;
  /** Official documentation links (`参阅 [官方文档](…)`), in document order. */
  links?: string[];
  deprecated?: boolean;
  private?: boolean;
  /** Other notice markers of the page (`redesigned`, `need-accessment`, …). */
  markers?: string[];
  request: { kind: RequestKind; fields: Field[] };
  response: { kind: ResponseKind; fields: Field[] };
}

export interface Endpoint {
  /** URI template, e.g. `v3/marketing/favor/stocks/{stock_id}/pause`. */
  template: string;
  /** Source file, relative to the corpus root. */
  source: string;
  operations: Operation[];
}

export interface Webhook {
  /** Event types keyed in `WebhookEvents` (v3: `event_type` values; v2: the file name). */
  events: string[];
  protocol: 'v2' | 'v3';
  title: string;
  source: string;
  links?: string[];
  deprecated?: boolean;
  private?: boolean;
  /** Other notices on the page, as for an operation (`special`: a reply unlike the others). */
  markers?: string[];
  /** `json` (v3) or `xml` (v2) notification body. */
  kind: 'json' | 'xml';
  /** The notification as documented: top-level `headers` and `body` (their members nested). */
  request: Field[];
  /** The decrypted structure of the encrypted part (`resource.ciphertext` / `req_info`), if documented. */
  resource?: Field[];
  /** The merchant's reply table. */
  reply: Field[];
}

export interface Redirect {
  /** The stub's own template (or webhook name). */
  from: string;
  /** Where it moved to (as written in the stub, URL-decoded). */
  to: string;
  source: string;
}

export interface Model {
  version: typeof MODEL_VERSION;
  endpoints: Endpoint[];
  webhooks: Webhook[];
  redirects: Redirect[];
}

/**
 * The page that documents an APIv3 event. Several pages may declare one event type (the
 * profit-sharing pages also list `TRANSACTION.SUCCESS`): the page named after the event is its
 * own, so a payment notification is built from the payment page, not from whichever sorts first.
 */
export function webhookOf<W extends Pick<Webhook, 'events' | 'protocol' | 'source'>>(webhooks: readonly W[] | undefined, eventType: string): W | undefined {
  const declaring = (webhooks ?? []).filter((w) => w.protocol === 'v3' && w.events.includes(eventType));
  return declaring.find((w) => w.source.endsWith(`/${eventType}.md`)) ?? declaring[0];
}
