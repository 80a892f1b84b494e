// How WeChat Pay checks a merchant's request: the Authorization header, field by field.
import { verify, type KeyObject } from 'node:crypto';
import { AUTH_SCHEME } from '../signing/sign.js';

export interface Merchant {
  mchid: string;
  serial: string;
  publicKey: KeyObject;
}

export interface CheckedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  body: Buffer;
  authorization: string | undefined;
}

export type Rejection = { status: 401; code: 'SIGN_ERROR'; message: string };

const FIELD = /([a-z_]+)="([^"]*)"/g;

export interface NonceLedger {
  /** False when this nonce was already seen inside the window. */
  claim(nonce: string, timestamp: number): boolean;
}

/** Remembers nonces for as long as their timestamps are acceptable. */
export function nonceLedger(windowSeconds = 300): NonceLedger {
  const seen = new Map<string, number>();
  return {
    claim(nonce, timestamp) {
      const now = Math.floor(Date.now() / 1000);
      for (const [key, time] of seen) {
        if (now - time <= windowSeconds) break;
        seen.delete(key);
      }
      if (seen.has(nonce)) return false;
      seen.set(nonce, Math.max(timestamp, now));
      return true;
    },
  };
}

export function checkAuthorization(
  request: CheckedRequest,
  merchants: ReadonlyMap<string, Merchant>,
  nonces: NonceLedger,
  windowSeconds = 300,
): Rejection | { merchant: Merchant } {
  const reject = (message: string): Rejection => ({ status: 401, code: 'SIGN_ERROR', message });
  const header = request.authorization;
  if (!header) return reject('Authorization header is missing');
  if (!header.startsWith(`${AUTH_SCHEME} `)) return reject(`Authorization scheme must be ${AUTH_SCHEME}`);
  const fields = new Map<string, string>();
  for (const match of header.slice(AUTH_SCHEME.length + 1).matchAll(FIELD)) fields.set(match[1]!, match[2]!);
  for (const name of ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no']) {
    if (!fields.get(name)) return reject(`Authorization is missing ${name}`);
  }
  const merchant = merchants.get(fields.get('mchid')!);
  if (!merchant) return reject(`mchid ${fields.get('mchid')} is not a known merchant`);
  if (merchant.serial.toUpperCase() !== fields.get('serial_no')!.toUpperCase()) {
    return reject(`serial_no ${fields.get('serial_no')} is not the merchant's API certificate`);
  }
  const timestamp = Number(fields.get('timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(Math.floor(Date.now() / 1000) - timestamp) > windowSeconds) {
    return reject('timestamp is outside the allowed window');
  }
  const message = Buffer.concat([
    Buffer.from(`${request.method}\n${request.url}\n${timestamp}\n${fields.get('nonce_str')}\n`),
    request.body,
    Buffer.from('\n'),
  ]);
  if (!verify('sha256', message, merchant.publicKey, Buffer.from(fields.get('signature')!, 'base64'))) {
    return reject('signature does not match the request');
  }
  // Only a correctly signed request spends its nonce, so a forged one cannot burn a real one.
  if (!nonces.claim(fields.get('nonce_str')!, timestamp)) return reject('nonce_str was already used');
  return { merchant };
}
