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

export interface WechatpayEvents {
  request: RequestEvent;
  response: ResponseEvent;
  retry: RetryEvent;
  error: ErrorEvent;
}

export type WechatpayEventName = keyof WechatpayEvents;

/** The diagnostics_channel names: `wxpay-chain:request`, `…:response`, `…:retry`, `…:error`. */
export const CHANNELS = {
  request: channel('wxpay-chain:request'),
  response: channel('wxpay-chain:response'),
  retry: channel('wxpay-chain:retry'),
  error: channel('wxpay-chain:error'),
} as const;

const debug = debuglog('wxpay-chain');
// NODE_DEBUG is read once, at start-up, as util.debuglog itself does.
const debugging = debug.enabled;

/** One client's listeners. */
export class Observers {
  readonly #listeners = new Map<WechatpayEventName, Set<(event: never) => void>>();
  #count = 0;

  on<N extends WechatpayEventName>(name: N, listener: (event: WechatpayEvents[N]) => void): () => void {
    if (!(name in CHANNELS)) throw new TypeError(`no such event: ${String(name)} (request, response, retry or error)`);
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

  emit<N extends WechatpayEventName>(name: N, given: WechatpayEvents[N]): void {
    // A base URL may carry a gateway's user:password@: never into an event or a log.
    const event = 'baseURL' in given && given.baseURL !== undefined ? { ...given, baseURL: redactUrl(given.baseURL) } : given;
    const published = CHANNELS[name];
    if (published.hasSubscribers) published.publish(event);
    if (debugging) debug('%s %s', name, JSON.stringify(event));
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
