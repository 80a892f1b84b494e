// The one path every adapter takes: parse (refusing without calling the handler), then the
// merchant's handler, then the reply. A handler that throws gets its nonce released and a 500,
// so WeChat Pay's retry is accepted.
import type { Notification, RawNotification, WebhookParser } from './parse.js';
import { fail, refusal, success, type WebhookReply } from './reply.js';

export type WebhookHandler<C> = (notification: Notification, context: C) => void | WebhookReply | Promise<void | WebhookReply>;

export interface HandleOptions {
  /** Told of every refusal and every handler failure (for the merchant's logs); never of secrets. */
  onError?: (error: unknown, stage: 'parse' | 'handler' | 'release') => void;
}

export async function handle<C>(
  parser: WebhookParser,
  raw: RawNotification | (() => Promise<RawNotification>),
  handler: WebhookHandler<C>,
  context: C,
  options: HandleOptions = {},
): Promise<WebhookReply> {
  let notification: Notification;
  try {
    notification = await parser.parse(typeof raw === 'function' ? await raw() : raw);
  } catch (error) {
    options.onError?.(error, 'parse');
    return refusal(error);
  }
  try {
    return (await handler(notification, context)) ?? success();
  } catch (error) {
    options.onError?.(error, 'handler');
    // A store that cannot take the nonce back still answers 500: the claim ends with its window.
    await parser.release(notification).catch((failure: unknown) => options.onError?.(failure, 'release'));
    return fail('handler failed', 500);
  }
}
