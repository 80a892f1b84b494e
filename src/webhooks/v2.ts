// APIv2 notifications: an `<xml>` body whose `sign` is MD5 or HMAC-SHA256 under the APIv2 key,
// and the refund notification, which carries no `sign` but `req_info`: AES-256-ECB under the
// MD5 (lower-case hex) of the APIv2 key, holding the refund's own `<root>` XML.
//
// Order matters: the size bound first, then one parse of the outer document and the sign check,
// and only then the decryption and the second parse. What comes back as `fields` is what a sign
// proved, or, for a sign-less refund notification, only its documented envelope (the refund
// itself is in `reqInfo`, which only the key holder could have encrypted).
//
// Strict about authenticity, liberal about content: a field WeChat Pay adds, drops or renames
// never refuses a notification that proved itself; see docs/webhooks.md.
import { createDecipheriv, createHash } from 'node:crypto';
import { DecryptionError } from '../crypto/errors.js';
import { VerificationError } from '../errors.js';
import { receivedSignProblem } from '../v2/sign.js';
import { readXml, toXml, V2XmlError, type V2Document } from '../v2/xml.js';
import { WebhookError } from './errors.js';
import type { WebhookReply } from './reply.js';

export interface V2Notification {
  /**
   * The notification's fields: all of them `sign`-checked when `signed`; for a refund
   * notification (no sign) only its documented envelope (`return_code`, `appid`, `mch_id`, …),
   * which nothing authenticates: act on `reqInfo`.
   */
  fields: Record<string, string>;
  /** The decrypted `req_info` of a refund notification (see docs/webhooks.md for what it proves). */
  reqInfo?: Record<string, string>;
  /** Whether `fields` were covered by a valid `sign`. */
  signed: boolean;
  /** Fields of a sign-less notification left out of `fields`: nothing authenticates them. */
  ignored: string[];
}

export interface V2ParseOptions {
  /** Largest body accepted, in bytes (64 KiB). */
  maxBodyBytes?: number;
  /** This merchant's id: a notification naming another `mch_id` is refused. */
  mchid?: string | undefined;
}

/** Default largest APIv2 notification body (they are a few hundred bytes). */
export const MAX_V2_BODY_BYTES = 64 * 1024;

// The documented envelope of the refund notification: what may be returned without a sign.
const REFUND_ENVELOPE = new Set(['return_code', 'return_msg', 'appid', 'mch_id', 'sub_mch_id', 'sub_appid', 'nonce_str', 'req_info']);

/**
 * The refund fields every refund notification carries, and without which a merchant cannot act
 * on one. The documentation marks two more as required: `cash_refund_fee`, which genuine notices
 * of 2017 and 2018 lack, and `refund_account`; both are read when present, never demanded.
 */
export const REFUND_CORE = ['out_refund_no', 'out_trade_no', 'refund_fee', 'refund_id', 'refund_status', 'total_fee', 'transaction_id'] as const;

// Identifiers that, when the decrypted refund repeats them, must be the envelope's.
const SHARED_IDS = ['appid', 'mch_id', 'sub_appid', 'sub_mch_id'] as const;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decrypts and checks `req_info`. AES-ECB has no MAC, so what can be checked is the shape only
 * a genuine plaintext has: the padding, UTF-8, one well-formed `<root>` document of text fields,
 * none repeated, the core refund fields present, and identifiers it repeats equal to the
 * envelope's. Edits that keep all of that (cutting whole 16-byte blocks out of a long value, or
 * whole optional elements that happen to fill whole blocks) cannot be detected; docs/webhooks.md
 * says what a merchant checks before acting.
 */
export function decryptReqInfo(reqInfo: string, apiv2Key: string, envelope: Readonly<Record<string, string>> = {}): Record<string, string> {
  const sealed = reqInfo.trim();
  if (!BASE64.test(sealed)) throw new DecryptionError('BAD_INPUT', 'req_info is not base64');
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length === 0 || bytes.length % 16 !== 0) throw new DecryptionError('AUTHENTICATION_FAILED', 'req_info is not whole AES blocks: it was altered');
  const key = Buffer.from(createHash('md5').update(apiv2Key).digest('hex'), 'utf8');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-ecb', key, null);
    plain = Buffer.concat([decipher.update(bytes), decipher.final()]);
  } catch {
    throw new DecryptionError('AUTHENTICATION_FAILED', 'req_info could not be decrypted: the APIv2 key is wrong or req_info was altered');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new DecryptionError('BAD_INPUT', 'decrypted req_info is not UTF-8 text (altered?)');
  }
  let document: V2Document | undefined;
  try {
    document = readXml(text, ['root', 'xml']);
  } catch (error) {
    if (!(error instanceof V2XmlError)) throw error;
    throw new DecryptionError('BAD_INPUT', `decrypted req_info is not one well-formed <root> document (altered?): ${error.message}`);
  }
  if (!document) throw new DecryptionError('BAD_INPUT', 'decrypted req_info is not one <root> XML document (altered, or stray text around it)');
  const fields = document.fields;
  const repeated = document.repeated[0];
  if (repeated !== undefined) throw new DecryptionError('BAD_INPUT', `decrypted req_info has ${repeated} more than once (altered?)`);
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') throw new DecryptionError('BAD_INPUT', `decrypted req_info field ${name} is not text (altered?)`);
    // No refund field holds markup: one that does swallowed the tags after it (a cut CDATA end).
    if (/[<>]/.test(value)) throw new DecryptionError('BAD_INPUT', `decrypted req_info field ${name} holds markup (altered?)`);
  }
  // An empty field is left out, never handed over as "": a cut can empty a value whose CDATA
  // section fills whole blocks, and "" read as an amount is 0. Absent means unknown.
  const refund: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields as Record<string, string>)) if (value !== '') refund[name] = value;
  for (const name of REFUND_CORE) {
    if (!refund[name]) throw new DecryptionError('BAD_INPUT', `decrypted req_info lacks ${name}, which every refund notification carries (altered?)`);
  }
  for (const name of SHARED_IDS) {
    if (refund[name] !== undefined && envelope[name] !== undefined && refund[name] !== envelope[name]) {
      throw new DecryptionError('BAD_INPUT', `decrypted req_info ${name} is not the notification's ${name} (spliced?)`);
    }
  }
  return refund;
}

export function parseV2Notification(body: string | Buffer, apiv2Key: string, options: V2ParseOptions = {}): V2Notification {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_V2_BODY_BYTES;
  const size = Buffer.isBuffer(body) ? body.length : Buffer.byteLength(body);
  if (size > maxBodyBytes) throw new WebhookError('BODY_TOO_LARGE', `APIv2 notification body is ${size} bytes, over the ${maxBodyBytes}-byte limit`);
  const text = readBody(body);
  let document: V2Document | undefined;
  try {
    document = readXml(text);
  } catch (error) {
    if (!(error instanceof V2XmlError)) throw error;
    throw new WebhookError('BAD_BODY', `APIv2 notification body is not well-formed: ${error.message}`);
  }
  if (!document) throw new WebhookError('BAD_BODY', 'APIv2 notification body is not an <xml> document');
  const repeated = document.repeated[0];
  if (repeated !== undefined) throw new WebhookError('BAD_BODY', `APIv2 notification has ${repeated} more than once`);
  for (const [name, value] of Object.entries(document.fields)) {
    if (typeof value !== 'string') throw new WebhookError('BAD_BODY', `APIv2 notification field ${name} is not text`);
  }
  const all = document.fields as Record<string, string>;
  if (all.sign !== undefined) {
    const problem = receivedSignProblem(all, apiv2Key);
    if (problem) throw new VerificationError('BAD_SIGNATURE', `APIv2 notification: ${problem}`);
    checkMerchant(all, options.mchid);
    return typeof all.req_info === 'string'
      ? { fields: all, reqInfo: decryptReqInfo(all.req_info, apiv2Key, all), signed: true, ignored: [] }
      : { fields: all, signed: true, ignored: [] };
  }
  if (typeof all.req_info !== 'string') throw new VerificationError('MISSING_HEADERS', 'APIv2 notification has no sign');
  // Without a sign, only the refund notification's documented envelope is returned: a payment
  // field (result_code, out_trade_no, total_fee, …) next to a captured req_info proves nothing.
  const fields: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(all)) {
    if (REFUND_ENVELOPE.has(name)) fields[name] = value;
    else ignored.push(name);
  }
  checkMerchant(fields, options.mchid);
  return { fields, reqInfo: decryptReqInfo(all.req_info, apiv2Key, fields), signed: false, ignored };
}

function readBody(body: string | Buffer): string {
  if (!Buffer.isBuffer(body)) return body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new WebhookError('BAD_BODY', 'APIv2 notification body is not UTF-8 text');
  }
}

function checkMerchant(fields: Readonly<Record<string, string>>, mchid: string | undefined): void {
  if (mchid !== undefined && fields.mch_id !== undefined && fields.mch_id !== mchid) {
    throw new WebhookError('BAD_BODY', `APIv2 notification is for merchant ${fields.mch_id}, not this client's ${mchid}`);
  }
}

/** The documented APIv2 answer: `<xml><return_code>SUCCESS|FAIL</return_code><return_msg>…</return_msg></xml>`. */
export function v2Reply(ok: boolean, message = ok ? 'OK' : 'FAIL'): WebhookReply {
  return { status: ok ? 200 : 500, headers: { 'Content-Type': 'text/xml' }, body: toXml({ return_code: ok ? 'SUCCESS' : 'FAIL', return_msg: message }) };
}
