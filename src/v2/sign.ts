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

/**
 * Why a received document's `sign` does not prove its fields, or `undefined` when it does. The
 * algorithm is the one the sign itself has the length of (32 hex digits MD5, 64 HMAC-SHA256):
 * WeChat Pay signs some documents with HMAC-SHA256 without a `sign_type` field, and both use the
 * same key. A `sign_type` that names the other algorithm, or a field the sign cannot cover (a
 * nested or repeated element), is a mismatch.
 */
export function receivedSignProblem(fields: Readonly<Record<string, unknown>>, key: string, fallback: V2SignType = v2SignType(fields)): string | undefined {
  const sign = fields.sign;
  if (typeof sign !== 'string') return 'no sign';
  const type: V2SignType = sign.length === 64 ? 'HMAC-SHA256' : sign.length === 32 ? 'MD5' : fallback;
  if (fields.sign_type !== undefined && v2SignType(fields) !== type) return `sign_type ${String(fields.sign_type)} does not match a ${sign.length}-digit sign`;
  const unsigned = Object.keys(fields).find((name) => typeof fields[name] !== 'string');
  if (unsigned !== undefined) return `${unsigned} is not text (a nested or repeated element), which the sign cannot cover`;
  return v2SignatureMatches(fields, key, type) ? undefined : 'the sign does not match the fields under the APIv2 key';
}
