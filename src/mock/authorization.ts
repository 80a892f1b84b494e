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

/**
 * `detail` of a 401 SIGN_ERROR whose signature did not verify: the message WeChat Pay built from
 * the request as it arrived (its method, URL, length in bytes, and the start of it with the body
 * cut short), so the merchant can hold it against what was signed. Laid out as WeChat Pay's
 * answers of 2025 (the documentation shows the same `sign_information` with `issue` one level up).
 */
export interface SignErrorDetail {
  detail: { issue: string };
  field: 'signature';
  location: 'authorization';
  sign_information: { method: string; sign_message_length: number; truncated_sign_message: string; url: string };
}

export type Rejection = { status: 401; code: 'SIGN_ERROR'; message: string; detail?: SignErrorDetail };

// How much of the body `truncated_sign_message` shows, as WeChat Pay's answers do.
const SHOWN_BODY = 8;

const FIELD = /([a-z_]+)="([^"]*)"/g;

export interface NonceLedger {
  /** False when this nonce was already seen inside the window. */
  claim(nonce: string, timestamp: number): boolean;
}

/** Remembers nonces for as long as their timestamps are acceptable. */
export function nonceLedger(windowSeconds = 300, clock: () => number = Date.now): NonceLedger {
  const seen = new Map<string, number>();
  return {
    claim(nonce, timestamp) {
      const now = Math.floor(clock() / 1000);
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
  clock: () => number = Date.now,
): Rejection | { merchant: Merchant } {
  // The messages are WeChat Pay's own, from its list of 401 answers.
  const reject = (message: string, detail?: SignErrorDetail): Rejection => ({ status: 401, code: 'SIGN_ERROR', message, ...(detail ? { detail } : {}) });
  const header = request.authorization;
  if (!header) return reject('Http头Authorization值格式错误');
  if (!header.startsWith(`${AUTH_SCHEME} `)) return reject('Http头Authorization认证类型不正确');
  const fields = new Map<string, string>();
  for (const match of header.slice(AUTH_SCHEME.length + 1).matchAll(FIELD)) fields.set(match[1]!, match[2]!);
  for (const name of ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no']) {
    if (!fields.get(name)) return reject('Http头Authorization值格式错误');
  }
  const merchant = merchants.get(fields.get('mchid')!);
  if (!merchant) return reject(`mchid ${fields.get('mchid')} is not a known merchant`);
  if (merchant.serial.toUpperCase() !== fields.get('serial_no')!.toUpperCase()) return reject('商户证书序列号有误。');
  const timestamp = Number(fields.get('timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(Math.floor(clock() / 1000) - timestamp) > windowSeconds) {
    return reject('Http头Authorization中的timestamp与发起请求的时间不得超过5分钟');
  }
  const head = `${request.method}\n${request.url}\n${fields.get('timestamp')}\n${fields.get('nonce_str')}\n`;
  const message = Buffer.concat([Buffer.from(head), request.body, Buffer.from('\n')]);
  if (!verify('sha256', message, merchant.publicKey, Buffer.from(fields.get('signature')!, 'base64'))) {
    return reject('签名错误', {
      detail: { issue: 'sign not match' },
      field: 'signature',
      location: 'authorization',
      sign_information: {
        method: request.method,
        sign_message_length: message.length,
        truncated_sign_message: `${head}${request.body.toString('utf8').slice(0, SHOWN_BODY)}\n`,
        url: request.url,
      },
    });
  }
  // Only a correctly signed request spends its nonce, so a forged one cannot burn a real one.
  if (!nonces.claim(fields.get('nonce_str')!, timestamp)) return reject('nonce_str was already used');
  return { merchant };
}
