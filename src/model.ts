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
 * The runtime model keeps each event under its own page only, so there the first is the one.
 */
export function webhookOf<W extends Pick<Webhook, 'events' | 'protocol'> & { source?: string }>(webhooks: readonly W[] | undefined, eventType: string): W | undefined {
  const declaring = (webhooks ?? []).filter((w) => w.protocol === 'v3' && w.events.includes(eventType));
  return declaring.find((w) => w.source?.endsWith(`/${eventType}.md`)) ?? declaring[0];
}

/**
 * What the runtime reads (the mock routes, validates and answers from it; pagination derives its
 * paged endpoints from it): the model less what only the typings and people read (labels, titles,
 * links, source files, notes), and APIv3 notifications only (their decrypted resource). The
 * package ships this, not the model: `src/generated/runtime-model.json`, in the compact form below.
 */
export const RUNTIME_MODEL_VERSION = 2 as const;

export type RuntimeOperation = Pick<Operation, 'method' | 'request' | 'response'>;

export interface RuntimeEndpoint {
  template: string;
  operations: RuntimeOperation[];
}

export type RuntimeWebhook = Pick<Webhook, 'events' | 'protocol' | 'resource'>;

export interface RuntimeModel {
  version: typeof RUNTIME_MODEL_VERSION;
  endpoints: RuntimeEndpoint[];
  webhooks: RuntimeWebhook[];
}

/**
 * The file's form: each distinct field once (`[name, type or 0, required 0/1, rest?]`, where
 * `rest` holds the rarer keys and `children` is an index into `lists`), each distinct field list
 * once (indexes into `fields`); endpoints `[template, [[method, request kind, request list,
 * response kind, response list], …]]`, webhooks `[events, resource list or -1]`.
 */
export interface RuntimeModelFile {
  version: typeof RUNTIME_MODEL_VERSION;
  fields: Array<[name: string, type: ScalarType | 0, required: 0 | 1, rest?: EncodedShape]>;
  lists: number[][];
  endpoints: Array<[template: string, operations: Array<[HttpMethod, RequestKind, number, ResponseKind, number]>]>;
  webhooks: Array<[events: string[], resource: number]>;
}

/** A shape or a field's rarer keys as the file holds them: `children` is a list's index. */
export type EncodedShape = Omit<Partial<Field>, 'name' | 'children' | 'oneOf'> & { children?: number; oneOf?: EncodedShape[] };

/**
 * The runtime model from its file. Equal fields and lists come back as one shared, frozen object
 * (the readers never change the model; a write would throw rather than change every endpoint).
 */
export function decodeRuntimeModel(file: RuntimeModelFile): RuntimeModel {
  const fields: Field[] = [];
  const lists: Field[][] = [];
  const list = (i: number): Field[] => {
    let out = lists[i];
    if (!out) {
      const ids = file.lists[i];
      if (!ids) throw new Error(`runtime model: no field list ${i}`);
      lists[i] = out = Object.freeze(ids.map(field)) as Field[];
    }
    return out;
  };
  const expand = (encoded: EncodedShape, into: Partial<Field>): void => {
    const { children, oneOf, ...rest } = encoded;
    Object.assign(into, rest);
    if (children !== undefined) into.children = list(children);
    if (oneOf) {
      into.oneOf = oneOf.map((alternative) => {
        const shape = {} as Shape;
        expand(alternative, shape);
        return Object.freeze(shape);
      });
    }
  };
  function field(i: number): Field {
    let out = fields[i];
    if (!out) {
      const encoded = file.fields[i];
      if (!encoded) throw new Error(`runtime model: no field ${i}`);
      const [name, type, required, rest] = encoded;
      const decoded: Field = { name };
      if (type) decoded.type = type;
      if (required) decoded.required = true;
      if (rest) expand(rest, decoded);
      fields[i] = out = Object.freeze(decoded);
    }
    return out;
  }
  return {
    version: RUNTIME_MODEL_VERSION,
    endpoints: file.endpoints.map(([template, operations]) => ({
      template,
      operations: operations.map(([method, requestKind, request, responseKind, response]) => ({
        method,
        request: { kind: requestKind, fields: list(request) },
        response: { kind: responseKind, fields: list(response) },
      })),
    })),
    webhooks: file.webhooks.map(([events, resource]) => (resource < 0 ? { events, protocol: 'v3' as const } : { events, protocol: 'v3' as const, resource: list(resource) })),
  };
}
