// Time for the sandbox: when an order expires and when a notification is retried. The system
// clock by default; a manual one in tests, so retries and expiry are stepped, never raced.

export interface Scheduler {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `task` after `ms`; the handle is given back to `cancel`. */
  schedule(task: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

// setTimeout's largest delay; a later expiry is found when the order is next read.
const MAX_DELAY = 2 ** 31 - 1;

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(task, ms) {
    if (ms > MAX_DELAY) return undefined;
    const timer = setTimeout(task, Math.max(0, ms));
    // Pending retries never keep a process alive: closing the mock cancels them anyway.
    timer.unref();
    return timer;
  },
  cancel: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The system clock's pace from a chosen start, moved with `set(ms)`: timers stay real (retries
 * fire), but the sandbox's dates are the chosen ones, e.g. yesterday's orders and this morning's
 * bill of them (WeChat Pay makes a day's bill the next morning).
 */
export class MovableScheduler implements Scheduler {
  #offset: number;

  constructor(start: number | Date = Date.now()) {
    this.#offset = (typeof start === 'number' ? start : start.getTime()) - Date.now();
  }

  now(): number {
    return Date.now() + this.#offset;
  }

  /** From now on the clock reads `at` (milliseconds since the epoch) and runs on from there. */
  set(at: number | Date): void {
    this.#offset = (typeof at === 'number' ? at : at.getTime()) - Date.now();
  }

  schedule(task: () => void, ms: number): unknown {
    return systemScheduler.schedule(task, ms);
  }

  cancel(handle: unknown): void {
    systemScheduler.cancel(handle);
  }
}

interface Pending {
  at: number;
  seq: number;
  task: () => void;
}

/** A clock that moves only when told to: `advance(ms)` runs what falls due, in order. */
export class ManualScheduler implements Scheduler {
  #now: number;
  #seq = 0;
  #pending = new Set<Pending>();

  constructor(start: number | Date = Date.now()) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  schedule(task: () => void, ms: number): unknown {
    const pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, task };
    this.#pending.add(pending);
    return pending;
  }

  cancel(handle: unknown): void {
    this.#pending.delete(handle as Pending);
  }

  /** Tasks waiting, soonest first (their due times). */
  get due(): number[] {
    return [...this.#pending].sort((a, b) => a.at - b.at || a.seq - b.seq).map((p) => p.at);
  }

  /** Move the clock forward by `ms`, running every task that falls due on the way. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = [...this.#pending].filter((p) => p.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.#pending.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.task();
    }
    this.#now = until;
  }
}
