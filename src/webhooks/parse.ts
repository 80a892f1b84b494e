// One notification in, one verified and decrypted event out — or a typed refusal. Every
// adapter ends here, so the checks are the same in every server.
import { DecryptionError } from '../crypto/errors.js';
import { ConfigError } from '../errors.js';
import { decryptAesGcmText } from '../crypto/aead.js';
import { bounded } from '../bounded/store-call.js';
import type { WebhookEvents } from '../generated/index.js';
import type { PlatformKey } from '../signing/keys.js';
import { verifySignature } from '../signing/verify.js';
import { WebhookError } from './errors.js';
import { MemoryNonceStore, type NonceStore } from './nonces.js';

/** A header bag as servers hand it over: node's (lower-case keys, maybe arrays) or Fetch `Headers`. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | number | undefined>> | { get(name: string): string | null };

export interface RawNotification {
  headers: HeaderBag;
  /** The raw body, byte for byte as received. */
  body: string | Buffer | Uint8Array;
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
  original_type?: string;
}

interface Envelope<E extends string, R> {
  id: string;
  event_type: E;
  create_time: string;
  resource_type: string;
  summary: string;
  /** The decrypted resource. */
  resource: R;
}

/** A verified, decrypted notification; `event_type` tells which `resource` it carries. */
export type Notification = { [E in keyof WebhookEvents & string]: Envelope<E, WebhookEvents[E]> }[keyof WebhookEvents & string];

/** One event type's notification, for handlers that take a single kind. */
export type NotificationOf<E extends keyof WebhookEvents & string> = Envelope<E, WebhookEvents[E]>;

export interface KeyLookup {
  get(id: string): PlatformKey | undefined;
  resolve?(id: string): Promise<PlatformKey | undefined>;
  readonly refreshable?: boolean;
}

export interface WebhookOptions {
  /** Platform certificates and WeChat Pay public keys to verify with (the client's keyring). */
  keys: KeyLookup;
  /** The APIv3 key (32 bytes) that encrypts `resource`; without it, only APIv2 notifications can be read. */
  apiv3Key?: string | Buffer | undefined;
  /** Seconds a notification's timestamp may be from this machine's clock (300). */
  maxClockSkew?: number;
  /** Where seen nonces are kept (in memory by default). */
  nonces?: NonceStore;
  /** Largest body accepted, in bytes (1 MiB). */
  maxBodyBytes?: number;
  /** Milliseconds a nonce store call may take; past it the notification is refused with 503 (2000). */
  storeTimeout?: number;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

export function headerOf(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const bag = headers as Readonly<Record<string, string | readonly string[] | number | undefined>>;
  let value = bag[name.toLowerCase()];
  if (value === undefined) {
    const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
    value = key === undefined ? undefined : bag[key];
  }
  if (Array.isArray(value)) return value[0];
  return value === undefined ? undefined : String(value);
}

export class WebhookParser {
  readonly #keys: KeyLookup;
  readonly #apiv3Key: string | Buffer | undefined;
  readonly #maxClockSkew: number;
  readonly nonces: NonceStore;
  readonly maxBodyBytes: number;
  readonly #storeTimeout: number;

  constructor(options: WebhookOptions) {
    this.#keys = options.keys;
    this.#apiv3Key = options.apiv3Key;
    this.#maxClockSkew = options.maxClockSkew ?? 300;
    this.nonces = options.nonces ?? new MemoryNonceStore();
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.#storeTimeout = options.storeTimeout ?? 2000;
  }

  /**
   * Verifies the signature over the exact raw body, refuses stale timestamps, replayed nonces and
   * probe signatures, then decrypts `resource`. The nonce is spent only by a notification that
   * verified; `release(notification)` gives it back when the merchant's handler failed, so
   * WeChat Pay's retry is not mistaken for a replay.
   */
  async parse(raw: RawNotification): Promise<Notification> {
    const apiv3Key = this.#apiv3Key;
    if (apiv3Key === undefined) throw new ConfigError('apiv3Key', 'APIv3 notifications are decrypted with the APIv3 key: pass apiv3Key to new Wechatpay()');
    const body = rawBytes(raw.body, this.maxBodyBytes);
    const signature = {
      timestamp: headerOf(raw.headers, 'Wechatpay-Timestamp'),
      nonce: headerOf(raw.headers, 'Wechatpay-Nonce'),
      signature: headerOf(raw.headers, 'Wechatpay-Signature'),
      serial: headerOf(raw.headers, 'Wechatpay-Serial'),
    };
    if (signature.serial && this.#keys.refreshable && this.#keys.resolve && !this.#keys.get(signature.serial)) {
      await this.#keys.resolve(signature.serial);
    }
    const requestId = headerOf(raw.headers, 'Request-ID');
    verifySignature({ platformKeys: this.#keys, maxClockSkew: this.#maxClockSkew, ...(requestId ? { requestId } : {}) }, signature, body);
    const envelope = parseEnvelope(body);
    const nonce = signature.nonce!;
    // Kept one second past the last second the timestamp is accepted in (skew ≤ maxClockSkew),
    // so a replay at exactly timestamp + maxClockSkew still finds it.
    const expiresAt = Number(signature.timestamp) + this.#maxClockSkew + 1;
    let claimed: boolean;
    try {
      claimed = await bounded('nonces.claim', this.#storeTimeout, () => this.nonces.claim(nonce, expiresAt));
    } catch (error) {
      // Fail closed (503: WeChat Pay sends it again). A claim the store applied but never
      // confirmed is given back, so the retry is not taken for a replay.
      this.#giveBack(nonce).catch(() => undefined);
      throw error;
    }
    if (!claimed) {
      throw new WebhookError('REPLAYED_NONCE', 'Wechatpay-Nonce was already accepted inside the time window: a replayed notification');
    }
    try {
      const plain = decryptAesGcmText(apiv3Key, {
        ciphertext: envelope.resource.ciphertext,
        nonce: envelope.resource.nonce,
        associatedData: envelope.resource.associated_data ?? '',
      });
      const notification = { ...envelope, resource: JSON.parse(plain) as unknown } as Notification;
      spent.set(notification, nonce);
      return notification;
    } catch (error) {
      await this.#giveBack(nonce).catch(() => undefined);
      if (error instanceof DecryptionError) throw error;
      throw new WebhookError('BAD_BODY', 'the decrypted resource is not JSON');
    }
  }

  /** Milliseconds a store call may take before the notification is refused with 503. */
  get storeTimeout(): number {
    return this.#storeTimeout;
  }

  /** Give back the nonce of a notification whose handling failed, so its retry is accepted. */
  async release(notification: Notification): Promise<void> {
    const nonce = spent.get(notification);
    if (nonce !== undefined) await this.#giveBack(nonce);
  }

  #giveBack(nonce: string): Promise<void> {
    return bounded('nonces.release', this.#storeTimeout, () => this.nonces.release(nonce));
  }
}

const spent = new WeakMap<object, string>();

function rawBytes(body: unknown, limit: number): Buffer {
  let bytes: Buffer;
  if (typeof body === 'string') bytes = Buffer.from(body, 'utf8');
  else if (Buffer.isBuffer(body)) bytes = body;
  else if (body instanceof Uint8Array) bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  else {
    throw new WebhookError(
      'BODY_CONSUMED',
      'the raw body is gone (a JSON middleware parsed it): verify the bytes as received, e.g. express.json({ verify: keepRawBody }) or express.raw() on this route',
    );
  }
  if (bytes.length > limit) throw new WebhookError('BODY_TOO_LARGE', `notification body is ${bytes.length} bytes, over the ${limit}-byte limit`);
  return bytes;
}

function parseEnvelope(body: Buffer): Omit<Envelope<string, unknown>, 'resource'> & { resource: EncryptedResource } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookError('BAD_BODY', 'notification body is not JSON');
  }
  const envelope = parsed as Record<string, unknown>;
  const resource = envelope?.resource as Record<string, unknown> | undefined;
  for (const field of ['id', 'event_type', 'create_time'] as const) {
    if (typeof envelope?.[field] !== 'string') throw new WebhookError('BAD_BODY', `notification has no ${field}`);
  }
  if (typeof resource !== 'object' || resource === null || typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string') {
    throw new WebhookError('BAD_BODY', 'notification has no encrypted resource (resource.ciphertext, resource.nonce)');
  }
  if (resource.algorithm !== 'AEAD_AES_256_GCM') {
    throw new WebhookError('BAD_BODY', `resource.algorithm ${String(resource.algorithm)} is not AEAD_AES_256_GCM`);
  }
  return envelope as unknown as Omit<Envelope<string, unknown>, 'resource'> & { resource: EncryptedResource };
}
