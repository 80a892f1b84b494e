// Notifications as WeChat Pay sends them: the resource encrypted with AEAD_AES_256_GCM under the
// merchant's APIv3 key, the envelope signed with the platform key, POSTed to the merchant. Also
// what a merchant's unit tests need without a server: one call for `{ headers, body }` of any
// documented event, and the variants a handler must refuse (probe, skewed clock, replay, tamper).
import { randomUUID } from 'node:crypto';
import { encryptAesGcm } from '../crypto/aead.js';
import { webhookOf } from '../model.js';
import { loadModel, type EndpointModel } from './model.js';
import { signedHeaders, type SigningKey } from './respond.js';
import { rfc3339 } from './state/time.js';
import { sampleBody } from './sample.js';

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
  const associatedData = spec.associatedData ?? (spec.eventType.startsWith('REFUND.') ? 'refund' : 'transaction');
  const sealed = encryptAesGcm(spec.apiv3Key, JSON.stringify(spec.resource), associatedData);
  const body = JSON.stringify({
    id: spec.id ?? randomUUID(),
    create_time: spec.createTime ?? rfc3339(Date.now()),
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

/** How far a delivery's answer is read. */
const ANSWER_BYTES = 64 * 1024;

/** POST a built notification to the merchant's URL (10 s deadline by default); returns what the merchant answered (its first 64 KiB). */
export async function deliver(url: string, notification: BuiltNotification, options: { timeoutMs?: number } = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: notification.headers, body: notification.body, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader && size < ANSWER_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader?.cancel().catch(() => undefined);
  return { status: response.status, body: Buffer.concat(chunks).subarray(0, ANSWER_BYTES).toString(), headers: response.headers };
}

/**
 * What a handler must accept (`valid`) and refuse: `probe` (a `WECHATPAY/SIGNTEST/` signature,
 * which WeChat Pay sends to check that merchants verify), `skew` (signed `skewSeconds`, default
 * 600, in the past), `replay` (the very bytes and headers of `valid` again: deliver both, the
 * second must be refused), `tampered` (the body changed after signing).
 */
export type NotificationVariant = 'valid' | 'probe' | 'skew' | 'replay' | 'tampered';

export interface TestNotificationOptions extends Omit<NotificationSpec, 'eventType' | 'resource'> {
  /** The decrypted resource; by default a sample shaped by the event's documented resource table. */
  resource?: unknown;
  /** For `skew`: how many seconds in the past the signature's timestamp is (600). */
  skewSeconds?: number;
  /** Where documented events are looked up (the shipped model by default). */
  model?: EndpointModel;
}

/** The documented sample resource of an APIv3 event, or a TypeError naming the event. */
export function sampleResource(eventType: string, model: EndpointModel = loadModel()): Record<string, unknown> {
  const hook = webhookOf(model.webhooks, eventType);
  if (!hook) throw new TypeError(`wxpay-chain mock: ${eventType} is not a documented APIv3 notification event (give a resource to send it anyway)`);
  return sampleBody(hook.resource ?? []);
}

const VARIANTS: readonly NotificationVariant[] = ['valid', 'probe', 'skew', 'tampered', 'replay'];

/** Every variant of one notification, built in one call. */
export function notificationVariants(eventType: string, options: TestNotificationOptions): Record<NotificationVariant, BuiltNotification> {
  const variants = {} as Record<NotificationVariant, BuiltNotification>;
  const base = variantBase(eventType, options);
  for (const name of VARIANTS) variants[name] = name === 'replay' ? { headers: { ...variants.valid.headers }, body: variants.valid.body } : buildVariant(name, base);
  return variants;
}

/**
 * One call for a unit test: `{ headers, body }` of a signed notification of `eventType` whose
 * resource is sealed under `apiv3Key`, as the merchant's endpoint receives it (`variant` picks
 * one the endpoint must refuse). Only the variant asked for is signed.
 */
export function testNotification(eventType: string, options: TestNotificationOptions & { variant?: NotificationVariant }): BuiltNotification {
  const { variant = 'valid', ...rest } = options;
  return buildVariant(variant === 'replay' ? 'valid' : variant, variantBase(eventType, rest));
}

interface VariantBase {
  spec: NotificationSpec;
  skewSeconds: number;
}

function variantBase(eventType: string, options: TestNotificationOptions): VariantBase {
  const { skewSeconds = 600, model, resource: given, ...spec } = options;
  const resource = given ?? sampleResource(eventType, model);
  return { spec: { ...spec, id: spec.id ?? randomUUID(), eventType, resource }, skewSeconds };
}

function buildVariant(name: Exclude<NotificationVariant, 'replay'>, { spec, skewSeconds }: VariantBase): BuiltNotification {
  if (name === 'skew') return buildNotification({ ...spec, timestamp: (spec.timestamp ?? Math.floor(Date.now() / 1000)) - skewSeconds });
  const built = buildNotification(spec);
  if (name === 'probe') built.headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${built.headers['Wechatpay-Signature']}`;
  if (name === 'tampered') built.body = built.body.replace(/"summary":"/, '"summary":"!');
  return built;
}
