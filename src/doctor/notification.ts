// The checks of a captured notification, in the order the SDK makes them, each failure told with
// its likely cause: headers a proxy dropped, a body that is not the bytes WeChat Pay signed (and,
// where it can be shown, that a JSON parser re-serialised it), a clock or a delay, a key the
// client does not hold, the wrong APIv3 key, a probe, a replay.
import { verify } from 'node:crypto';
import { bounded } from '../bounded/store-call.js';
import { decryptAesGcmText } from '../crypto/aead.js';
import { isPublicKeyId, PROBE, RAW_BODY_FIX, REPLAYED, SWAPPED_KEYS, unknownKey, wechatpayKey, WRONG_APIV3_KEY } from '../hints.js';
import type { PlatformKey } from '../signing/keys.js';
import { answerMessage } from '../signing/sign.js';
import { SIGNTEST_PREFIX } from '../signing/verify.js';
import type { NonceStore } from '../webhooks/nonces.js';
import { readCapture, type Captured, type NotificationCapture } from './capture.js';
import { opensWithApiv2Key, type Findings } from './findings.js';

export interface NotificationContext {
  mchid: string;
  /** The merchant API certificate serial, to recognise a notification signed with the merchant's own key. */
  serial?: string;
  keys: { get(id: string): PlatformKey | undefined };
  /** Whether the client downloads platform certificates (it has an APIv3 key). */
  refreshed: boolean;
  apiv3Key?: Buffer;
  apiv2Key?: string;
  maxClockSkew: number;
  nonces?: NonceStore | undefined;
  now: number;
}

const STORE_TIMEOUT = 2000;
const SIGNATURE_HEADERS = ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'] as const;

export async function checkNotifications(input: NotificationCapture, context: NotificationContext, out: Findings, receivedAt?: number): Promise<void> {
  const captured = readCapture(input, receivedAt);
  if (typeof captured === 'string') {
    out.add('NOTIFICATION_UNREADABLE', { message: `the captured notification cannot be read: ${captured}`, fix: 'give the raw HTTP request (request line, headers, blank line, body), or JSON { "headers": {…}, "body": "<the raw body>" }' });
    return;
  }
  const seen = new Map<string, number>();
  for (const [index, notification] of captured.entries()) {
    const name = captured.length > 1 ? `notification #${index + 1}` : 'the notification';
    await checkOne(notification, name, context, out, seen, index);
  }
}

async function checkOne(notification: Captured, name: string, context: NotificationContext, out: Findings, seen: Map<string, number>, index: number): Promise<void> {
  const { headers } = notification;
  const mchid = context.mchid;
  const missing = SIGNATURE_HEADERS.filter((header) => !headers[header]);
  const bodyObject = Buffer.isBuffer(notification.body) ? undefined : notification.body;
  let body = Buffer.isBuffer(notification.body) ? notification.body : Buffer.from(JSON.stringify(notification.body));
  let verified = false;
  if (missing.length) {
    const all = missing.length === SIGNATURE_HEADERS.length;
    out.add('NOTIFICATION_HEADERS_MISSING', {
      message: `${name} lacks ${missing.map(display).join(', ')}${all ? ' (all of the signature headers)' : ''}: a proxy, load balancer or CDN in front of the server dropped them${all && !Object.keys(headers).length ? ', or only the body was captured' : ''}`,
      fix: 'make every hop forward the Wechatpay-* headers unchanged (or receive notifications directly), then capture the request as the application gets it',
    });
  } else if (headers['wechatpay-signature']!.startsWith(SIGNTEST_PREFIX)) {
    out.add('NOTIFICATION_SIGNTEST_PROBE', { message: `${name} carries a ${SIGNTEST_PREFIX} signature: ${PROBE.message}`, fix: PROBE.fix });
    return;
  } else {
    const result = checkSignature(notification, name, body, bodyObject, context, out);
    if (result.body) body = result.body;
    verified = result.verified;
  }
  const envelope = parseEnvelope(body);
  if (typeof envelope === 'string') {
    out.add('NOTIFICATION_BAD_BODY', { message: `${name}'s body ${envelope}`, fix: 'capture the body WeChat Pay sent, unchanged (JSON with id, event_type and an encrypted resource)' });
    return;
  }
  if (verified) {
    const nonce = headers['wechatpay-nonce']!;
    const earlier = seen.get(nonce);
    if (earlier !== undefined) {
      out.add('NOTIFICATION_REPLAY', { message: `${name} repeats Wechatpay-Nonce ${nonce} of notification #${earlier + 1}: ${REPLAYED.message}`, fix: REPLAYED.fix });
    } else if (await claimedBefore(context, nonce, Number(headers['wechatpay-timestamp']))) {
      out.add('NOTIFICATION_REPLAY', { message: `${name}'s Wechatpay-Nonce ${nonce} was already accepted by this client: ${REPLAYED.message}`, fix: REPLAYED.fix });
    }
    seen.set(nonce, index);
  }
  const opened = decrypt(envelope.resource, name, context, out);
  if (opened && verified) {
    out.add('NOTIFICATION_OK', {
      message: `${name} verifies with ${wechatpayKey(headers['wechatpay-serial']!)} and decrypts under apiv3Key of mchid ${mchid}: ${envelope.event_type} ${envelope.id}`,
      fix: 'nothing',
    }, { key: { role: isPublicKeyId(headers['wechatpay-serial']!) ? 'WeChat Pay public key' : 'platform certificate', id: headers['wechatpay-serial']! } });
  }
}

function display(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}

function checkSignature(notification: Captured, name: string, body: Buffer, bodyObject: Record<string, unknown> | undefined, context: NotificationContext, out: Findings): { verified: boolean; body?: Buffer } {
  const { headers } = notification;
  const timestamp = headers['wechatpay-timestamp']!;
  const serial = headers['wechatpay-serial']!;
  const { mchid } = context;
  if (!/^\d{1,12}$/.test(timestamp)) {
    out.add('NOTIFICATION_BAD_BODY', { message: `${name}'s Wechatpay-Timestamp is not a unix time: something between rewrote it`, fix: 'forward the Wechatpay-* headers unchanged' });
    return { verified: false };
  }
  const at = notification.receivedAt ?? context.now;
  const skew = Math.round(at / 1000 - Number(timestamp));
  if (Math.abs(skew) > context.maxClockSkew) {
    const when = notification.receivedAt === undefined ? "this machine's clock now" : `when it was received (${new Date(at).toISOString()})`;
    out.add('NOTIFICATION_TIMESTAMP_SKEW', {
      message: `${name}'s Wechatpay-Timestamp ${timestamp} is ${Math.abs(skew)} s ${skew > 0 ? 'before' : 'after'} ${when}, over maxClockSkew (${context.maxClockSkew} s): it is refused as stale`,
      fix: notification.receivedAt === undefined
        ? "if it arrived like this, sync this machine's clock (NTP) or find what held it back; a capture read later needs its receivedAt (the CLI takes the file's modification time)"
        : "sync this machine's clock (NTP); if the clock was right, something held the notification back or replayed it",
    });
  }
  if (serial === context.serial) {
    out.add('NOTIFICATION_UNKNOWN_KEY', { message: `${name} names Wechatpay-Serial ${serial}, the merchant's own API certificate of mchid ${mchid}: WeChat Pay did not sign it (a test tool signing with the merchant key?)`, fix: 'test with notifications signed by a WeChat Pay key (the mock signs with its platform key or public key)' }, { key: { role: 'merchant API certificate', id: serial } });
    return { verified: false };
  }
  const key = context.keys.get(serial);
  if (!key) {
    const diagnosis = unknownKey(serial);
    const later = !isPublicKeyId(serial) && context.refreshed;
    out.add('NOTIFICATION_UNKNOWN_KEY', {
      message: `${name} is ${diagnosis.message}${later ? ' yet (a client with apiv3Key downloads it when a notification names it; --online checks that WeChat Pay lists it)' : ''} (mchid ${mchid})`,
      fix: diagnosis.fix,
    }, { key: { role: isPublicKeyId(serial) ? 'WeChat Pay public key' : 'platform certificate', id: serial }, severity: later ? 'warning' : 'error' });
    return { verified: false };
  }
  const signature = Buffer.from(headers['wechatpay-signature']!, 'base64');
  const holds = (bytes: Buffer) => {
    try {
      return verify('sha256', answerMessage(timestamp, headers['wechatpay-nonce']!, bytes), key.key, signature);
    } catch {
      return false;
    }
  };
  if (!bodyObject && holds(body)) return { verified: true };
  const reserialised = (detail: string) =>
    out.add('NOTIFICATION_BODY_RESERIALISED', {
      message: `${name}'s body is not the bytes WeChat Pay signed with ${wechatpayKey(serial)}: ${detail}`,
      fix: RAW_BODY_FIX,
    });
  if (bodyObject) {
    reserialised('it was captured as a parsed object, after a JSON body parser (express.json(), bodyParser) had consumed the bytes');
    return { verified: false };
  }
  // A capture file's own last newline is not part of the body.
  const trimmed = body.subarray(0, body.length - (/\r?\n$/.exec(body.toString('latin1', Math.max(0, body.length - 2)))?.[0].length ?? 0));
  if (trimmed.length !== body.length && holds(trimmed)) return { verified: true, body: trimmed };
  const compact = recompact(body);
  if (compact && holds(compact)) {
    reserialised('the same JSON written compactly verifies, so it was re-serialised on the way (a body parser and JSON.stringify, a logger or a proxy that pretty-prints)');
    return { verified: false };
  }
  if (/\n\s+"/.test(body.toString('utf8'))) {
    reserialised('it is indented JSON, and WeChat Pay sends compact JSON: a body parser and JSON.stringify, or a logger, re-serialised it');
    return { verified: false };
  }
  out.add('NOTIFICATION_BAD_SIGNATURE', {
    message: `${name}'s signature does not match its body under ${wechatpayKey(serial)} (mchid ${mchid}): the body was changed after WeChat Pay signed it, or certs["${serial}"] holds another key`,
    fix: `${RAW_BODY_FIX}; check that certs["${serial}"] is WeChat Pay's ${isPublicKeyId(serial) ? 'public key of that id' : 'certificate of that serial'}`,
  }, { key: { role: isPublicKeyId(serial) ? 'WeChat Pay public key' : 'platform certificate', id: serial } });
  return { verified: false };
}

function recompact(body: Buffer): Buffer | undefined {
  try {
    const text = JSON.stringify(JSON.parse(body.toString('utf8')));
    return text === body.toString('utf8') ? undefined : Buffer.from(text);
  } catch {
    return undefined;
  }
}

interface Envelope {
  id: string;
  event_type: string;
  resource: { ciphertext: string; nonce: string; associated_data?: string };
}

function parseEnvelope(body: Buffer): Envelope | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'is not JSON';
  }
  const envelope = parsed as Partial<Envelope> | null;
  const resource = envelope?.resource as Partial<Envelope['resource']> | undefined;
  if (typeof envelope?.event_type !== 'string' || typeof resource !== 'object' || resource === null || typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string') {
    return 'is not a WeChat Pay notification (no event_type, or no encrypted resource)';
  }
  return envelope as Envelope;
}

function decrypt(resource: Envelope['resource'], name: string, context: NotificationContext, out: Findings): boolean {
  const { mchid } = context;
  if (!context.apiv3Key) {
    out.add('NOTIFICATION_NO_APIV3_KEY', { message: `${name}'s resource is encrypted under the APIv3 key, and mchid ${mchid} has no (usable) apiv3Key`, fix: 'give apiv3Key (账户中心 → API安全 → APIv3密钥)' }, { key: { role: 'APIv3 key', id: mchid }, field: 'apiv3Key' });
    return false;
  }
  const open = (key: Buffer) => decryptAesGcmText(key, { ciphertext: resource.ciphertext, nonce: resource.nonce, associatedData: resource.associated_data ?? '' });
  try {
    open(context.apiv3Key);
    return true;
  } catch {
    // which key it is, below
  }
  const swapped = opensWithApiv2Key(context.apiv2Key, open);
  const diagnosis = swapped ? SWAPPED_KEYS : WRONG_APIV3_KEY;
  out.add('NOTIFICATION_DECRYPT_FAILED', {
    message: `${name}'s resource does not decrypt under apiv3Key of mchid ${mchid} (AEAD_AES_256_GCM tag mismatch): ${swapped ? diagnosis.message : `${diagnosis.message} (the APIv2 key? reset since? another merchant's?)`}`,
    fix: diagnosis.fix,
  }, { key: { role: 'APIv3 key', id: mchid }, field: 'apiv3Key' });
  return false;
}

/**
 * Whether the client's nonce store already holds this nonce. Asked by claiming it and giving it
 * straight back (a store has no other question), and only while the timestamp is inside the window.
 */
async function claimedBefore(context: NotificationContext, nonce: string, timestamp: number): Promise<boolean> {
  const store = context.nonces;
  if (!store || !(Math.abs(context.now / 1000 - timestamp) <= context.maxClockSkew)) return false;
  try {
    const fresh = await bounded('nonces.claim', STORE_TIMEOUT, () => store.claim(nonce, timestamp + context.maxClockSkew + 1));
    if (fresh) await bounded('nonces.release', STORE_TIMEOUT, () => store.release(nonce));
    return !fresh;
  } catch {
    return false;
  }
}
