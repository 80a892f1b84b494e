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
import { request as httpRequest, type Agent as HttpAgent, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

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
  return (config) => (delegated(config) ? fallback(withTransport(config, agents)) : send(config, agents));
}

// The instance's defaults do not carry these (src/defaults.ts): axios's adapter gets the same
// keep-alive agents this one uses, and no redirects (WeChat Pay does not redirect API calls, and
// a redirected request would carry a signature over the wrong path), unless the call says otherwise.
function withTransport(config: InternalAxiosRequestConfig, agents: { http: HttpAgent; https: HttpsAgent }): InternalAxiosRequestConfig {
  config.httpAgent ??= agents.http;
  config.httpsAgent ??= agents.https;
  config.maxRedirects ??= 0;
  return config;
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
    const req: ClientRequest = (to.https ? httpsRequest : httpRequest)({
      hostname: to.hostname,
      port: to.port || undefined,
      path: to.pathAndQuery,
      method: (config.method ?? 'get').toUpperCase(),
      headers,
      agent: to.https ? (config.httpsAgent ?? agents.https) : (config.httpAgent ?? agents.http),
    });
    let done = false;
    const finish = (error: unknown, response?: AxiosResponse) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      unsubscribe?.();
      if (error) reject(error);
      else resolve(response!);
    };
    const onAbort = () => {
      req.destroy();
      finish(new CanceledError(undefined, config, req));
    };
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
    if (config.timeout) {
      req.setTimeout(config.timeout, () => {
        req.destroy();
        const clarify = config.transitional?.clarifyTimeoutError;
        finish(
          new AxiosError(
            config.timeoutErrorMessage ?? `timeout of ${config.timeout}ms exceeded`,
            clarify ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
            config,
            req,
          ),
        );
      });
    }
    req.on('error', (error) => finish(AxiosError.from(error, undefined, config, req)));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let length = 0;
      const limit = config.maxContentLength ?? -1;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (limit > -1 && length > limit) {
          res.destroy();
          req.destroy();
          finish(new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, req));
        }
      });
      res.on('error', (error) => finish(AxiosError.from(error, undefined, config, req)));
      res.on('end', () => {
        let raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
        try {
          raw = decompress(config, res, raw);
        } catch (error) {
          finish(AxiosError.from(error as Error, AxiosError.ERR_BAD_RESPONSE, config, req));
          return;
        }
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
        if (!status || !validate || validate(status)) finish(undefined, response);
        else {
          const code = status >= 400 && status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
          finish(new AxiosError(`Request failed with status code ${status}`, code, config, req, response));
        }
      });
    });
    req.end(body);
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

function decompress(config: InternalAxiosRequestConfig, res: IncomingMessage, raw: Buffer): Buffer {
  const encoding = res.headers['content-encoding'];
  if (!encoding || config.decompress === false || raw.length === 0 || res.statusCode === 204) return raw;
  switch (encoding.toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(raw);
    case 'deflate':
      return inflateSync(raw);
    case 'br':
      return brotliDecompressSync(raw);
    default:
      return raw;
  }
}
