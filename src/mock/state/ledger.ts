// The sandbox's memory: orders, refunds and deliveries by key, with an optional file that is
// rewritten whole after every change (a temporary file renamed over the old one, so a crash
// leaves the old state or the new one, never half of either).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { OrderKind, SandboxDelivery, SandboxOrder, SandboxRefund, SandboxSnapshot } from './types.js';

const orderKey = (kind: OrderKind, outTradeNo: string) => `${kind}:${outTradeNo}`;

export class Ledger {
  readonly orders = new Map<string, SandboxOrder>();
  readonly refunds = new Map<string, SandboxRefund>();
  readonly deliveries = new Map<string, SandboxDelivery>();
  // Indexes, so a refund or a query by number costs the same with 20,000 orders as with one.
  readonly #payableByNo = new Map<string, SandboxOrder>();
  readonly #byTransaction = new Map<string, SandboxOrder>();
  #seq = 0;
  readonly #file: string | undefined;

  constructor(file?: string) {
    this.#file = file;
    if (file && existsSync(file)) {
      let snapshot: SandboxSnapshot;
      try {
        snapshot = JSON.parse(readFileSync(file, 'utf8')) as SandboxSnapshot;
      } catch (failure) {
        throw new Error(`wxpay-chain sandbox: ${file} is not a sandbox state file (${(failure as Error).message})`);
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
    if (snapshot?.version !== 1 || !Array.isArray(snapshot.orders) || !Array.isArray(snapshot.refunds) || !Array.isArray(snapshot.deliveries)) {
      throw new Error(`wxpay-chain sandbox: ${from} is not a sandbox state file (version 1)`);
    }
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

  /** Write the state file, if there is one. */
  save(): void {
    if (!this.#file) return;
    const temporary = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.snapshot())}\n`, { mode: 0o600 });
    renameSync(temporary, this.#file);
  }
}
