// Notifications to the merchant's notify_url as WeChat Pay sends them: the resource sealed under
// the APIv3 key, the envelope signed, POSTed; an answer other than 200/204 (or none within the
// deadline) is retried on WeChat Pay's documented schedule (15s/15s/30s/3m/10m/20m/30m/30m/30m/
// 60m/3h/3h/3h/6h/6h), compressed by the time factor. Every attempt is recorded.
import type { Scheduler } from './clock.js';
import type { Ledger } from './ledger.js';
import type { Build, Deliver, NotificationSigner } from './ports.js';
import { rfc3339 } from './time.js';
import type { DeliveryAttempt, SandboxDelivery } from './types.js';

/** Seconds between one attempt and the next, as WeChat Pay documents for its notifications. */
export const RETRY_SCHEDULE = Object.freeze([15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]);

/** How much of a merchant's answer is kept. */
const ANSWER_CHARACTERS = 2048;

export interface NotifierOptions {
  ledger: Ledger;
  scheduler: Scheduler;
  /** 1 is WeChat Pay's own pace; 0.01 turns 15 s into 150 ms. */
  timeFactor: number;
  /** How long the merchant has to answer one attempt, in ms. */
  timeoutMs: number;
  apiv3Key: string;
  signer: () => NotificationSigner;
  build: Build;
  deliver: Deliver;
  changed: () => void;
}

export interface NewDelivery {
  eventType: string;
  url: string;
  subject: string;
  resource: Record<string, unknown>;
  summary: string;
}

export class Notifier {
  readonly #options: NotifierOptions;
  readonly #timers = new Map<string, unknown>();
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor(options: NotifierOptions) {
    this.#options = options;
  }

  send(spec: NewDelivery): SandboxDelivery {
    const { ledger, scheduler } = this.#options;
    const delivery: SandboxDelivery = {
      id: `sandbox-${String(ledger.next()).padStart(8, '0')}-${scheduler.now().toString(36)}`,
      event_type: spec.eventType,
      url: spec.url,
      subject: spec.subject,
      resource: spec.resource,
      summary: spec.summary,
      created_at: scheduler.now(),
      state: 'pending',
      attempts: [],
    };
    ledger.deliveries.set(delivery.id, delivery);
    this.#attempt(delivery, true);
    return delivery;
  }

  /** Deliver again now (a new round of the schedule), whatever happened before. */
  redeliver(id: string): SandboxDelivery {
    const delivery = this.#options.ledger.deliveries.get(id);
    if (!delivery) throw new RangeError(`no delivery ${id}`);
    this.#cancel(id);
    delivery.state = 'pending';
    this.#attempt(delivery, true);
    return delivery;
  }

  /** Pick up the pending deliveries of a restored state. */
  resume(): void {
    const now = this.#options.scheduler.now();
    for (const delivery of this.#options.ledger.deliveries.values()) {
      if (delivery.state === 'pending') this.#later(delivery, Math.max(0, (delivery.next_at ?? now) - now));
    }
  }

  /** Resolves once no attempt is in flight. */
  async idle(): Promise<void> {
    while (this.#inFlight.size) await Promise.all([...this.#inFlight]);
  }

  close(): void {
    this.#closed = true;
    this.cancelAll();
  }

  /** Cancel every scheduled retry (attempts in flight still finish and are recorded). */
  cancelAll(): void {
    for (const id of [...this.#timers.keys()]) this.#cancel(id);
  }

  #cancel(id: string): void {
    const timer = this.#timers.get(id);
    if (timer !== undefined) this.#options.scheduler.cancel(timer);
    this.#timers.delete(id);
  }

  #later(delivery: SandboxDelivery, ms: number): void {
    this.#cancel(delivery.id);
    this.#timers.set(
      delivery.id,
      this.#options.scheduler.schedule(() => {
        this.#timers.delete(delivery.id);
        this.#attempt(delivery);
      }, ms),
    );
  }

  #attempt(delivery: SandboxDelivery, first = false): void {
    if (this.#closed) return;
    const run = this.#post(delivery).then((attempt) => {
      if (first) attempt.first = true;
      const { scheduler, timeFactor, changed } = this.#options;
      delivery.attempts.push(attempt);
      if (attempt.ok) {
        delivery.state = 'delivered';
        delete delivery.next_at;
      } else if (this.#retriesLeft(delivery) > 0 && !this.#closed) {
        const wait = RETRY_SCHEDULE[RETRY_SCHEDULE.length - this.#retriesLeft(delivery)]! * 1000 * timeFactor;
        delivery.next_at = scheduler.now() + wait;
        this.#later(delivery, wait);
      } else {
        delivery.state = 'failed';
        delete delivery.next_at;
      }
      changed();
    });
    const tracked = run.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  /** Attempts left in the current round: the schedule restarts at a redelivery. */
  #retriesLeft(delivery: SandboxDelivery): number {
    const sinceRound = delivery.attempts.length - 1 - delivery.attempts.map((a) => a.first === true).lastIndexOf(true);
    // e.g. one failed first attempt: all 15 retries left; after the 15th retry: none.
    return RETRY_SCHEDULE.length - sinceRound;
  }

  async #post(delivery: SandboxDelivery): Promise<DeliveryAttempt> {
    const { apiv3Key, signer, scheduler, timeoutMs, build, deliver } = this.#options;
    const associatedData = delivery.event_type.startsWith('REFUND.') ? 'refund' : 'transaction';
    // Signed with the wall clock: the merchant checks the timestamp against its own.
    const built = build({
      eventType: delivery.event_type,
      resource: delivery.resource,
      apiv3Key,
      signer: signer(),
      id: delivery.id,
      createTime: rfc3339(delivery.created_at),
      summary: delivery.summary,
      associatedData,
    });
    const at = scheduler.now();
    try {
      const response = await deliver(delivery.url, built, { timeoutMs });
      return { at, status: response.status, answer: response.body.slice(0, ANSWER_CHARACTERS), ok: response.status === 200 || response.status === 204 };
    } catch (failure) {
      return { at, answer: (failure as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : unreached(failure), ok: false };
    }
  }
}

interface Reason {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Why no answer came, as the network layer said it: `ECONNREFUSED 127.0.0.1:8081`, `ENOTFOUND shop.example`. */
export function unreached(failure: unknown): string {
  let reason = (failure ?? {}) as Reason;
  // fetch says only "fetch failed"; the socket's error is its cause (an AggregateError when
  // every address of a name failed: the first one speaks for them).
  while (reason.message === 'fetch failed' && reason.cause && typeof reason.cause === 'object') reason = reason.cause as Reason;
  if (Array.isArray(reason.errors) && reason.errors.length && typeof reason.address !== 'string') reason = { ...(reason.errors[0] as Reason), code: reason.code ?? (reason.errors[0] as Reason).code };
  const code = typeof reason.code === 'string' ? reason.code : undefined;
  if (code && typeof reason.address === 'string') return `${code} ${reason.address}${typeof reason.port === 'number' ? `:${reason.port}` : ''}`;
  if (code && typeof reason.hostname === 'string') return `${code} ${reason.hostname}`;
  const message = typeof reason.message === 'string' ? reason.message : String(failure);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
