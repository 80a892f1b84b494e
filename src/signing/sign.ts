// Step 3 of a request: the WECHATPAY2-SHA256-RSA2048 Authorization header.
import { randomBytes, sign, type KeyObject } from 'node:crypto';

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

// Random bytes are drawn in blocks: one CSPRNG call serves many nonces.
const NONCE_BYTES = 16;
const POOL_SIZE = NONCE_BYTES * 256;
let pool = Buffer.alloc(0);
let offset = 0;

/** 32 hex characters from the CSPRNG. */
export function nonce(): string {
  if (offset + NONCE_BYTES > pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const text = pool.toString('hex', offset, offset + NONCE_BYTES);
  pool.fill(0, offset, offset + NONCE_BYTES);
  offset += NONCE_BYTES;
  return text;
}

export function unixTime(): number {
  return Math.floor(Date.now() / 1000);
}

export interface Signer {
  mchid: string;
  serial: string;
  privateKey: KeyObject;
}

/** The parts of one Authorization header: what is signed, and how the header is written around the signature. */
export interface PendingAuthorization {
  message: string;
  header(signature: string): string;
}

/** `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`, to be signed with the merchant key. */
export function pendingAuthorization(signer: Signer, method: string, pathAndQuery: string, body: string): PendingAuthorization {
  const timestamp = unixTime();
  const nonceStr = nonce();
  return {
    message: `${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonceStr}\n${body}\n`,
    header: (signature) =>
      `${AUTH_SCHEME} mchid="${signer.mchid}",nonce_str="${nonceStr}",signature="${signature}",timestamp="${timestamp}",serial_no="${signer.serial}"`,
  };
}

/**
 * `Wechatpay-Timestamp/-Nonce/-Signature/-Serial` over `TIMESTAMP\nNONCE\nBODY\n`: how WeChat Pay
 * signs its answers and notifications, and how a merchant signs a reply that must be signed.
 */
export function signatureHeaders(id: string, privateKey: KeyObject, body: string | Buffer, timestamp = unixTime()): Record<string, string> {
  const nonceStr = nonce();
  const message = answerMessage(String(timestamp), nonceStr, body);
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonceStr,
    'Wechatpay-Signature': sign('sha256', message, privateKey).toString('base64'),
    'Wechatpay-Serial': id,
  };
}

/** `TIMESTAMP\nNONCE\nBODY\n`: what a WeChat Pay answer's (or notification's) signature covers. */
export function answerMessage(timestamp: string, nonceStr: string, body: string | Buffer): Buffer {
  // A text body (every signed JSON answer) is encoded once, in one piece.
  return Buffer.isBuffer(body) ? Buffer.concat([Buffer.from(`${timestamp}\n${nonceStr}\n`), body, NEWLINE]) : Buffer.from(`${timestamp}\n${nonceStr}\n${body}\n`);
}

const NEWLINE = Buffer.from('\n');

export function rsaSign(message: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(message), privateKey).toString('base64');
}

/** The Authorization header, signed here on the calling thread. */
export function authorization(signer: Signer, method: string, pathAndQuery: string, body: string): string {
  const pending = pendingAuthorization(signer, method, pathAndQuery, body);
  return pending.header(rsaSign(pending.message, signer.privateKey));
}
