// APIv2 notifications: an `<xml>` body whose `sign` is MD5 or HMAC-SHA256 under the APIv2 key,
// and the refund notification, which carries no `sign` but `req_info`: AES-256-ECB under the
// MD5 (lower-case hex) of the APIv2 key, holding the refund's own `<root>` XML.
//
// Order matters: the size bound first, then one parse of the outer document and the sign check,
// and only then the decryption and the second parse. What comes back as `fields` is what a sign
// proved, or, for a sign-less refund notification, only its documented envelope (the refund
// itself is in `reqInfo`, which only the key holder could have encrypted).
import { createDecipheriv, createHash } from 'node:crypto';
import { DecryptionError } from '../crypto/errors.js';
import { VerificationError } from '../errors.js';
import { v2SignatureMatches } from '../v2/sign.js';
import { fromXml, toXml, xmlParser } from '../v2/xml.js';
import { WebhookError } from './errors.js';
import type { WebhookReply } from './reply.js';

export interface V2Notification {
  /**
   * The notification's fields: all of them `sign`-checked when `signed`; for a refund
   * notification (no sign) only its envelope (`return_code`, `appid`, `mch_id`, …), which nothing
   * authenticates: act on `reqInfo`.
   */
  fields: Record<string, string>;
  /** The decrypted `req_info` of a refund notification, its documented required fields checked. */
  reqInfo?: Record<string, string>;
  /** Whether `fields` were covered by a valid `sign`. */
  signed: boolean;
}

/** Default largest APIv2 notification body (they are a few hundred bytes). */
export const MAX_V2_BODY_BYTES = 64 * 1024;

// The documented envelope of the refund notification: nothing else may come without a sign.
const REFUND_ENVELOPE = new Set(['return_code', 'return_msg', 'appid', 'mch_id', 'sub_mch_id', 'sub_appid', 'nonce_str', 'req_info']);

/** The refund's fields documented as always present (webhook/v2/refund-processed). */
export const REFUND_REQUIRED = [
  'out_refund_no',
  'out_trade_no',
  'refund_account',
  'refund_fee',
  'refund_id',
  'refund_status',
  'total_fee',
  'transaction_id',
  'cash_refund_fee',
] as const;
const AMOUNTS = ['refund_fee', 'total_fee', 'cash_refund_fee', 'settlement_refund_fee', 'settlement_total_fee'];
const REFUND_STATUSES = new Set(['SUCCESS', 'CHANGE', 'REFUNDCLOSE']);
// Exactly one <root> (or <xml>) element, optionally after an XML declaration: no stray text.
const WHOLE_DOCUMENT = /^\s*(?:<\?xml[^>]*\?>\s*)?<(root|xml)>[\s\S]*<\/\1>\s*$/;

/**
 * Decrypts and checks `req_info`. AES-ECB has no MAC: a wrong key or a broken ciphertext fails
 * the padding check, and what decrypts must be one `<root>` document with every documented
 * required field, amounts as digits and a documented status. Edits that keep all of that (moving
 * whole 16-byte blocks inside one long value) cannot be detected; see docs/webhooks.md.
 */
export function decryptReqInfo(reqInfo: string, apiv2Key: string): Record<string, string> {
  const key = Buffer.from(createHash('md5').update(apiv2Key).digest('hex'), 'utf8');
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-ecb', key, null);
    plain = Buffer.concat([decipher.update(Buffer.from(reqInfo, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError('AUTHENTICATION_FAILED', 'req_info could not be decrypted: the APIv2 key is wrong or req_info was altered');
  }
  if (!WHOLE_DOCUMENT.test(plain)) throw new DecryptionError('BAD_INPUT', 'decrypted req_info is not one <root> XML document (altered, or stray text around it)');
  let parsed: Record<string, unknown>;
  try {
    parsed = xmlParser().parse(plain) as Record<string, unknown>;
  } catch {
    throw new DecryptionError('BAD_INPUT', 'decrypted req_info is not well-formed XML');
  }
  const root = parsed.root ?? parsed.xml;
  if (typeof root !== 'object' || root === null || Object.keys(parsed).length !== 1) {
    throw new DecryptionError('BAD_INPUT', 'decrypted req_info is not the documented <root> XML');
  }
  const fields = root as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') throw new DecryptionError('BAD_INPUT', `decrypted req_info field ${name} is not text (altered?)`);
  }
  for (const name of REFUND_REQUIRED) {
    if (typeof fields[name] !== 'string' || fields[name] === '') throw new DecryptionError('BAD_INPUT', `decrypted req_info lacks the documented field ${name} (altered?)`);
  }
  for (const name of AMOUNTS) {
    if (fields[name] !== undefined && !/^\d+$/.test(fields[name] as string)) throw new DecryptionError('BAD_INPUT', `decrypted req_info ${name} is not an amount in fen`);
  }
  if (!REFUND_STATUSES.has(fields.refund_status as string)) throw new DecryptionError('BAD_INPUT', 'decrypted req_info refund_status is not SUCCESS, CHANGE or REFUNDCLOSE');
  return fields as Record<string, string>;
}

export function parseV2Notification(body: string | Buffer, apiv2Key: string, maxBodyBytes = MAX_V2_BODY_BYTES): V2Notification {
  const size = Buffer.isBuffer(body) ? body.length : Buffer.byteLength(body);
  if (size > maxBodyBytes) throw new WebhookError('BODY_TOO_LARGE', `APIv2 notification body is ${size} bytes, over the ${maxBodyBytes}-byte limit`);
  const fields = fromXml(Buffer.isBuffer(body) ? body.toString('utf8') : body) as Record<string, unknown> | undefined;
  if (!fields) throw new WebhookError('BAD_BODY', 'APIv2 notification body is not an <xml> document');
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') throw new WebhookError('BAD_BODY', `APIv2 notification field ${name} is not text`);
  }
  const text = fields as Record<string, string>;
  if (typeof text.sign === 'string') {
    if (!v2SignatureMatches(text, apiv2Key)) throw new VerificationError('BAD_SIGNATURE', 'APIv2 notification sign does not match its fields');
    return typeof text.req_info === 'string' ? { fields: text, reqInfo: decryptReqInfo(text.req_info, apiv2Key), signed: true } : { fields: text, signed: true };
  }
  if (typeof text.req_info !== 'string') throw new VerificationError('MISSING_HEADERS', 'APIv2 notification has no sign');
  // Without a sign, only the refund notification's envelope may come along: a payment field
  // (result_code, out_trade_no, total_fee, …) next to a captured req_info is a forgery.
  const stray = Object.keys(text).find((name) => !REFUND_ENVELOPE.has(name));
  if (stray !== undefined) {
    throw new VerificationError('MISSING_HEADERS', `APIv2 notification has no sign, and ${stray} is not part of a refund notification (the only kind sent without one)`);
  }
  return { fields: text, reqInfo: decryptReqInfo(text.req_info, apiv2Key), signed: false };
}

/** The documented APIv2 answer: `<xml><return_code>SUCCESS|FAIL</return_code><return_msg>…</return_msg></xml>`. */
export function v2Reply(ok: boolean, message = ok ? 'OK' : 'FAIL'): WebhookReply {
  return { status: ok ? 200 : 500, headers: { 'Content-Type': 'text/xml' }, body: toXml({ return_code: ok ? 'SUCCESS' : 'FAIL', return_msg: message }) };
}
