// The answers WeChat Pay documents for a notification: 2XX (204, or 200 with reply fields for
// the events that define them) when it was handled, `{ code: 'FAIL', message }` with 4XX/5XX
// when it should be sent again. Replies that must be signed carry the merchant's signature
// headers over the reply body, the same scheme WeChat Pay uses for its own answers.
import type { KeyObject } from 'node:crypto';
import { DecryptionError } from '../crypto/errors.js';
import { StoreError } from '../bounded/store-call.js';
import { VerificationError, type WechatpayError } from '../errors.js';
import { signatureHeaders } from '../signing/sign.js';
import { WebhookError } from './errors.js';

export interface WebhookReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ReplySigner {
  /** Merchant API certificate serial. */
  serial: string;
  privateKey: KeyObject;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Handled. With fields (e.g. `retention_type` for ENTRUST.TERMINATE_RETENTION), a 200 JSON reply. */
export function success(fields?: Readonly<Record<string, unknown>>): WebhookReply {
  if (!fields) return { status: 204, headers: {}, body: '' };
  return { status: 200, headers: { ...JSON_TYPE }, body: JSON.stringify({ code: 'SUCCESS', ...fields }) };
}

/** Not handled: WeChat Pay sends the notification again later. */
export function fail(message = 'FAIL', status = 500): WebhookReply {
  if (status < 400 || status > 599) throw new RangeError('a failure reply needs a 4XX or 5XX status, so WeChat Pay retries');
  return { status, headers: { ...JSON_TYPE }, body: JSON.stringify({ code: 'FAIL', message }) };
}

/** The reply with `Wechatpay-Timestamp/-Nonce/-Signature/-Serial` over its body, signed by the merchant. */
export function signed(reply: WebhookReply, signer: ReplySigner): WebhookReply {
  return { ...reply, headers: { ...reply.headers, ...signatureHeaders(signer.serial, signer.privateKey, reply.body) } };
}

/** The refusal for a notification that did not pass: the status says why, the body says FAIL. */
export function refusal(error: unknown): WebhookReply {
  if (error instanceof WebhookError) return fail(error.message, error.status);
  if (error instanceof VerificationError) return fail('signature verification failed', 401);
  if (error instanceof DecryptionError) return fail('resource could not be decrypted', 500);
  // The replay store is down or slow: refuse without handling, so WeChat Pay delivers it again.
  if (error instanceof StoreError) return fail('replay store unavailable', 503);
  return fail('notification could not be processed', 500);
}

export function isRefusal(error: unknown): error is WechatpayError {
  return error instanceof WebhookError || error instanceof VerificationError || error instanceof DecryptionError;
}
