// The axios adapter every call goes through. Axios stays the transport (its config, headers,
// interceptors and errors are what callers see), but its default Node adapter costs more CPU
// per call than the RSA signature itself: follow-redirects wrapping every request, proxy and
// environment lookups, stream plumbing for a few hundred bytes, a socket setKeepAlive call per
// request. This adapter writes the request straight to node:http(s) over a keep-alive agent
// and hands anything it does not do itself to axios's own http adapter, unchanged.
import axios, {
  AxiosError,
  AxiosHeaders,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { request as httpRequest, type Agent as HttpAgent, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ANSWER_TOO_LARGE, BAD_ENCODING, CONNECT_TIMEOUT } from './codes.js';
import { armsConnectTimeout } from './agents.js';
import { flagsOf } from './flags.js';
import { CALL_TIMEOUT_MS, CONNECT_TIMEOUT_MS, MAX_ANSWER_BYTES, MAX_FILE_BYTES } from './limits.js';

/** Where a request goes, and the `PATH?QUERY` that is both signed and sent. */
export interface Target {
  https: boolean;
  hostname: string;
  port: string;
  pathAndQuery: string;
}

interface Base {
  https: boolean;
  hostname: string;
  port: string;
  /** Pathname without its trailing slashes. */
  prefix: string;
}

const bases = new Map<string, Base | null>();

function parseBase(baseURL: string): Base | null {
  let base = bases.get(baseURL);
  if (base === undefined) {
    base = null;
    try {
      const url = new URL(baseURL);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash && !url.username && !url.password) {
        base = { https: url.protocol === 'https:', hostname: url.hostname, port: url.port, prefix: url.pathname.replace(/\/+$/, '') };
      }
    } catch {
      base = null;
    }
    if (bases.size > 64) bases.clear();
    bases.set(baseURL, base);
  }
  return base;
}

// A relative URL made only of characters the WHATWG parser leaves alone in a path or query, with
// no dot segment: `base path + '/' + url` is then exactly what new URL() would produce, and the
// per-call URL parse can be skipped.
const VERBATIM = /^[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/;
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e)/i;

/** The target of a config as axios would compute it (buildFullPath + params + WHATWG URL). */
export function target(config: InternalAxiosRequestConfig): Target {
  const url = config.url ?? '';
  if (config.baseURL && config.params === undefined && url.charCodeAt(0) !== 47 && VERBATIM.test(url) && !DOT_SEGMENT.test(url)) {
    const base = parseBase(config.baseURL);
    if (base) return { https: base.https, hostname: base.hostname, port: base.port, pathAndQuery: `${base.prefix}/${url}` };
  }
  const parsed = new URL(axios.getUri(config));
  return {
    https: parsed.protocol === 'https:',
    hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port,
    pathAndQuery: parsed.pathname + parsed.search,
  };
}

const PROXY_ENV = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'].some((name) => process.env[name]);
// Settings this adapter leaves to axios's http adapter, which implements them.
const DELEGATED = ['socketPath', 'transport', 'lookup', 'family', 'auth', 'insecureHTTPParser', 'onUploadProgress', 'onDownloadProgress', 'httpVersion', 'http2Options', 'beforeRedirect', 'maxRate'] as const;

function delegated(config: InternalAxiosRequestConfig): boolean {
  if (config.proxy !== false && (config.proxy !== undefined || PROXY_ENV)) return true;
  if (config.maxRedirects !== undefined && config.maxRedirects > 0) return true;
  if (config.responseType !== undefined && config.responseType !== 'text' && config.responseType !== 'arraybuffer') return true;
  if (config.data !== undefined && config.data !== null && typeof config.data !== 'string' && !Buffer.isBuffer(config.data)) return true;
  const settings = config as unknown as Record<string, unknown>;
  for (const name of DELEGATED) if (settings[name] !== undefined) return true;
  return false;
}

export function createAdapter(agents: { http: HttpAgent; https: HttpsAgent }): AxiosAdapter {
  const fallback = axios.getAdapter('http');
  return (config) => (delegated(config) ? delegate(fallback, withTransport(config, agents)) : send(config, agents));
}

// The instance's defaults do not carry these (src/defaults.ts): axios's adapter gets the same
// keep-alive agents this one uses, the same decoded-size bound, and no redirects (WeChat Pay
// does not redirect API calls, and a redirected request would carry a signature over the wrong
// path), unless the call says otherwise.
function withTransport(config: InternalAxiosRequestConfig, agents: { http: HttpAgent; https: HttpsAgent }): InternalAxiosRequestConfig {
  config.httpAgent ??= agents.http;
  config.httpsAgent ??= agents.https;
  config.maxRedirects ??= 0;
  // axios counts maxContentLength in decoded bytes, chunk by chunk, and stops at the bound.
  config.maxContentLength = answerLimit(config) === Infinity ? -1 : answerLimit(config);
  return config;
}

// axios's own `timeout` is socket idle time; the whole-call deadline is laid over it as an abort.
function delegate(fallback: AxiosAdapter, config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  const deadline = config.timeout ?? CALL_TIMEOUT_MS;
  if (!(deadline > 0)) return fallback(config);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadline);
  const given = config.signal as AbortSignal | undefined;
  config.signal = given ? AbortSignal.any([given, controller.signal]) : controller.signal;
  config.timeout = deadline;
  // The caller's own signal goes back afterwards: axios re-checks `config.signal` once the adapter
  // settles, and would turn the deadline into a cancellation.
  const settle = () => {
    clearTimeout(timer);
    config.signal = given;
  };
  return fallback(config).then(
    (response) => {
      settle();
      return response;
    },
    (error: unknown) => {
      settle();
      throw controller.signal.aborted && !given?.aborted ? timeoutError(config, undefined, deadline) : error;
    },
  );
}

function send(config: InternalAxiosRequestConfig, agents: { http: HttpAgent; https: HttpsAgent }): Promise<AxiosResponse> {
  return new Promise((resolve, reject) => {
    const signal = config.signal as AbortSignal | undefined;
    if (signal?.aborted || config.cancelToken?.reason) {
      reject(config.cancelToken?.reason ?? new CanceledError(undefined, config));
      return;
    }
    const to = target(config);
    const body = config.data === undefined || config.data === null ? undefined : (config.data as string | Buffer);
    const headers = (config.headers as AxiosHeaders).toJSON(true) as Record<string, string>;
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    const method = (config.method ?? 'get').toUpperCase();
    const agent = to.https ? (config.httpsAgent ?? agents.https) : (config.httpAgent ?? agents.http);
    const options: RequestOptions = { hostname: to.hostname, port: to.port || undefined, path: to.pathAndQuery, method, headers, agent };
    let req: ClientRequest;
    let done = false;
    let answered = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const finish = (error: unknown, response?: AxiosResponse) => {
      if (done) return;
      done = true;
      if (deadlineTimer) clearTimeout(deadlineTimer);
      if (connectTimer) clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
      unsubscribe?.();
      if (error) reject(error);
      else resolve(response!);
    };
    const fail = (error: AxiosError) => {
      req.destroy();
      finish(error);
    };
    const onAbort = () => fail(new CanceledError(undefined, config, req));
    signal?.addEventListener('abort', onAbort);
    let unsubscribe: (() => void) | undefined;
    if (config.cancelToken) {
      const listener = (reason: unknown) => {
        req.destroy();
        finish(reason ?? new CanceledError(undefined, config, req));
      };
      config.cancelToken.subscribe(listener);
      unsubscribe = () => config.cancelToken?.unsubscribe(listener);
    }
    // `timeout` is the whole call: a server that drips its answer cannot stretch it.
    const deadline = config.timeout ?? CALL_TIMEOUT_MS;
    const deadlineTimer = deadline > 0 ? setTimeout(() => fail(timeoutError(config, req, deadline)), deadline) : undefined;
    const connectTimeout = config.connectTimeout ?? CONNECT_TIMEOUT_MS;

    // Our agents arm the connect timeout once per new connection; any other agent (or a
    // connection of its own) gets it armed here, per request.
    const fresh = flagsOf(config)?.freshConnection === true;
    const ownTimer = !fresh && armsConnectTimeout(agent);
    if (ownTimer && connectTimeout > 0) (options as RequestOptions & { connectTimeout: number }).connectTimeout = connectTimeout;
    req = (to.https ? httpsRequest : httpRequest)(fresh ? freshConnection(options, agent) : options);
    if (!ownTimer && connectTimeout > 0) {
      req.once('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => fail(connectError(config, req, connectTimeout)), connectTimeout);
        socket.once('connect', () => clearTimeout(connectTimer));
      });
    }
    // A pooled socket: what it had sent before this request, to tell afterwards whether any byte
    // of this one left. ('socket' is emitted before the request is flushed to it.)
    let sentBefore: number | undefined;
    req.once('socket', (socket) => {
      if (!req.reusedSocket) return;
      sentBefore = socket.bytesWritten;
      // The server's close was read before this request was written: it never leaves.
      if (socket.destroyed || !socket.writable || socket.readableEnded) req.destroy(Object.assign(new Error('the pooled socket was closed by the server before the request was written'), { code: 'ECONNRESET' }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const failure = AxiosError.from(error, undefined, config, req);
      // A kept-alive socket that died before any byte of this request was handed to it: the
      // request provably never left, and the sender may send it again on a new connection. A
      // socket that failed after the request was written proves nothing (the server may have
      // read and acted on it): that failure is the retry policy's, like any other.
      if (!answered && sentBefore !== undefined && STALE_SOCKET.has(error.code ?? '') && req.socket?.bytesWritten === sentBefore) unsentFailures.add(failure);
      finish(failure);
    });
    req.on('response', (res: IncomingMessage) => {
      answered = true;
      receive(config, req, res, method, finish);
    });
    req.end(body);
  });
}

// Error codes of a socket closed under a request before any answer.
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE']);
const unsentFailures = new WeakSet<object>();

/** Whether `error` is a request that died on a reused keep-alive socket before any byte of it was written. */
export function isUnsentFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && unsentFailures.has(error);
}

/** The same request options, on a connection of its own (the agent's TLS settings kept). */
function freshConnection(options: RequestOptions, agent: HttpAgent | HttpsAgent): RequestOptions {
  const agentOptions = (agent as unknown as { options?: Record<string, unknown> }).options ?? {};
  const { keepAlive: _keepAlive, path: _path, timeout: _timeout, ...tls } = agentOptions;
  return { ...tls, ...options, agent: false };
}

function timeoutError(config: InternalAxiosRequestConfig, req: ClientRequest | undefined, ms: number): AxiosError {
  const clarify = config.transitional?.clarifyTimeoutError;
  return new AxiosError(config.timeoutErrorMessage ?? `timeout of ${ms}ms exceeded`, clarify ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED, config, req);
}

function connectError(config: InternalAxiosRequestConfig, req: ClientRequest, ms: number): AxiosError {
  return new AxiosError(`connect timeout of ${ms}ms exceeded`, CONNECT_TIMEOUT, config, req);
}

/** The decoded-size bound of a call: its own `maxContentLength`, else the default for its kind. */
export function answerLimit(config: InternalAxiosRequestConfig): number {
  const given = config.maxContentLength;
  if (given !== undefined && given > -1) return given;
  if (given === -1) return Infinity;
  return config.responseType === 'arraybuffer' ? MAX_FILE_BYTES : MAX_ANSWER_BYTES;
}

function receive(
  config: InternalAxiosRequestConfig,
  req: ClientRequest,
  res: IncomingMessage,
  method: string,
  finish: (error: unknown, response?: AxiosResponse) => void,
): void {
  const abort = (error: AxiosError) => {
    res.destroy();
    req.destroy();
    finish(error);
  };
  let stream: Readable = res;
  const coding = res.headers['content-encoding']?.trim().toLowerCase();
  if (coding && coding !== 'identity' && config.decompress !== false && res.statusCode !== 204 && method !== 'HEAD') {
    const decoder = accepted(config, coding) ? DECODERS[coding]?.() : undefined;
    if (!decoder) {
      abort(new AxiosError(`the answer is ${coding}-encoded, which this call did not ask for (Accept-Encoding)`, BAD_ENCODING, config, req));
      return;
    }
    // Decoded in chunks as the bytes arrive, so the size bound below stops a compression bomb
    // after `limit` bytes instead of after inflating all of it on the event loop.
    stream = decoder;
    res.on('error', (error) => abort(AxiosError.from(error, undefined, config, req)));
    decoder.on('error', (error) => abort(new AxiosError(`the ${coding} answer does not decode: ${error.message}`, BAD_ENCODING, config, req)));
    res.pipe(decoder);
  }
  const limit = answerLimit(config);
  const chunks: Buffer[] = [];
  let length = 0;
  stream.on('data', (chunk: Buffer) => {
    length += chunk.length;
    if (length > limit) {
      stream.destroy();
      abort(new AxiosError(`the answer is over maxContentLength (${limit} bytes once decoded)`, ANSWER_TOO_LARGE, config, req));
      return;
    }
    chunks.push(chunk);
  });
  stream.on('error', (error) => abort(AxiosError.from(error, undefined, config, req)));
  stream.on('end', () => {
    // Whatever goes wrong here becomes the call's rejection: a throw in this listener would be
    // outside any promise and end the process.
    try {
      finish(undefined, answer(config, req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)));
    } catch (error) {
      finish(error instanceof AxiosError ? error : AxiosError.from(error as Error, AxiosError.ERR_BAD_RESPONSE, config, req));
    }
  });
}

function answer(config: InternalAxiosRequestConfig, req: ClientRequest, res: IncomingMessage, raw: Buffer): AxiosResponse {
  const responseHeaders = Object.assign(new ReceivedHeaders(), res.headers);
  const response = new Answer(
    config.responseType === 'arraybuffer' ? raw : raw.toString((config.responseEncoding as BufferEncoding | undefined) ?? 'utf8'),
    res.statusCode ?? 0,
    res.statusMessage ?? '',
    responseHeaders,
    config,
    req,
  );
  const status = response.status;
  const validate = config.validateStatus;
  if (!status || !validate || validate(status)) return response;
  const code = status >= 400 && status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
  throw new AxiosError(`Request failed with status code ${status}`, code, config, req, response);
}

const DECODERS: Record<string, (() => Transform) | undefined> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
};

/** Whether the call's own Accept-Encoding lists `coding` (the client asks for none by default). */
function accepted(config: InternalAxiosRequestConfig, coding: string): boolean {
  const value = (config.headers as AxiosHeaders | undefined)?.get?.('accept-encoding');
  if (typeof value !== 'string') return false;
  return value.split(',').some((item) => {
    const [name, ...params] = item.split(';').map((part) => part.trim().toLowerCase());
    return (name === coding || name === '*') && !params.some((param) => /^q=0(?:\.0*)?$/.test(param));
  });
}

/**
 * Response headers as Node's parser delivered them: names lower-case and trimmed, values free of
 * the control characters and outer whitespace that `normalize()` strips (the parser refuses or
 * trims them), each name once. Axios normalizes response headers on every call (one regex per
 * value, a case-insensitive scan per name); for these that changes nothing, so it is skipped.
 * Normalizing with `format` (which renames the headers) still does what axios does.
 */
export class ReceivedHeaders extends AxiosHeaders {
  override normalize(format: boolean): AxiosHeaders {
    return format ? super.normalize(format) : this;
  }
}

/**
 * An axios response whose socket request and config (agents reaching live sockets, the raw
 * request head) are readable but not own properties, so logging or serialising a response does
 * not print them. Accessors on the prototype cost nothing per call, where redefining two own
 * properties as non-enumerable put every response object into slow dictionary mode.
 */
export class Answer implements AxiosResponse {
  #config: InternalAxiosRequestConfig;
  #request: ClientRequest;
  constructor(
    public data: unknown,
    public status: number,
    public statusText: string,
    public headers: AxiosHeaders,
    config: InternalAxiosRequestConfig,
    request: ClientRequest,
  ) {
    this.#config = config;
    this.#request = request;
  }
  get config(): InternalAxiosRequestConfig {
    return this.#config;
  }
  set config(value: InternalAxiosRequestConfig) {
    this.#config = value;
  }
  get request(): ClientRequest {
    return this.#request;
  }
  set request(value: ClientRequest) {
    this.#request = value;
  }
}
