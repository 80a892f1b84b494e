// APIv2 notifications: an `<xml>` body whose `sign` is MD5 or HMAC-SHA256 under the APIv2 key,
// and the refund notification, which carries no `sign` but `req_info`: AES-256-ECB under the
// MD5 (lower-case hex) of the APIv2 key, holding the refund's own `<root>` XML.
import { createDecipheriv, createHash } from 'node:crypto';
import { DecryptionError } from '../crypto/errors.js';
import { VerificationError } from '../errors.js';
import { v2SignatureMatches } from '../v2/sign.js';
import { fromXml, toXml, xmlParser } from '../v2/xml.js';
import { WebhookError } from './errors.js';
import type { WebhookReply } from './reply.js';

export interface V2Notification {
  /** The notification's fields, `sign` checked. */
  fields: Record<string, string>;
  /** The decrypted `req_info` of a refund notification. */
  reqInfo?: Record<string, string>;
}

export function decryptReqInfo(reqInfo: string, apiv2Key: string): Record<string, string> {
  const key = Buffer.from(createHash('md5').update(apiv2Key).digest('hex'), 'utf8');
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-ecb', key, null);
    plain = Buffer.concat([decipher.update(Buffer.from(reqInfo, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError('AUTHENTICATION_FAILED', 'req_info could not be decrypted: the APIv2 key is wrong or req_info was altered');
  }
  const parsed = xmlParser().parse(plain) as Record<string, unknown>;
  const root = parsed.root ?? parsed.xml;
  if (typeof root !== 'object' || root === null) throw new DecryptionError('BAD_INPUT', 'decrypted req_info is not the documented <root> XML');
  return root as Record<string, string>;
}

export function parseV2Notification(body: string | Buffer, apiv2Key: string): V2Notification {
  const fields = fromXml(Buffer.isBuffer(body) ? body.toString('utf8') : body) as Record<string, string> | undefined;
  if (!fields) throw new WebhookError('BAD_BODY', 'APIv2 notification body is not an <xml> document');
  if (typeof fields.req_info === 'string' && fields.sign === undefined) {
    // Only the key holder can produce a req_info that decrypts and unpads: that is its proof.
    return { fields, reqInfo: decryptReqInfo(fields.req_info, apiv2Key) };
  }
  if (typeof fields.sign !== 'string') throw new VerificationError('MISSING_HEADERS', 'APIv2 notification has no sign');
  if (!v2SignatureMatches(fields, apiv2Key)) throw new VerificationError('BAD_SIGNATURE', 'APIv2 notification sign does not match its fields');
  return { fields };
}

/** The documented APIv2 answer: `<xml><return_code>SUCCESS|FAIL</return_code><return_msg>…</return_msg></xml>`. */
export function v2Reply(ok: boolean, message = ok ? 'OK' : 'FAIL'): WebhookReply {
  return { status: ok ? 200 : 500, headers: { 'Content-Type': 'text/xml' }, body: toXml({ return_code: ok ? 'SUCCESS' : 'FAIL', return_msg: message }) };
}
