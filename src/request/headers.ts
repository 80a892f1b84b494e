// Reading an answer's header, shared by the transport, the sender's events and APIv2.
import type { AxiosHeaders, AxiosResponse } from 'axios';
import type { SignatureHeaders } from '../signing/verify.js';

// Node hands header names over lower-cased and AxiosHeaders keeps them so: a property read
// finds them without AxiosHeaders.get's case-insensitive scan of every key.
export function header(response: AxiosResponse | undefined, name: Lowercase<string>): string | undefined {
  const headers = response?.headers as (Record<string, unknown> & Partial<AxiosHeaders>) | undefined;
  const value = headers?.[name] ?? headers?.get?.(name);
  return value === undefined || value === null ? undefined : String(value);
}

/** The `Wechatpay-Timestamp/-Nonce/-Signature/-Serial` of an answer, for `verifySignature`. */
export function signatureHeaders(response: AxiosResponse): SignatureHeaders {
  return {
    timestamp: header(response, 'wechatpay-timestamp'),
    nonce: header(response, 'wechatpay-nonce'),
    signature: header(response, 'wechatpay-signature'),
    serial: header(response, 'wechatpay-serial'),
  };
}
