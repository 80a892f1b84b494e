// The client's per-call flags on an axios config: set by the SDK, never by a caller (see
// signing/internal.ts). The caller's own additions to axios's settings are in options.ts.
import { internal, isInternal } from '../signing/internal.js';

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
