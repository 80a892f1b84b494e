// How WeChat Pay signs what it sends: `TIMESTAMP\nNONCE\nBODY\n` under the platform key,
// named by certificate serial or by `PUB_KEY_ID_…`.
import { randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
}

export function signedHeaders(key: SigningKey, body: string | Buffer, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const nonce = randomBytes(16).toString('hex');
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), Buffer.from(body), Buffer.from('\n')]);
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': sign('sha256', message, key.privateKey).toString('base64'),
    'Wechatpay-Serial': key.id,
    'Request-ID': randomUUID(),
  };
}
