// Notifications as WeChat Pay sends them: the resource encrypted with AEAD_AES_256_GCM under the
// merchant's APIv3 key, the envelope signed with the platform key, POSTed to the merchant.
import { randomUUID } from 'node:crypto';
import { encryptAesGcm } from '../crypto/aead.js';
import { signedHeaders, type SigningKey } from './respond.js';

export interface NotificationSpec {
  eventType: string;
  /** The plaintext resource (the decrypted `resource` the merchant should see). */
  resource: unknown;
  apiv3Key: string | Buffer;
  signer: SigningKey;
  resourceType?: string;
  summary?: string;
  id?: string;
  createTime?: string;
  associatedData?: string;
  /** Unix seconds to sign with (now by default). */
  timestamp?: number;
}

export interface BuiltNotification {
  headers: Record<string, string>;
  body: string;
}

export function buildNotification(spec: NotificationSpec): BuiltNotification {
  const associatedData = spec.associatedData ?? 'transaction';
  const sealed = encryptAesGcm(spec.apiv3Key, JSON.stringify(spec.resource), associatedData);
  const body = JSON.stringify({
    id: spec.id ?? randomUUID(),
    create_time: spec.createTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    resource_type: spec.resourceType ?? 'encrypt-resource',
    event_type: spec.eventType,
    summary: spec.summary ?? 'notification',
    resource: {
      original_type: associatedData,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: sealed.ciphertext,
      associated_data: associatedData,
      nonce: sealed.nonce,
    },
  });
  return {
    headers: {
      'Content-Type': 'application/json',
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
      ...signedHeaders(spec.signer, body, spec.timestamp),
    },
    body,
  };
}

/** POST a built notification to the merchant's URL; returns what the merchant answered. */
export async function deliver(url: string, notification: BuiltNotification): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: notification.headers, body: notification.body });
  return { status: response.status, body: await response.text(), headers: response.headers };
}
