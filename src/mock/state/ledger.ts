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
  #seq = 0;
  readonly #file: string | undefined;

  constructor(file?: string) {
    this.#file = file;
    if (file && existsSync(file)) this.restore(JSON.parse(readFileSync(file, 'utf8')) as SandboxSnapshot, file);
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
  }

  /** A payable order (not a combined one) by `out_trade_no` or `transaction_id`. */
  findPayable(by: { out_trade_no?: unknown; transaction_id?: unknown }): SandboxOrder | undefined {
    for (const order of this.orders.values()) {
      if (order.kind === 'combine') continue;
      if (typeof by.transaction_id === 'string' && by.transaction_id && order.transaction_id === by.transaction_id) return order;
      if (typeof by.out_trade_no === 'string' && by.out_trade_no && order.out_trade_no === by.out_trade_no) return order;
    }
    return undefined;
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

  /** Write the state file, if there is one. */
  save(): void {
    if (!this.#file) return;
    const temporary = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.snapshot())}\n`, { mode: 0o600 });
    renameSync(temporary, this.#file);
  }
}
