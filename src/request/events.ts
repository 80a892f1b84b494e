// What the request path tells the outside: request, response, retry and error events, published
// on node:diagnostics_channel (where APM tools look, as they do for undici and fastify), to the
// client's own listeners (`wxpay.on('response', …)`) and, with NODE_DEBUG=wxpay-chain, to
// util.debuglog. Events carry what identifies a call and its outcome, never a header value,
// a body or key material. With nobody listening, nothing is built.
import { channel } from 'node:diagnostics_channel';
import { debuglog } from 'node:util';
import { redactUrl } from '../redact.js';

interface CallFields {
  /** `GET`, `POST`, … */
  method: string;
  /** The URI template, e.g. `v3/pay/transactions/id/{transaction_id}`. */
  template: string;
  /** Path and query as sent, relative to the base URL. */
  path: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface RequestEvent extends CallFields {}

export interface ResponseEvent extends CallFields {
  status: number;
  requestId: string | undefined;
  elapsedMs: number;
  /** Whether WeChat Pay's signature over the answer was checked. */
  verified: boolean;
  /** The platform certificate serial or public key id the answer was signed with. */
  keyId: string | undefined;
}

export interface RetryEvent extends CallFields {
  /** What failed: an error code or `status CODE`. */
  reason: string;
  /** Wait before the next attempt. */
  delayMs: number;
  elapsedMs: number;
  /** The base URL the next attempt goes to. */
  baseURL: string | undefined;
}

export interface ErrorEvent extends CallFields {
  /** The error's code (a VerificationError's, an ApiError's, a connection failure's). */
  code: string;
  status: number | undefined;
  requestId: string | undefined;
  elapsedMs: number;
  /** `failed` (not proven to come from WeChat Pay), `passed` (a signed error answer) or `none` (no answer). */
  verification: 'passed' | 'failed' | 'none';
}

/**
 * A notification refused (bad signature, stale, replayed, unreadable body, …) or one whose handler
 * failed: what WeChat Pay was answered and why. Emitted by the webhook adapters and the router.
 */
export interface NotificationErrorEvent {
  /** `parse` (refused before the handler), `handler` (it threw), `release` (its nonce could not be given back), `record` (a handled notification's outcome could not be stored), `route` (no such merchant). */
  stage: 'parse' | 'handler' | 'release' | 'record' | 'route';
  /** The error's code: `BAD_SIGNATURE`, `TIMESTAMP_SKEW`, `BODY_CONSUMED`, `REPLAYED_NONCE`, `AUTHENTICATION_FAILED`, `STORE_TIMEOUT`, `HANDLER_FAILED`, … */
  reason: string;
  /** What went wrong and, where the set-up is at fault, how to fix it. */
  message: string;
  /** The HTTP status WeChat Pay was answered (it retries any 4XX/5XX). */
  status: number;
  /** The notification's `id` (read from the body even when it was refused; absent when unreadable). */
  id: string | undefined;
  /** The notification's `event_type`, likewise. */
  eventType: string | undefined;
  /** The merchant a `WebhookRouter` routed to, when there is one. */
  mchid?: string;
}

export interface WechatpayEvents {
  request: RequestEvent;
  response: ResponseEvent;
  retry: RetryEvent;
  error: ErrorEvent;
  'notification-error': NotificationErrorEvent;
}

export type WechatpayEventName = keyof WechatpayEvents;

/** The diagnostics_channel names: `wxpay-chain:request`, `…:response`, `…:retry`, `…:error`, `…:notification-error`. */
export const CHANNELS = {
  request: channel('wxpay-chain:request'),
  response: channel('wxpay-chain:response'),
  retry: channel('wxpay-chain:retry'),
  error: channel('wxpay-chain:error'),
  'notification-error': channel('wxpay-chain:notification-error'),
} as const;

const debug = debuglog('wxpay-chain');
// NODE_DEBUG is read once, at start-up, as util.debuglog itself does.
const debugging = debug.enabled;

/** One client's listeners. */
export class Observers {
  readonly #listeners = new Map<WechatpayEventName, Set<(event: never) => void>>();
  #count = 0;

  on<N extends WechatpayEventName>(name: N, listener: (event: WechatpayEvents[N]) => void): () => void {
    if (!Object.hasOwn(CHANNELS, name)) throw new TypeError(`no such event: ${String(name)} (request, response, retry, error or notification-error)`);
    if (typeof listener !== 'function') throw new TypeError('the listener must be a function');
    let set = this.#listeners.get(name) as Set<(event: WechatpayEvents[N]) => void> | undefined;
    if (!set) this.#listeners.set(name, (set = new Set()));
    if (!set.has(listener)) {
      set.add(listener);
      this.#count++;
    }
    return () => {
      if (set.delete(listener)) this.#count--;
    };
  }

  /** Whether anyone at all would see an event (checked before building one). */
  get active(): boolean {
    return this.#count !== 0 || CHANNELS.request.hasSubscribers || CHANNELS.response.hasSubscribers || CHANNELS.retry.hasSubscribers || CHANNELS.error.hasSubscribers || debugging;
  }

  /** Whether anyone would see an event of this one name. */
  listening(name: WechatpayEventName): boolean {
    return (this.#listeners.get(name)?.size ?? 0) !== 0 || published(name);
  }

  emit<N extends WechatpayEventName>(name: N, given: WechatpayEvents[N]): void {
    // A base URL may carry a gateway's user:password@: never into an event or a log.
    const event = 'baseURL' in given && given.baseURL !== undefined ? { ...given, baseURL: redactUrl(given.baseURL) } : given;
    broadcast(name, event);
    const set = this.#listeners.get(name) as Set<(event: WechatpayEvents[N]) => void> | undefined;
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch {
        // A throwing listener must not change the outcome of the call it observes.
      }
    }
  }
}

/** Whether diagnostics_channel or NODE_DEBUG would see an event of this name, with no client listener. */
export function published(name: WechatpayEventName): boolean {
  return CHANNELS[name].hasSubscribers || debugging;
}

/** To diagnostics_channel and NODE_DEBUG (a client's own listeners are its Observers'). */
export function broadcast<N extends WechatpayEventName>(name: N, event: WechatpayEvents[N]): void {
  const target = CHANNELS[name];
  if (target.hasSubscribers) target.publish(event);
  if (debugging) debug('%s %s', name, JSON.stringify(event));
}
