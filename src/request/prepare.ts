// Step 2 of a request: the documented options object → what goes on the wire. The body and
// query are serialised here, once, so the signature covers exactly the bytes that are sent.
import { ParameterError } from '../errors.js';
import { multipart } from './multipart.js';
import type { Method } from '../typing.js';
import { encodeQuery, expandTemplate, type CompiledTemplate } from './uri.js';

export interface Prepared {
  method: Method;
  /** Path and query relative to the base URL, without a leading slash. */
  url: string;
  /** What the signature covers: the JSON body, or the `meta` JSON of an upload. */
  body: string;
  /** What is sent when it differs from `body` (a multipart upload). */
  payload?: Buffer;
  headers: Record<string, string>;
  baseURL?: string;
}

const OPTION_KEYS = new Set(['json', 'query', 'headers', 'base_uri', 'body', 'xml', 'security', 'nonceless']);

export function prepare(method: Method, compiled: CompiledTemplate, options: unknown): Prepared {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ParameterError('options', 'expected an options object like { json, query, headers, <path parameter> }');
  }
  const opts = options as Record<string, unknown>;
  const unknown = Object.keys(opts).filter((key) => !OPTION_KEYS.has(key) && !compiled.params.includes(key));
  if (unknown.length) throw unknownOption(method, compiled, opts, unknown);
  if (opts.xml !== undefined) throw new ParameterError('xml', 'XML bodies belong to APIv2 endpoints (v2/…); an APIv3 endpoint takes json');

  const query = encodeQuery(opts.query);
  const path = expandTemplate(compiled, opts);
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body = '';
  if (opts.json !== undefined) {
    // DELETE may carry a JSON body: a few endpoints document one.
    if (method === 'get') throw new ParameterError('json', 'a GET request carries no body; put these fields in query');
    body = serialize(opts.json);
    headers['Content-Type'] = 'application/json';
  }
  let payload: Buffer | undefined;
  let uploadType = '';
  if (opts.body !== undefined) {
    if (method === 'get') throw new ParameterError('body', 'a GET request carries no body');
    if (opts.json !== undefined) throw new ParameterError('body', 'give either json or a multipart body, not both');
    const upload = multipart(opts.body);
    body = upload.signed;
    payload = upload.payload;
    uploadType = upload.contentType;
  }
  if (opts.headers !== undefined) {
    if (typeof opts.headers !== 'object' || opts.headers === null) throw new ParameterError('headers', 'expected an object of header names to values');
    for (const [name, value] of Object.entries(opts.headers)) {
      if (isAuthorization(name)) throw new ParameterError(`headers.${name}`, 'the Authorization header is computed by the client');
      if (typeof value !== 'string') throw new ParameterError(`headers.${name}`, 'header values must be strings');
      headers[name] = value;
    }
  }
  // The multipart boundary is ours: a Content-Type given for an upload would not match the body.
  if (payload) {
    for (const name of Object.keys(headers)) if (/^content-type$/i.test(name)) delete headers[name];
    headers['Content-Type'] = uploadType;
  }
  const prepared: Prepared = { method, url: query ? `${path}?${query}` : path, body, headers, ...(payload ? { payload } : {}) };
  if (opts.base_uri !== undefined) {
    if (typeof opts.base_uri !== 'string' || !/^https?:\/\/[^/]+/.test(opts.base_uri)) {
      throw new ParameterError('base_uri', 'expected an absolute http(s) URL such as "https://apihk.mch.weixin.qq.com/"');
    }
    prepared.baseURL = opts.base_uri.endsWith('/') ? opts.base_uri : `${opts.base_uri}/`;
  }
  return prepared;
}

// Any spelling a server or axios would take for Authorization: case, and whitespace or control
// characters around the name (`'Authorization '` would otherwise go out beside the signature).
const AUTHORIZATION = /^[\s\0-\x1f]*authorization[\s\0-\x1f]*$/i;

export function isAuthorization(name: string): boolean {
  return AUTHORIZATION.test(name);
}

/** A call config's own headers may not carry an Authorization either (same check as options.headers). */
export function checkCallHeaders(headers: unknown): void {
  if (typeof headers !== 'object' || headers === null) return;
  const names = typeof (headers as { toJSON?: unknown }).toJSON === 'function' ? Object.keys((headers as { toJSON(): object }).toJSON()) : Object.keys(headers);
  for (const name of names) {
    if (isAuthorization(name)) throw new ParameterError(`config.headers.${name}`, 'the Authorization header is computed by the client');
  }
}

function serialize(json: unknown): string {
  try {
    const text = JSON.stringify(json);
    if (text === undefined) throw new TypeError('not serialisable');
    return text;
  } catch (error) {
    throw new ParameterError('json', `cannot be sent as JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

// The commonest slip is the body's fields passed bare, as in `post({ appid, … })`: say where they go.
function unknownOption(method: Method, compiled: CompiledTemplate, opts: Record<string, unknown>, unknown: string[]): ParameterError {
  const params = compiled.params.length ? `path parameters here: ${compiled.params.join(', ')}` : 'this path has no path parameters';
  const names = `${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''}`;
  let hint = '';
  if (opts.json === undefined && opts.query === undefined && opts.body === undefined) {
    hint = method === 'get' ? ` Put query fields under \`query\`: { query: { ${names} } }.` : ` Put the request body under \`json\`: { json: { ${names} } }.`;
  }
  return new ParameterError(unknown[0]!, `unknown option; expected json, query, headers, base_uri or a path parameter (${params}).${hint}`);
}
