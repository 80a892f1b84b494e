// The one path every adapter takes: parse (refusing without calling the handler), the guard on
// the notification id, then the merchant's handler, then the reply. WeChat Pay delivers a
// notification again (a new nonce and signature, the same id) when its 2xx was lost or late, so
// the id is claimed before the handler runs and its outcome kept: a delivery of an id already
// handled is answered with that reply and the handler is not called; one whose handler is still
// running elsewhere is asked to come back later (503); one whose handler failed runs it again. A
// handler that throws gets its nonce released and a 500, so WeChat Pay's retry is accepted.
// Every refusal and failure is reported (report.ts).
import { bounded } from '../bounded/store-call.js';
import { isLedger, MemoryNonceStore, type NotificationLedger } from './nonces.js';
import type { Notification, RawNotification, WebhookParser } from './parse.js';
import { fail, refusal, success, type WebhookReply } from './reply.js';
import { report, type ErrorStage, type Reporting } from './report.js';

export type WebhookHandler<C> = (notification: Notification, context: C) => void | WebhookReply | Promise<void | WebhookReply>;

export interface HandleOptions {
  /** Told of every refusal and every handler failure (for the merchant's logs); never of secrets. */
  onError?: (error: unknown, stage: ErrorStage) => void;
}

/** How long a running handler holds its notification id: past it, a re-delivery runs the handler again. */
export const HANDLER_LEASE_MS = 60_000;
/** How long a handled id is kept: WeChat Pay re-delivers for up to about 24 h (15 s … 6 h apart). */
export const HANDLED_KEEP_MS = 25 * 3600 * 1000;

// A parser whose nonce store is not also a ledger (a merchant's own NonceStore) guards ids in
// this process's memory.
const ownLedgers = new WeakMap<WebhookParser, NotificationLedger>();

function ledgerOf(parser: WebhookParser): NotificationLedger {
  if (isLedger(parser.nonces)) return parser.nonces;
  let ledger = ownLedgers.get(parser);
  if (!ledger) ownLedgers.set(parser, (ledger = new MemoryNonceStore()));
  return ledger;
}

export async function handle<C>(
  parser: WebhookParser,
  raw: RawNotification | (() => Promise<RawNotification>),
  handler: WebhookHandler<C>,
  context: C,
  options: HandleOptions & Reporting = {},
): Promise<WebhookReply> {
  let received: RawNotification | undefined;
  let notification: Notification;
  try {
    received = typeof raw === 'function' ? await raw() : raw;
    notification = await parser.parse(received);
  } catch (error) {
    const reply = refusal(error);
    report(options, error, 'parse', reply.status, received);
    return reply;
  }
  const giveBack = (status: number) => parser.release(notification).catch((failure: unknown) => report(options, failure, 'release', status, notification));
  const ledger = ledgerOf(parser);
  const timeout = parser.storeTimeout;
  let begun;
  try {
    begun = await bounded('notifications.begin', timeout, () => ledger.begin(notification.id, HANDLER_LEASE_MS));
  } catch (error) {
    // The guard cannot be read: refused like a replay store that is down (503), handler not called.
    const reply = refusal(error);
    report(options, error, 'parse', reply.status, notification);
    await giveBack(reply.status);
    return reply;
  }
  if (begun.state === 'handled') return storedReply(begun.reply);
  if (begun.state === 'in-progress') {
    await giveBack(503);
    return fail('this notification is being handled: try again later', 503);
  }
  const { token } = begun;
  let reply: WebhookReply;
  try {
    reply = (await handler(notification, context)) ?? success();
  } catch (error) {
    report(options, error, 'handler', 500, notification);
    await bounded('notifications.finish', timeout, () => ledger.finish(notification.id, token, 'failed', 0)).catch((failure: unknown) => report(options, failure, 'record', 500, notification));
    // A store that cannot take the nonce back still answers 500: the claim ends with its window.
    await giveBack(500);
    return fail('handler failed', 500);
  }
  // Not recorded: the lease ends, and a re-delivery after it runs the handler again.
  await bounded('notifications.finish', timeout, () => ledger.finish(notification.id, token, { reply: JSON.stringify(reply) }, HANDLED_KEEP_MS)).catch((failure: unknown) =>
    report(options, failure, 'record', reply.status, notification),
  );
  return reply;
}

function storedReply(text: string): WebhookReply {
  try {
    const reply = JSON.parse(text) as WebhookReply;
    if (typeof reply?.status === 'number' && typeof reply.body === 'string' && typeof reply.headers === 'object' && reply.status >= 200 && reply.status < 300) return reply;
  } catch {
    // not a reply this SDK stored: answered as handled all the same
  }
  return success();
}
