// What the client's axios instance keeps in `defaults`, and why so little. Axios merges an
// instance's defaults into every call's config key by key (mergeConfig, then a prototype-
// pollution check of each key on dispatch), so every default is paid for on every call. A
// default whose absence means the same thing to axios and to our adapter is therefore removed;
// what the merchant passed to `new Wechatpay()` stays, and anything set on `wxpay.axios.defaults`
// later is merged as axios documents.
import axios, { type AxiosDefaults, type CreateAxiosDefaults } from 'axios';
import { isDeepStrictEqual } from 'node:util';

// The client's own settings, whatever was passed: absent, they mean exactly what the client
// needs. No transforms (the body is serialised and signed by the client, and the answer must
// reach the verifier as the raw text it was signed as); every status resolves (a signed error
// answer is verified, then thrown as an ApiError); the body is text (both adapters' default).
const ALWAYS = ['transformRequest', 'transformResponse', 'validateStatus', 'responseType'] as const;

// Axios's own defaults, removed unless the merchant gave them: no timeout, no size limits, the
// browser's XSRF cookie, the FormData and Blob classes of its body serialisers, and the
// transitional options as shipped (every reader falls back to those when absent; present, they
// are re-validated on every call).
const SHIPPED = ['timeout', 'maxContentLength', 'maxBodyLength', 'xsrfCookieName', 'xsrfHeaderName', 'env', 'transitional'] as const;

export function trimDefaults(defaults: AxiosDefaults, given: CreateAxiosDefaults): void {
  for (const name of ALWAYS) delete (defaults as unknown as Record<string, unknown>)[name];
  dropShippedDefaults(defaults, given);
  const headers = defaults.headers as unknown as Record<string, unknown>;
  // Axios's common Accept and Content-Type never reach the wire: every call sets its own Accept,
  // and Content-Type only with a body.
  const givenHeaders = given.headers as Record<string, unknown> | undefined;
  if (!givenHeaders?.common && isDeepStrictEqual(headers.common, axios.defaults.headers.common)) headers.common = {};
  for (const name of Object.keys(headers)) if (isEmptyPlainObject(headers[name])) lazyBucket(headers, name);
}

/**
 * Removes axios's own defaults the merchant did not give. Also for the APIv2 instance, which keeps
 * its own transforms: axios's shipped `timeout: 0` would otherwise reach the adapter as "no
 * deadline" and its `maxContentLength: -1` as "no bound".
 */
export function dropShippedDefaults(defaults: AxiosDefaults, given: CreateAxiosDefaults): void {
  const own = defaults as unknown as Record<string, unknown>;
  const shipped = axios.defaults as unknown as Record<string, unknown>;
  for (const name of SHIPPED) if (!(name in given) && isDeepStrictEqual(own[name], shipped[name])) delete own[name];
}

/**
 * Axios keeps header buckets in its defaults (`common`, and one per method, twelve of them) and
 * deep-merges every one into every call, though they are almost always empty. An empty bucket
 * becomes a hidden property that turns into a real one when first read or assigned, so
 * `wxpay.axios.defaults.headers.post['X-Y'] = …` still works and is merged from then on.
 */
function lazyBucket(headers: Record<string, unknown>, name: string): void {
  const materialize = (value: unknown) => {
    Object.defineProperty(headers, name, { value, configurable: true, enumerable: true, writable: true });
    return value;
  };
  Object.defineProperty(headers, name, { configurable: true, enumerable: false, get: () => materialize({}), set: materialize });
}

function isEmptyPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}
