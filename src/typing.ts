// The contract between the generated catalogue (src/generated/) and the hand-written core.
// The generator emits plain data types: `Paths` (URI template -> method -> Operation),
// `Nodes` (every path prefix -> its chain node) and `Root` (the first segments). Everything
// callable is derived here, so the generated files never hold logic.
import type { AxiosRequestConfig, AxiosResponse } from 'axios';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

declare const encodedOf: unique symbol;

/**
 * A string carrying the JSON text of a `T` (a field documented `data-encoded=by-json_encode`).
 * Make one with `jsonEncode(value)` (the structure is type-checked), read one with
 * `jsonDecode(text)` (typed `T`); at run time it is the plain string.
 */
export type Encoded<T> = string & { readonly [encodedOf]: T };

declare const sealedBy: unique symbol;

/**
 * The ciphertext of a sensitive field (RSA-OAEP, base64): what an `Encryptor` returns
 * (`(await wxpay.encryptor()).encrypt(text)`, `await wxpay.encrypt(text)`). A field documented
 * as encrypted takes only this, so a plaintext name or ID number is a compile error; an answer's
 * encrypted field is one too, opened with `wxpay.decrypt(field)`.
 */
export type Sealed = string & { readonly [sealedBy]: 'rsa-oaep' };

/** Options that any call takes besides its documented ones. */
export interface CommonOptions {
  /** Extra request headers, e.g. `Wechatpay-Serial` or `Accept-Language`. */
  headers?: Record<string, string>;
  /** Per-call host, e.g. `https://apihk.mch.weixin.qq.com/` for the Hong Kong host. */
  base_uri?: string;
  /** APIv2: send with the merchant client certificate (mutual TLS). */
  security?: boolean;
  /** APIv2: do not add `nonce_str` to the payload. */
  nonceless?: boolean;
}

/** One documented operation: its options object and its response body. */
export interface Operation<Options extends object = object, Response = unknown> {
  options: Options;
  response: Response;
}

export interface WechatpayResponse<T = unknown> extends AxiosResponse<T> {
  /** True when WeChat Pay's signature over this exact body was checked. */
  verified: boolean;
}

/** Axios request settings for one call (timeouts, signal, agents, …). */
export type CallConfig = Omit<AxiosRequestConfig, 'url' | 'method' | 'data' | 'params' | 'baseURL'>;

type Options<Op extends Operation> = Op['options'] & CommonOptions;

export type Call<Op extends Operation> = {} extends Op['options']
  ? (options?: Options<Op>, config?: CallConfig) => Promise<WechatpayResponse<Op['response']>>
  : (options: Options<Op>, config?: CallConfig) => Promise<WechatpayResponse<Op['response']>>;

/**
 * The verbs of one documented path, each with its `…Async` twin. Both map `Ops` homomorphically
 * (`keyof Ops`, not `keyof Ops & Method`), so an editor's hover over a verb shows the operation's
 * label and `@see` link from the generated `Paths`.
 */
export type Verbs<Ops> = {
  readonly [M in keyof Ops]: Ops[M] extends Operation ? Call<Ops[M]> : never;
} & {
  readonly [M in keyof Ops as M extends Method ? `${M}Async` : never]: Ops[M] extends Operation ? Call<Ops[M]> : never;
};

/** Options of an undocumented call: the documented keys, loosely, and path parameters by name. */
export interface LooseOptions extends CommonOptions {
  json?: unknown;
  query?: Record<string, unknown>;
  xml?: Record<string, unknown>;
  body?: unknown;
  [pathParameter: string]: unknown;
}

export type LooseCall = (options?: LooseOptions, config?: CallConfig) => Promise<WechatpayResponse<unknown>>;

/** A verb that is also the node of a segment named like it (`receivers.delete.post()`). */
export interface LooseVerb extends LooseCall, LooseVerbs {}

export interface LooseVerbs {
  readonly get: LooseVerb;
  readonly post: LooseVerb;
  readonly put: LooseVerb;
  readonly patch: LooseVerb;
  readonly delete: LooseVerb;
  readonly getAsync: LooseCall;
  readonly postAsync: LooseCall;
  readonly putAsync: LooseCall;
  readonly patchAsync: LooseCall;
  readonly deleteAsync: LooseCall;
}

export interface LooseSegments {
  readonly [segment: string]: LooseNode;
}

/** A chain node of an undocumented path: any segment, any verb, untyped. */
export type LooseNode = LooseVerbs & LooseSegments;

type VerbName = Method | `${Method}Async`;

/**
 * The loose view of a documented chain node: its documented segments as named properties (so a
 * consumer's `noUncheckedIndexedAccess` does not make `untyped(wxpay).v3.pay` possibly undefined,
 * as an index signature would), any other segment through the index signature, every verb loose.
 * Filtered homomorphically, so a segment's hover keeps its label and link.
 */
export type LooseOf<Node> = { readonly [K in keyof Node as K extends VerbName ? never : K]: LooseOf<Node[K]> } & LooseNode;
