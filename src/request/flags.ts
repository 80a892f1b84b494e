// What the request path reads from an axios config beyond axios's own settings: the client's
// per-call flags (set by the SDK, never by a caller: see signing/internal.ts) and the caller's
// deadline and retry settings, which axios carries like any other option.
import { internal, isInternal } from '../signing/internal.js';
import type { RetryOptions } from './retry.js';

/** Per-request flags carried on the axios config; honoured only when the SDK made them. */
export interface WechatpayRequestFlags {
  /** A documented file download: no signature to check, body returned as a Buffer. */
  unsigned?: boolean;
  /** Never ask the keyring's source about an unknown serial (the certificate download itself). */
  noRefresh?: boolean;
  /** What the signature covers when the body sent is not it (a multipart upload signs its meta JSON). */
  signedBody?: string;
  /** Send on a new connection, not a pooled one (the resend after a stale keep-alive socket). */
  freshConnection?: boolean;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Internal: set by the SDK for its own requests; a caller's value is ignored. */
    wechatpay?: WechatpayRequestFlags;
    /** Milliseconds to establish a new connection (default 5000; 0 for none). */
    connectTimeout?: number;
    /** Retries of this call (or, given to `new Wechatpay()`, of every call); `false` for none. */
    retry?: RetryOptions | false;
  }
}

/** The SDK's flags on this request, or none when they came from anywhere else. */
export function flagsOf(config: { wechatpay?: WechatpayRequestFlags }): WechatpayRequestFlags | undefined {
  const flags = config.wechatpay;
  return flags !== undefined && isInternal(flags) ? flags : undefined;
}

/** The same flags, asking for a new connection. */
export function onFreshConnection(flags: WechatpayRequestFlags): WechatpayRequestFlags {
  return internal({ ...flags, freshConnection: true });
}

// The flags of a call without an upload, made once.
const SIGNED = internal<WechatpayRequestFlags>({});
const UNSIGNED = internal<WechatpayRequestFlags>({ unsigned: true });

/** The SDK's flags for a call that sends no multipart body. */
export function sharedFlags(unsigned: boolean): WechatpayRequestFlags {
  return unsigned ? UNSIGNED : SIGNED;
}
