// The one place a call is sent, and sent again. Each attempt goes through the client's axios
// instance (so it is freshly signed by the interceptor, and merchants' interceptors see it);
// between attempts the sender waits with backoff, within the policy's budget; around them it
// tells observers what happened. A call is resent only when it is idempotent (idempotency.ts)
// and its failure transient (retry.ts).
import type { AxiosResponse } from 'axios';
import { AxiosError } from 'axios';
import { ApiError, VerificationError, WechatpayError } from '../errors.js';
import { isUnsentFailure } from './adapter.js';
import type { Observers } from './events.js';
import { backoff, BACKUP_BASE_URL, PRIMARY_BASE_URL, transient, type RetryPolicy } from './retry.js';
import { header } from './headers.js';
import { isIdempotentCall } from './idempotency.js';
import type { Method } from '../typing.js';

export interface Call {
  method: string;
  template: string;
  path: string;
  /** Sending it twice is harmless: a GET, or a write carrying the merchant's request number (asked only after a failure). */
  idempotent: () => boolean;
  /** The base URL of the first attempt. */
  baseURL: string;
}

/**
 * What the sender knows of a call (APIv3 or APIv2). Whether it may be sent twice is a method,
 * asked only after a failure: no closure is made per call for it.
 */
export class TemplateCall implements Call {
  readonly method: string;
  constructor(
    readonly rawMethod: Method,
    readonly template: string,
    readonly path: string,
    readonly options: unknown,
    readonly baseURL: string,
  ) {
    this.method = rawMethod.toUpperCase();
  }
  idempotent(): boolean {
    return isIdempotentCall(this.rawMethod, this.template, this.options);
  }
}

/**
 * One attempt; `baseURL` is set when it goes elsewhere than the call's own base URL, `fresh`
 * when it must not use a pooled connection.
 */
export type Attempt<R> = (baseURL: string | undefined, fresh: boolean) => Promise<R>;

export function send<R extends AxiosResponse>(call: Call, policy: RetryPolicy, observers: Observers, attempt: Attempt<R>): Promise<R> {
  const started = policy.now();
  // Nobody listening: the first attempt's promise is the call's, with no async frame of the
  // sender's own around it; the loop below takes over only once that attempt has failed.
  if (!observers.active) {
    let first: Promise<R>;
    try {
      first = attempt(undefined, false);
    } catch (error) {
      return attempts(call, policy, observers, attempt, started, { error });
    }
    return first.then(undefined, (error: unknown) => attempts(call, policy, observers, attempt, started, { error }));
  }
  return attempts(call, policy, observers, attempt, started, undefined);
}

/**
 * The attempts of a call, from the first; or, given the first one's `failed`ure (sent
 * unobserved by send() above), from the handling of that failure on.
 */
async function attempts<R extends AxiosResponse>(
  call: Call,
  policy: RetryPolicy,
  observers: Observers,
  attempt: Attempt<R>,
  started: number,
  failed: { error: unknown } | undefined,
): Promise<R> {
  let observed = failed === undefined && observers.active;
  let baseURL: string | undefined;
  let fresh = false;
  let resent = false;
  for (let n = 1; ; n++) {
    // (Unobserved when the first attempt's failure was handed over: observed is still false.)
    if (observed) observers.emit('request', { method: call.method, template: call.template, path: call.path, attempt: n });
    try {
      if (n === 1 && failed !== undefined) throw failed.error;
      const response = await attempt(baseURL, fresh);
      if (observed) observers.emit('response', responseEvent(call, n, policy.now() - started, response));
      return response;
    } catch (error) {
      observed ||= observers.active;
      // A kept-alive socket found dead before any byte of the request was written (WeChat Pay's
      // idle close racing it): the request provably never left, so it is sent again whatever it
      // is, once per call, at once, on a new connection; never with retries off. A socket that
      // died after the request was written is an ordinary failure: only an idempotent call is
      // resent, by the policy below.
      if (!resent && policy.retries > 0 && isUnsentFailure(error)) {
        resent = fresh = true;
        if (observed) {
          observers.emit('retry', { method: call.method, template: call.template, path: call.path, attempt: n, reason: 'stale keep-alive socket', delayMs: 0, elapsedMs: policy.now() - started, baseURL: baseURL ?? call.baseURL });
        }
        continue;
      }
      fresh = false;
      let failure = n <= policy.retries ? transient(error) : undefined;
      if (failure && !call.idempotent()) failure = undefined;
      const delay = failure ? backoff(policy, n, failure.retryAfter) : 0;
      const elapsed = failure || observed ? policy.now() - started : 0;
      if (!failure || elapsed + delay > policy.budget) {
        if (observed) observers.emit('error', errorEvent(call, n, elapsed, error));
        throw error;
      }
      if (failure.unreached && policy.failover && (baseURL ?? call.baseURL) === PRIMARY_BASE_URL) baseURL = BACKUP_BASE_URL;
      if (observed) {
        observers.emit('retry', { method: call.method, template: call.template, path: call.path, attempt: n, reason: failure.reason, delayMs: delay, elapsedMs: elapsed, baseURL: baseURL ?? call.baseURL });
      }
      await policy.sleep(delay);
    }
  }
}

function responseEvent(call: Call, attempt: number, elapsedMs: number, response: AxiosResponse) {
  return {
    method: call.method,
    template: call.template,
    path: call.path,
    attempt,
    status: response.status,
    requestId: header(response, 'request-id'),
    elapsedMs,
    verified: (response as AxiosResponse & { verified?: boolean }).verified === true,
    keyId: header(response, 'wechatpay-serial'),
  };
}

function errorEvent(call: Call, attempt: number, elapsedMs: number, error: unknown) {
  let status: number | undefined;
  let requestId: string | undefined;
  let verification: 'passed' | 'failed' | 'none' = 'none';
  if (error instanceof ApiError) {
    status = error.httpStatus;
    requestId = error.requestId;
    verification = error.verified ? 'passed' : 'none';
  } else if (error instanceof VerificationError) {
    status = error.httpStatus;
    requestId = error.requestId;
    verification = 'failed';
  } else if (error instanceof AxiosError && error.response) {
    status = error.response.status;
    requestId = header(error.response, 'request-id');
  }
  const code = error instanceof WechatpayError || error instanceof AxiosError ? (error.code ?? 'REQUEST_FAILED') : 'REQUEST_FAILED';
  return { method: call.method, template: call.template, path: call.path, attempt, code, status, requestId, elapsedMs, verification };
}
