// Replay protection and the notification-id guard.
//
// A notification's nonce may be accepted once while its timestamp is inside the window: that
// refuses a replayed request. WeChat Pay itself also delivers a notification again, with a new
// nonce and signature, when its first 2xx was lost or late; the guard on the notification `id`
// keeps the handler's outcome so that such a delivery does not run the handler a second time.
// Both are one store, so several processes of one merchant can share them (Redis: `SET … NX PX`).
export interface NonceStore {
  /** Record `nonce` until `expiresAt` (unix seconds); false when it is already recorded. */
  claim(nonce: string, expiresAt: number): boolean | Promise<boolean>;
  /** Forget `nonce`, so a delivery that failed on the merchant's side can be retried. */
  release(nonce: string): void | Promise<void>;
}

/** What an earlier delivery of a notification id left. */
export type Begun =
  /** No delivery handled it and none is running: the caller runs the handler, then calls `finish` with `token`. */
  | { state: 'start'; token: string }
  /** Handled: `reply` is what was answered (JSON of the reply). */
  | { state: 'handled'; reply: string }
  /** Another delivery's handler is running (its lease has not run out). */
  | { state: 'in-progress' };

/** The notification-id guard: a NonceStore that also has these is shared for it too. */
export interface NotificationLedger {
  /** Marks `id` in progress for `leaseMs`, unless a delivery handled it or is handling it. */
  begin(id: string, leaseMs: number): Begun | Promise<Begun>;
  /** The outcome of the run `begin` started: handled (kept `keepMs`, with its reply) or failed (forgotten, so the next delivery runs it). */
  finish(id: string, token: string, outcome: { reply: string } | 'failed', keepMs: number): void | Promise<void>;
}

export function isLedger(store: unknown): store is NotificationLedger {
  return typeof (store as NotificationLedger | undefined)?.begin === 'function' && typeof (store as NotificationLedger | undefined)?.finish === 'function';
}

export interface MemoryNonceStoreOptions {
  /** Notification ids kept for the guard, the oldest forgotten first (default 100 000). */
  maxNotifications?: number;
}

let tokens = 0;

/** Nonces and notification ids in this process's memory: the default of a client's webhooks. */
export class MemoryNonceStore implements NonceStore, NotificationLedger {
  readonly #expiry = new Map<string, number>();
  readonly #notifications = new Map<string, { until: number; token: string; reply?: string }>();
  readonly #maxNotifications: number;

  constructor(options: MemoryNonceStoreOptions = {}) {
    const max = options.maxNotifications ?? 100_000;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxNotifications: expected a positive whole number');
    this.#maxNotifications = max;
  }

  claim(nonce: string, expiresAt: number): boolean {
    const now = Math.floor(Date.now() / 1000);
    // Entries go in roughly in expiry order; drop the expired ones from the front.
    for (const [key, expiry] of this.#expiry) {
      if (expiry > now) break;
      this.#expiry.delete(key);
    }
    const known = this.#expiry.get(nonce);
    if (known !== undefined && known > now) return false;
    this.#expiry.set(nonce, expiresAt);
    return true;
  }

  release(nonce: string): void {
    this.#expiry.delete(nonce);
  }

  begin(id: string, leaseMs: number): Begun {
    const now = Date.now();
    const known = this.#notifications.get(id);
    if (known && known.until > now) return known.reply !== undefined ? { state: 'handled', reply: known.reply } : { state: 'in-progress' };
    const token = `m${++tokens}`;
    this.#set(id, { until: now + leaseMs, token });
    return { state: 'start', token };
  }

  finish(id: string, token: string, outcome: { reply: string } | 'failed', keepMs: number): void {
    if (outcome === 'failed') {
      if (this.#notifications.get(id)?.token === token) this.#notifications.delete(id);
      return;
    }
    this.#set(id, { until: Date.now() + keepMs, token, reply: outcome.reply });
  }

  get size(): number {
    return this.#expiry.size;
  }

  // Re-inserted at the end, so the map stays in roughly the order entries were last written:
  // the oldest go first when the bound is reached.
  #set(id: string, entry: { until: number; token: string; reply?: string }): void {
    this.#notifications.delete(id);
    this.#notifications.set(id, entry);
    if (this.#notifications.size <= this.#maxNotifications) return;
    const now = Date.now();
    for (const [key, value] of this.#notifications) {
      if (this.#notifications.size <= this.#maxNotifications && value.until > now) break;
      this.#notifications.delete(key);
    }
  }
}
