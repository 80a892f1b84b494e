// Steps 3–5 as axios sees them: one axios instance per client, keep-alive agents, a signing
// request interceptor and a verifying response interceptor. Both are plain axios
// interceptors, so merchants' own interceptors still compose around them.
import axios, { AxiosHeaders, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { assertApiv3Signer, type ResolvedConfig } from '../config.js';
import { ApiError } from '../errors.js';
import { signedRequest, type SignedRequest } from '../hints.js';
import { Answer, createAdapter, target } from './adapter.js';
import { sharedAgents } from './agents.js';
import { flagsOf } from './flags.js';
import { trimDefaults } from './defaults.js';
import { parseRetryAfter } from './retry.js';
import { signOffThread } from './pool.js';
import { pendingAuthorization, rsaSign } from '../signing/sign.js';
import { hasSignature, verifySignature } from '../signing/verify.js';
import { header, signatureHeaders } from './headers.js';

const USER_AGENT = `wxpay-chain/0.1.0 Node/${process.versions.node}`;
const REDACTED = 'WECHATPAY2-SHA256-RSA2048 [redacted]';

/** Calls of one client between entering axios and settling; read to decide where to sign. */
export interface Load {
  inFlight: number;
}

export function createTransport(config: ResolvedConfig, load: Load = { inFlight: 0 }): AxiosInstance {
  // The client-level retry policy is the sender's (src/request/sender.ts), not a per-call axios
  // default; internal flags are never taken from the caller's config.
  const { retry: _retry, wechatpay: _flags, ...given } = config.axios;
  const instance = axios.create({
    adapter: createAdapter(sharedAgents()),
    ...given,
    baseURL: config.baseURL,
    headers: { 'User-Agent': USER_AGENT, ...(given.headers as Record<string, string> | undefined) },
  });
  trimDefaults(instance.defaults, given);
  // Not `synchronous`: with calls waiting, the signature may come back from a worker thread.
  instance.interceptors.request.use((request) => sign(config, load, request));
  instance.interceptors.response.use((response) => verifyAndDecode(config, response));
  return instance;
}

function sign(config: ResolvedConfig, load: Load, request: InternalAxiosRequestConfig): InternalAxiosRequestConfig | Promise<InternalAxiosRequestConfig> {
  assertApiv3Signer(config);
  // Sign what will be on the wire: the path and query node:http will send, as the WHATWG
  // parser would produce them (computed without a parse when the URL is already canonical).
  const body = flagsOf(request)?.signedBody ?? (typeof request.data === 'string' ? request.data : '');
  const pending = pendingAuthorization(config, request.method ?? 'get', target(request).pathAndQuery, body);
  const inline = () => {
    request.headers.set('Authorization', pending.header(rsaSign(pending.message, config.privateKey)));
    return request;
  };
  // One call alone is signed here (a worker round trip would only add latency); with others in
  // flight the main thread has sending and verifying to do, and another core can sign.
  const offThread = load.inFlight > 1 ? signOffThread(config.privateKey, pending.message) : undefined;
  if (!offThread) return inline();
  return offThread.then((signature) => {
    request.headers.set('Authorization', pending.header(signature));
    return request;
  }, inline);
}

type Verified = AxiosResponse & { verified: boolean };

function verifyAndDecode(config: ResolvedConfig, response: AxiosResponse): Verified | Promise<Verified> {
  // A serial the ring does not hold yet may be a rotated certificate: let the ring fetch it once.
  const serial = header(response, 'wechatpay-serial');
  if (serial && config.platformKeys.refreshable && !config.platformKeys.get(serial) && !flagsOf(response.config)?.noRefresh) {
    return config.platformKeys.resolve(serial).then(() => verifyAndDecodeNow(config, response));
  }
  return verifyAndDecodeNow(config, response);
}

function verifyAndDecodeNow(config: ResolvedConfig, response: AxiosResponse): Verified {
  const status = response.status;
  // A SIGN_ERROR is explained by what was signed: read before the Authorization header is redacted.
  const signed = status === 401 ? signedRequestOf(config, response.config) : undefined;
  redact(response);
  const requestId = header(response, 'request-id');
  const raw: string | Buffer = response.data ?? '';
  const signature = signatureHeaders(response);
  const ok = status >= 200 && status < 300;
  const unsigned = flagsOf(response.config)?.unsigned === true && ok;
  let verified = false;
  if (!unsigned && (ok || hasSignature(signature))) {
    verifySignature({ platformKeys: config.platformKeys, maxClockSkew: config.maxClockSkew, status, requestId }, signature, raw);
    verified = true;
  }
  const result = response as Verified;
  result.verified = verified;
  if (!unsigned) result.data = decode(raw);
  if (!ok) throw apiError(status, requestId, verified, result.data, header(response, 'retry-after'), signed);
  return result;
}

function decode(raw: string | Buffer): unknown {
  const text = raw.toString();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function apiError(status: number, requestId: string | undefined, verified: boolean, data: unknown, retryAfter: string | undefined, signed?: SignedRequest): ApiError {
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  return new ApiError({
    status,
    code: typeof body.code === 'string' ? body.code : `HTTP_${status}`,
    message: typeof body.message === 'string' ? body.message : typeof data === 'string' && data ? data.slice(0, 200) : 'no message',
    detail: body.detail,
    requestId,
    verified,
    data,
    ...(retryAfter === undefined ? {} : { retryAfter: parseRetryAfter(retryAfter) }),
    ...(signed ? { signed } : {}),
  });
}

/** The parts of a sent request's signed message (never the signature), from its Authorization header. */
export function signedRequestOf(config: Pick<ResolvedConfig, 'serial' | 'mchid'>, request: InternalAxiosRequestConfig): SignedRequest | undefined {
  const headers = request.headers as (AxiosHeaders & { Authorization?: unknown }) | undefined;
  const authorization = headers?.Authorization ?? headers?.get?.('Authorization');
  if (typeof authorization !== 'string') return undefined;
  const timestamp = /timestamp="(\d+)"/.exec(authorization)?.[1];
  const nonce = /nonce_str="([^"]*)"/.exec(authorization)?.[1];
  // An APIv2-only client signs no APIv3 request, so a request without a serial was not ours to sign.
  if (timestamp === undefined || nonce === undefined || config.serial === undefined) return undefined;
  const body = flagsOf(request)?.signedBody ?? (typeof request.data === 'string' ? request.data : '');
  return signedRequest(request.method ?? 'get', target(request).pathAndQuery, timestamp, nonce, body, config.serial, config.mchid);
}

// The response goes back to the caller, who may log it: the Authorization header is redacted,
// and the socket request and the config are kept out of what gets printed.
function redact(response: AxiosResponse): void {
  const headers = response.config.headers as (AxiosHeaders & { Authorization?: unknown }) | undefined;
  // The signing interceptor stored it under this exact name; the case-insensitive lookup is
  // only needed when a caller supplied the header under another spelling.
  if (headers?.Authorization !== undefined) headers.Authorization = REDACTED;
  else if (headers?.has?.('Authorization')) headers.set('Authorization', REDACTED);
  hideInternals(response);
}

/**
 * The socket request and the config (whose agents reach live sockets holding the raw request
 * head) stay readable on a returned response but out of what gets printed or serialised.
 */
export function hideInternals(response: AxiosResponse): void {
  if (response instanceof Answer) return; // the adapter's own responses already keep them off
  for (const name of ['request', 'config'] as const) {
    Object.defineProperty(response, name, { value: response[name], enumerable: false, configurable: true, writable: true });
  }
}
