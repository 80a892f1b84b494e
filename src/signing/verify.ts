// Step 5 of a request: prove a response (or a notification) came from WeChat Pay.
// The signature covers `TIMESTAMP\nNONCE\nBODY\n` of the exact bytes received.
import { verify as rsaVerify } from 'node:crypto';
import { VerificationError } from '../errors.js';
import type { PlatformKey } from './keys.js';
import { answerMessage, unixTime } from './sign.js';

export interface SignatureHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
  serial?: string;
}

/** WeChat Pay sends signatures starting with this to check that merchants really verify. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';

export interface VerifyContext {
  platformKeys: { get(id: string): PlatformKey | undefined };
  maxClockSkew: number;
  status?: number;
  requestId?: string;
}

export function hasSignature(headers: SignatureHeaders): boolean {
  return Boolean(headers.timestamp || headers.nonce || headers.signature || headers.serial);
}

/** Throws a VerificationError unless the body is signed by a key we trust, recently. */
export function verifySignature(context: VerifyContext, headers: SignatureHeaders, body: string | Buffer): void {
  const { timestamp, nonce, signature, serial } = headers;
  const fail = (code: ConstructorParameters<typeof VerificationError>[0], message: string) =>
    new VerificationError(code, message, context.status, context.requestId, serial || undefined);
  if (!timestamp || !nonce || !signature || !serial) {
    const missing = Object.entries({ timestamp, nonce, signature, serial })
      .filter(([, value]) => !value)
      .map(([name]) => `Wechatpay-${name[0]!.toUpperCase()}${name.slice(1)}`);
    throw fail('MISSING_HEADERS', `response is not signed: missing ${missing.join(', ')}`);
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw fail('BAD_TIMESTAMP', 'Wechatpay-Timestamp is not a unix time in seconds');
  const skew = Math.abs(unixTime() - Number(timestamp));
  if (skew > context.maxClockSkew) {
    throw fail('TIMESTAMP_SKEW', `Wechatpay-Timestamp is ${skew}s away from this machine's clock (limit ${context.maxClockSkew}s)`);
  }
  if (signature.startsWith(SIGNTEST_PREFIX)) {
    throw fail('SIGNTEST_PROBE', 'Wechatpay-Signature is a WECHATPAY/SIGNTEST/ probe: WeChat Pay checks that it is rejected');
  }
  const platform = context.platformKeys.get(serial);
  if (!platform) {
    throw fail('UNKNOWN_SERIAL', `Wechatpay-Serial ${serial} is not among the configured platform certificates or public keys`);
  }
  const message = answerMessage(timestamp, nonce, body);
  let valid = false;
  try {
    valid = rsaVerify('sha256', message, platform.key, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw fail('BAD_SIGNATURE', `Wechatpay-Signature does not match the body under key ${serial}`);
}

