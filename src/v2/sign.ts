// APIv2 signatures: the non-empty fields but `sign`, sorted by name, joined as `k=v&…`, then
// `&key=<APIv2 key>`, hashed with MD5 or HMAC-SHA256 and written as upper-case hex.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type V2SignType = 'MD5' | 'HMAC-SHA256';

export function v2SignType(fields: Readonly<Record<string, unknown>>): V2SignType {
  return fields.sign_type === 'HMAC-SHA256' || fields.sign_type === 'HMAC_SHA256' ? 'HMAC-SHA256' : 'MD5';
}

export function v2Signature(fields: Readonly<Record<string, unknown>>, key: string, type: V2SignType = v2SignType(fields)): string {
  const text = Object.keys(fields)
    .filter((name) => name !== 'sign' && fields[name] !== undefined && fields[name] !== null && fields[name] !== '')
    .sort()
    .map((name) => `${name}=${String(fields[name])}`)
    .join('&');
  const message = `${text}&key=${key}`;
  const digest = type === 'HMAC-SHA256' ? createHmac('sha256', key).update(message) : createHash('md5').update(message);
  return digest.digest('hex').toUpperCase();
}

/** Constant-time comparison of a received `sign` with the one computed here. */
export function v2SignatureMatches(fields: Readonly<Record<string, unknown>>, key: string, type: V2SignType = v2SignType(fields)): boolean {
  const received = typeof fields.sign === 'string' ? Buffer.from(fields.sign.toUpperCase()) : Buffer.alloc(0);
  const expected = Buffer.from(v2Signature(fields, key, type));
  return received.length === expected.length && timingSafeEqual(received, expected);
}
