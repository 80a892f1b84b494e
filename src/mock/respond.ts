// How WeChat Pay signs what it sends: `TIMESTAMP\nNONCE\nBODY\n` under the platform key,
// named by certificate serial or by `PUB_KEY_ID_…`, plus the Request-ID every answer carries.
import { randomUUID, type KeyObject } from 'node:crypto';
import { signatureHeaders } from '../signing/sign.js';

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
}

export function signedHeaders(key: SigningKey, body: string | Buffer, timestamp?: number): Record<string, string> {
  return { ...signatureHeaders(key.id, key.privateKey, body, timestamp), 'Request-ID': randomUUID() };
}
