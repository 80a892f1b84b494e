// The sandbox's memory: orders, refunds and deliveries by key, with an optional file. The file
// is written off the request path: changes are gathered for `debounceMs` and written once,
// asynchronously, as a temporary file renamed over the old one (a crash leaves the old state or
// the new one, never half of either); `close()` writes what is still pending, synchronously. A
// file is checked entry by entry when it is read: one the sandbox did not write is refused with
// the entry and field named, not trusted until a timer trips over it.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { OrderKind, SandboxDelivery, SandboxOrder, SandboxRefund, SandboxSnapshot } from './types.js';

const orderKey = (kind: OrderKind, outTradeNo: string) => `${kind}:${outTradeNo}`;

/** A state file that cannot be read, or does not hold what the sandbox writes. */
export class StateFileError extends Error {
  override name = 'StateFileError';
}

export class Ledger {
  readonly orders = new Map<string, SandboxOrder>();
  readonly refunds = new Map<string, SandboxRefund>();
  readonly deliveries = new Map<string, SandboxDelivery>();
  // Indexes, so a refund or a query by number costs the same with 20,000 orders as with one.
  readonly #payableByNo = new Map<string, SandboxOrder>();
  readonly #byTransaction = new Map<string, SandboxOrder>();
  #seq = 0;
  readonly #file: string | undefined;
  readonly #debounceMs: number;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #closed = false;
  /** Writes of the state file so far. */
  writes = 0;

  constructor(file?: string, options: { debounceMs?: number } = {}) {
    this.#file = file;
    this.#debounceMs = options.debounceMs ?? 200;
    if (file && existsSync(file)) {
      let snapshot: SandboxSnapshot;
      try {
        snapshot = JSON.parse(readFileSync(file, 'utf8')) as SandboxSnapshot;
      } catch (failure) {
        throw new StateFileError(`wxpay-chain sandbox: ${file} is not a sandbox state file (${(failure as Error).message})`);
      }
      this.restore(snapshot, file);
    }
  }

  /** A number never handed out before by this ledger (ids are built from it). */
  next(): number {
    this.#seq += 1;
    return this.#seq;
  }

  order(kind: OrderKind, outTradeNo: string): SandboxOrder | undefined {
    return this.orders.get(orderKey(kind, outTradeNo));
  }

  putOrder(order: SandboxOrder): void {
    this.orders.set(orderKey(order.kind, order.out_trade_no), order);
    this.#byTransaction.set(`${order.kind}:${order.transaction_id}`, order);
    if (order.kind !== 'combine' && !this.#payableByNo.has(order.out_trade_no)) this.#payableByNo.set(order.out_trade_no, order);
  }

  /** An order of `kind` by its `transaction_id`. */
  byTransaction(kind: OrderKind, transactionId: string): SandboxOrder | undefined {
    return this.#byTransaction.get(`${kind}:${transactionId}`);
  }

  /** A payable order (not a combined one) by `out_trade_no` or `transaction_id`. */
  findPayable(by: { out_trade_no?: unknown; transaction_id?: unknown }): SandboxOrder | undefined {
    if (typeof by.transaction_id === 'string' && by.transaction_id) {
      for (const kind of ['direct', 'partner', 'sub'] as const) {
        const order = this.byTransaction(kind, by.transaction_id);
        if (order) return order;
      }
    }
    return typeof by.out_trade_no === 'string' && by.out_trade_no ? this.#payableByNo.get(by.out_trade_no) : undefined;
  }

  snapshot(): SandboxSnapshot {
    return { version: 1, seq: this.#seq, orders: [...this.orders.values()], refunds: [...this.refunds.values()], deliveries: [...this.deliveries.values()] };
  }

  restore(snapshot: SandboxSnapshot, from = 'snapshot'): void {
    if (snapshot?.version !== 1) throw new StateFileError(`wxpay-chain sandbox: ${from} is not a sandbox state file: its version is ${JSON.stringify(snapshot?.version)}, this sandbox reads version 1`);
    const missing = (['orders', 'refunds', 'deliveries'] as const).find((list) => !Array.isArray(snapshot[list]));
    if (missing) throw new StateFileError(`wxpay-chain sandbox: ${from}: ${missing}: expected a list (a sandbox state file has orders, refunds and deliveries)`);
    checkSnapshot(snapshot, from);
    this.#seq = Math.max(this.#seq, snapshot.seq);
    for (const order of snapshot.orders) this.putOrder(order);
    for (const refund of snapshot.refunds) this.refunds.set(refund.out_refund_no, refund);
    for (const delivery of snapshot.deliveries) this.deliveries.set(delivery.id, delivery);
  }

  /** Forget everything (the sequence goes on, so no id is handed out twice). */
  clear(): void {
    this.orders.clear();
    this.refunds.clear();
    this.deliveries.clear();
    this.#payableByNo.clear();
    this.#byTransaction.clear();
  }

  /** Note a change: the state file (if there is one) is written within `debounceMs`, off the caller's path. */
  save(): void {
    if (!this.#file) return;
    this.#dirty = true;
    // A change after close (an attempt that was in flight) is written at once.
    if (this.#closed && !this.#writing) return this.close();
    if (this.#timer || this.#writing) return;
    this.#timer = setTimeout(() => void this.#write(), this.#debounceMs);
    this.#timer.unref();
  }

  /** Writes what is pending now, synchronously (on close: nothing is lost). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#file || !this.#dirty) return;
    this.#dirty = false;
    const temporary = `${this.#file}.${process.pid}.sync.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.snapshot())}\n`, { mode: 0o600 });
    renameSync(temporary, this.#file);
    this.writes++;
  }

  async #write(): Promise<void> {
    this.#timer = undefined;
    if (!this.#file || !this.#dirty) return;
    this.#dirty = false;
    const temporary = `${this.#file}.${process.pid}.tmp`;
    const text = `${JSON.stringify(this.snapshot())}\n`;
    this.#writing = writeFile(temporary, text, { mode: 0o600 })
      .then(() => rename(temporary, this.#file!))
      .then(() => void this.writes++)
      .catch((failure: unknown) => {
        // Kept dirty: the next change (or close) writes again.
        this.#dirty = true;
        process.emitWarning(`wxpay-chain sandbox: could not write ${this.#file} (${(failure as Error).message})`);
      })
      .finally(() => {
        this.#writing = undefined;
        // Changes made while this write ran go in the next one.
        if (this.#dirty) this.save();
      });
    await this.#writing;
  }
}

const ORDER_KINDS = new Set(['direct', 'partner', 'combine', 'sub']);
const DELIVERY_STATES = new Set(['pending', 'delivered', 'failed']);

/** Every entry of a snapshot has what the sandbox reads of it; else an error naming it. */
function checkSnapshot(snapshot: SandboxSnapshot, from: string): void {
  const wrong = (at: string, expected: string): never => {
    throw new StateFileError(`wxpay-chain sandbox: ${from}: ${at}: expected ${expected}; the file was not written by this sandbox (fix or remove the entry, or start without --state)`);
  };
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const text = (value: unknown, at: string) => (typeof value === 'string' && value !== '') || wrong(at, 'a non-empty string');
  const count = (value: unknown, at: string) => (typeof value === 'number' && Number.isFinite(value) && value >= 0) || wrong(at, 'a number (0 or more)');
  if (!Number.isSafeInteger(snapshot.seq) || snapshot.seq < 0) wrong('seq', 'a whole number');
  snapshot.orders.forEach((order, i) => {
    const at = `orders[${i}]`;
    if (!isObject(order)) wrong(at, 'an order object');
    if (!ORDER_KINDS.has(order.kind)) wrong(`${at}.kind`, 'direct, partner, combine or sub');
    text(order.out_trade_no, `${at}.out_trade_no`);
    text(order.transaction_id, `${at}.transaction_id`);
    text(order.trade_state, `${at}.trade_state`);
    count(order.total, `${at}.total`);
    count(order.refunded, `${at}.refunded`);
    count(order.created_at, `${at}.created_at`);
    if (!isObject(order.request)) wrong(`${at}.request`, 'the creation request (an object)');
    if (!isObject(order.answer)) wrong(`${at}.answer`, 'the creation answer (an object)');
  });
  snapshot.refunds.forEach((refund, i) => {
    const at = `refunds[${i}]`;
    if (!isObject(refund)) wrong(at, 'a refund object');
    for (const field of ['out_refund_no', 'refund_id', 'out_trade_no', 'status'] as const) text(refund[field], `${at}.${field}`);
    count(refund.refund, `${at}.refund`);
    count(refund.created_at, `${at}.created_at`);
  });
  snapshot.deliveries.forEach((delivery, i) => {
    const at = `deliveries[${i}]`;
    if (!isObject(delivery)) wrong(at, 'a delivery object');
    for (const field of ['id', 'event_type', 'url', 'subject'] as const) text(delivery[field], `${at}.${field}`);
    if (!DELIVERY_STATES.has(delivery.state)) wrong(`${at}.state`, 'pending, delivered or failed');
    if (!isObject(delivery.resource)) wrong(`${at}.resource`, 'the notification resource (an object)');
    if (typeof delivery.summary !== 'string') wrong(`${at}.summary`, 'a string');
    count(delivery.created_at, `${at}.created_at`);
    if (!Array.isArray(delivery.attempts)) wrong(`${at}.attempts`, 'a list of attempts');
    delivery.attempts.forEach((attempt, j) => {
      if (!isObject(attempt) || typeof attempt.ok !== 'boolean' || typeof attempt.answer !== 'string') wrong(`${at}.attempts[${j}]`, '{ at, ok, answer }');
      count(attempt.at, `${at}.attempts[${j}].at`);
    });
    if (delivery.state === 'pending' && delivery.next_at !== undefined) count(delivery.next_at, `${at}.next_at`);
  });
}
