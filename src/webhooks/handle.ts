// The one path every adapter takes: parse (refusing without calling the handler), then the
// merchant's handler, then the reply. A handler that throws gets its nonce released and a 500,
// so WeChat Pay's retry is accepted. Every refusal and failure is reported (report.ts).
import type { Notification, RawNotification, WebhookParser } from './parse.js';
import { fail, refusal, success, type WebhookReply } from './reply.js';
import { report, type ErrorStage, type Reporting } from './report.js';

export type WebhookHandler<C> = (notification: Notification, context: C) => void | WebhookReply | Promise<void | WebhookReply>;

export interface HandleOptions {
  /** Told of every refusal and every handler failure (for the merchant's logs); never of secrets. */
  onError?: (error: unknown, stage: ErrorStage) => void;
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
  try {
    return (await handler(notification, context)) ?? success();
  } catch (error) {
    report(options, error, 'handler', 500, notification);
    // A store that cannot take the nonce back still answers 500: the claim ends with its window.
    await parser.release(notification).catch((failure: unknown) => report(options, failure, 'release', 500, notification));
    return fail('handler failed', 500);
  }
}
