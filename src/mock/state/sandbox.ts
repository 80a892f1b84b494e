// The sandbox: the core payment flows with memory. Orders (direct, partner, combined), their
// documented trade_state transitions, refunds checked against the order, close, query by either
// number, a simulated payer, and the notifications a payment or a refund sends. Requests to any
// other endpoint are not its business (they keep the documented sample answers).
import { webhookOf } from '../../model.js';
import { systemScheduler, type Scheduler } from './clock.js';
import { Ledger } from './ledger.js';
import { Notifier, RETRY_SCHEDULE } from './notifier.js';
import { type Build, type Deliver, type ModelField, type ModelOperation, type ModelView, type NotificationSigner, type Sample } from './ports.js';
import { canonical, merge, shape } from './shape.js';
import { beijingDate, compact, parseTime } from './time.js';
import type { OrderKind, SandboxDelivery, SandboxOrder, SandboxRefund, SandboxSnapshot, TradeState } from './types.js';
import { isPaid, orderValues, refundValues } from './values.js';

export interface SandboxOptions {
  /** Where to keep the state between runs (rewritten atomically after every change). */
  stateFile?: string;
  /** The clock expiry and retries run on (the system clock by default). */
  scheduler?: Scheduler;
  /** Multiplies WeChat Pay's retry delays (default 0.01: 15 s → 150 ms; 1 is the real pace). */
  timeFactor?: number;
  /** How long the merchant's server has to answer a notification, in ms (default 5000). */
  notifyTimeoutMs?: number;
  /** Seconds (before the time factor) a refund stays PROCESSING before it succeeds (default 0). */
  refundSeconds?: number;
}

/** What the simulated payer does: pay, cancel in the WeChat Pay sheet, or fail for lack of balance. */
export type PayOutcome = 'success' | 'cancel' | 'insufficient-balance';

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly code: 'ORDER_NOT_EXIST' | 'INVALID_STATE' | 'DELIVERY_NOT_EXIST',
    message: string,
  ) {
    super(message);
  }
}

/** A request the sandbox answers: everything the mock has checked and parsed. */
export interface SandboxRequest {
  method: string;
  template: string;
  params: Record<string, string>;
  query: URLSearchParams;
  json: unknown;
  operation?: ModelOperation;
}

export interface SandboxAnswer {
  status: number;
  json?: unknown;
}

const CHANNEL = '(jsapi|native|app|h5|miniprogram)';
const FAMILY = '(pay/transactions|pay/partner/transactions|combine-transactions)';
const CREATE = new RegExp(`^v3/${FAMILY}/${CHANNEL}$`);
const BY_OUT = new RegExp(`^v3/${FAMILY}/out-trade-no/\\{(?:combine_)?out_trade_no\\}$`);
const BY_ID = new RegExp(`^v3/${FAMILY}/id/\\{(?:combine_)?transaction_id\\}$`);
const CLOSE = new RegExp(`^v3/${FAMILY}/out-trade-no/\\{(?:combine_)?out_trade_no\\}/close$`);
const REVERSE = new RegExp(`^v3/${FAMILY}/out-trade-no/\\{out_trade_no\\}/reverse$`);
const REFUNDS = 'v3/refund/domestic/refunds';
const REFUND = 'v3/refund/domestic/refunds/{out_refund_no}';

const KIND: Record<string, OrderKind> = { 'pay/transactions': 'direct', 'pay/partner/transactions': 'partner', 'combine-transactions': 'combine' };
const TRADE_TYPE: Record<string, string> = { jsapi: 'JSAPI', miniprogram: 'JSAPI', native: 'NATIVE', app: 'APP', h5: 'MWEB' };
const QUERY_TEMPLATE: Record<OrderKind, string> = {
  direct: 'v3/pay/transactions/out-trade-no/{out_trade_no}',
  partner: 'v3/pay/partner/transactions/out-trade-no/{out_trade_no}',
  combine: 'v3/combine-transactions/out-trade-no/{combine_out_trade_no}',
  sub: 'v3/pay/partner/transactions/out-trade-no/{out_trade_no}',
};

const refuse = (status: number, code: string, message: string): SandboxAnswer => ({ status, json: { code, message } });
const expiryKey = (order: SandboxOrder) => `${order.kind}:${order.out_trade_no}`;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const integer = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) ? value : 0);

export interface SandboxDeps {
  model?: ModelView;
  apiv3Key: string;
  signer: () => NotificationSigner;
  sample: Sample;
  build: Build;
  deliver: Deliver;
}

export class Sandbox {
  readonly scheduler: Scheduler;
  readonly timeFactor: number;
  readonly #ledger: Ledger;
  readonly #notifier: Notifier;
  readonly #model: ModelView | undefined;
  readonly #sample: Sample;
  // Keyed by kind and number: a partner order may share its out_trade_no with a direct one.
  readonly #expiries = new Map<string, unknown>();
  #saving = false;
  readonly #refundTimers = new Set<unknown>();
  readonly #refundDelay: number;

  constructor(options: SandboxOptions, deps: SandboxDeps) {
    this.scheduler = options.scheduler ?? systemScheduler;
    this.timeFactor = options.timeFactor ?? 0.01;
    if (!(this.timeFactor >= 0 && Number.isFinite(this.timeFactor))) throw new RangeError('wxpay-chain sandbox: timeFactor must be a finite number ≥ 0');
    const timeoutMs = options.notifyTimeoutMs ?? 5000;
    if (!(timeoutMs > 0)) throw new RangeError('wxpay-chain sandbox: notifyTimeoutMs must be a positive number');
    this.#refundDelay = (options.refundSeconds ?? 0) * 1000 * this.timeFactor;
    this.#model = deps.model;
    this.#sample = deps.sample;
    this.#ledger = new Ledger(options.stateFile);
    this.#notifier = new Notifier({
      ledger: this.#ledger,
      scheduler: this.scheduler,
      timeFactor: this.timeFactor,
      timeoutMs,
      apiv3Key: deps.apiv3Key,
      signer: deps.signer,
      build: deps.build,
      deliver: deps.deliver,
      changed: () => this.#changed(),
    });
    for (const order of this.#ledger.orders.values()) this.#scheduleExpiry(order);
    for (const refund of this.#ledger.refunds.values()) if (refund.status === 'PROCESSING') this.#scheduleRefund(refund);
    this.#notifier.resume();
  }

  /** How many times the state file was written (changes are gathered: far fewer than changes). */
  get stateWrites(): number {
    return this.#ledger.writes;
  }

  /** WeChat Pay's documented retry delays in seconds (before the time factor). */
  static readonly retrySchedule = RETRY_SCHEDULE;

  // ——— the API on the mock object ———

  orders(): SandboxOrder[] {
    for (const order of this.#ledger.orders.values()) this.#touch(order);
    return [...this.#ledger.orders.values()];
  }

  refunds(): SandboxRefund[] {
    return [...this.#ledger.refunds.values()];
  }

  deliveries(): SandboxDelivery[] {
    return [...this.#ledger.deliveries.values()];
  }

  /** A payable order by its `out_trade_no` (or a combined order by its `combine_out_trade_no`). */
  order(outTradeNo: string): SandboxOrder | undefined {
    const order = (['direct', 'partner', 'combine'] as const).map((kind) => this.#ledger.order(kind, outTradeNo)).find(Boolean);
    return order && this.#touch(order);
  }

  /**
   * The simulated payer. `success` pays (trade_state SUCCESS, TRANSACTION.SUCCESS sent to the
   * notify_url); `cancel` leaves the order unpaid (NOTPAY), as a payer closing the sheet does;
   * `insufficient-balance` fails it (PAYERROR).
   */
  pay(outTradeNo: string, outcome: PayOutcome = 'success'): SandboxOrder {
    const order = this.#payable(outTradeNo);
    if (outcome === 'success') {
      const now = this.scheduler.now();
      for (const each of this.#family(order)) this.#transition(each, 'SUCCESS', '支付成功', now);
      this.#notify(order, 'TRANSACTION.SUCCESS', '支付成功');
    } else if (outcome === 'insufficient-balance') {
      for (const each of this.#family(order)) this.#transition(each, 'PAYERROR', '支付失败，零钱余额不足');
    } else if (outcome === 'cancel') {
      for (const each of this.#family(order)) this.#transition(each, 'NOTPAY', '用户取消支付');
    } else {
      throw new RangeError(`wxpay-chain sandbox: outcome must be success, cancel or insufficient-balance, got ${String(outcome)}`);
    }
    this.#changed();
    return order;
  }

  /** Let an unpaid order run past its time_expire now: it is closed. */
  expire(outTradeNo: string): SandboxOrder {
    const order = this.#payable(outTradeNo);
    for (const each of this.#family(order)) this.#transition(each, 'CLOSED', '订单已过期');
    this.#changed();
    return order;
  }

  /** Send a notification again (a fresh round of the retry schedule). */
  redeliver(id: string): SandboxDelivery {
    if (!this.#ledger.deliveries.has(id)) throw new SandboxError('DELIVERY_NOT_EXIST', `no notification delivery ${id}`);
    return this.#notifier.redeliver(id);
  }

  /**
   * The orders and refunds of one Beijing calendar day (`YYYY-MM-DD`), for the day's bill: orders
   * paid that day, refunds created that day (WeChat Pay's trade bill lists a refund on the day it
   * was applied for).
   */
  day(date: string): { orders: SandboxOrder[]; refunds: SandboxRefund[] } {
    return {
      orders: this.orders().filter((o) => o.kind !== 'combine' && o.success_time !== undefined && beijingDate(o.success_time) === date),
      refunds: this.refunds().filter((r) => beijingDate(r.created_at) === date),
    };
  }

  /** Resolves when no notification attempt is in flight. */
  idle(): Promise<void> {
    return this.#notifier.idle();
  }

  snapshot(): SandboxSnapshot {
    return structuredClone(this.#ledger.snapshot());
  }

  /** Forget every order, refund and delivery and cancel what is scheduled (e.g. in `beforeEach`). */
  reset(): void {
    this.#notifier.cancelAll();
    this.#cancelRefunds();
    for (const timer of this.#expiries.values()) this.scheduler.cancel(timer);
    this.#expiries.clear();
    this.#ledger.clear();
    this.#changed();
  }

  #cancelRefunds(): void {
    for (const timer of this.#refundTimers) this.scheduler.cancel(timer);
    this.#refundTimers.clear();
  }

  close(): void {
    this.#notifier.close();
    this.#ledger.close();
    this.#cancelRefunds();
    for (const timer of this.#expiries.values()) this.scheduler.cancel(timer);
    this.#expiries.clear();
  }

  // ——— requests the mock has checked ———

  /** The answer from state, or undefined when the endpoint is not one the sandbox keeps. */
  answer(request: SandboxRequest): SandboxAnswer | undefined {
    const { method, template } = request;
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = CREATE.exec(template))) return this.#create(KIND[m[1]!]!, TRADE_TYPE[m[2]!]!, request);
    if (method === 'GET' && (m = BY_OUT.exec(template))) return this.#query(KIND[m[1]!]!, request, 'out');
    if (method === 'GET' && (m = BY_ID.exec(template))) return this.#query(KIND[m[1]!]!, request, 'id');
    if (method === 'POST' && (m = CLOSE.exec(template))) return this.#close(KIND[m[1]!]!, request);
    if (method === 'POST' && (m = REVERSE.exec(template))) return this.#reverse(KIND[m[1]!]!, request);
    if (method === 'POST' && template === REFUNDS) return this.#refund(request);
    if (method === 'GET' && template === REFUND) return this.#refundQuery(request);
    return undefined;
  }

  #create(kind: OrderKind, tradeType: string, request: SandboxRequest): SandboxAnswer {
    const body = record(request.json);
    const outTradeNo = text(kind === 'combine' ? body.combine_out_trade_no : body.out_trade_no);
    if (!outTradeNo) return refuse(400, 'PARAM_ERROR', 'out_trade_no is missing');
    const fingerprint = canonical({ template: request.template, body });
    const existing = this.#ledger.order(kind, outTradeNo);
    if (existing) {
      this.#touch(existing);
      if (existing.fingerprint !== fingerprint) return refuse(400, 'INVALID_REQUEST', '201 商户订单号重复');
      if (isPaid(existing)) return refuse(400, 'ORDERPAID', '该订单已支付');
      if (existing.trade_state === 'CLOSED' || existing.trade_state === 'REVOKED') return refuse(400, 'ORDER_CLOSED', '订单已关闭');
      return { status: 200, json: existing.answer };
    }
    if (kind === 'combine') {
      for (const sub of Array.isArray(body.sub_orders) ? body.sub_orders : []) {
        const no = text(record(sub).out_trade_no);
        if (no && this.#ledger.order('sub', no)) return refuse(400, 'INVALID_REQUEST', `201 子单商户订单号重复: ${no}`);
      }
    }
    const now = this.scheduler.now();
    const amount = record(body.amount);
    const payer = record(kind === 'combine' ? body.combine_payer_info : body.payer);
    const order: SandboxOrder = {
      kind,
      out_trade_no: outTradeNo,
      transaction_id: this.#transactionId(now),
      trade_type: tradeType,
      trade_state: 'NOTPAY',
      trade_state_desc: '订单未支付',
      template: request.template,
      request: body,
      fingerprint,
      answer: {},
      created_at: now,
      total: integer(amount.total),
      currency: text(amount.currency) ?? 'CNY',
      refunded: 0,
    };
    const expire = parseTime(body.time_expire);
    if (expire !== undefined) order.time_expire = expire;
    const notify = text(body.notify_url);
    if (notify) order.notify_url = notify;
    const mchid = text(body.mchid) ?? text(body.sp_mchid) ?? text(body.combine_mchid);
    if (mchid) order.mchid = mchid;
    if (text(body.sub_mchid)) order.sub_mchid = text(body.sub_mchid)!;
    const openid = text(payer.openid) ?? text(payer.sp_openid) ?? text(payer.sub_openid);
    if (openid) order.openid = openid;
    const appid = text(body.appid) ?? text(body.sp_appid) ?? text(body.combine_appid);
    if (appid) order.appid = appid;
    if (kind === 'combine') {
      order.sub_orders = [];
      for (const raw of Array.isArray(body.sub_orders) ? body.sub_orders : []) {
        const sub = record(raw);
        const no = text(sub.out_trade_no);
        if (!no) continue;
        const subAmount = record(sub.amount);
        const child: SandboxOrder = {
          ...order,
          kind: 'sub',
          out_trade_no: no,
          transaction_id: this.#transactionId(now),
          request: sub,
          fingerprint: canonical(sub),
          total: integer(subAmount.total_amount),
          currency: text(subAmount.currency) ?? 'CNY',
          parent: outTradeNo,
        };
        delete child.sub_orders;
        if (text(sub.mchid)) child.mchid = text(sub.mchid)!;
        if (text(sub.sub_mchid)) child.sub_mchid = text(sub.sub_mchid)!;
        this.#ledger.putOrder(child);
        order.sub_orders.push(no);
      }
      order.total = order.sub_orders.reduce((sum, no) => sum + (this.#ledger.order('sub', no)?.total ?? 0), 0);
    }
    order.answer = this.#prepayAnswer(order, request.operation);
    this.#ledger.putOrder(order);
    this.#scheduleExpiry(order);
    this.#changed();
    return { status: 200, json: order.answer };
  }

  #query(kind: OrderKind, request: SandboxRequest, by: 'out' | 'id'): SandboxAnswer {
    const order = this.#lookup(kind, request.params, by);
    if (!order) return refuse(404, 'ORDER_NOT_EXIST', '订单不存在');
    const values = orderValues(order, this.#ledger);
    const answer = shape(request.operation?.response.fields, values, this.#sample);
    // The amount as the payment notification has it (payer_total, payer_currency once paid), even
    // where the query's table lists fewer of its members: WeChat Pay answers both the same.
    if (order.kind !== 'combine' && answer.amount && typeof answer.amount === 'object') {
      const notified = this.#resource('TRANSACTION.SUCCESS', QUERY_TEMPLATE[order.kind], values).amount;
      answer.amount = { ...(notified as object | undefined), ...(answer.amount as object) };
    }
    return { status: 200, json: answer };
  }

  #close(kind: OrderKind, request: SandboxRequest): SandboxAnswer {
    const order = this.#lookup(kind, request.params, 'out');
    if (!order) return refuse(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (isPaid(order)) return refuse(400, 'ORDERPAID', '该订单已支付');
    for (const each of this.#family(order)) if (each.trade_state !== 'REVOKED') this.#transition(each, 'CLOSED', '已关闭');
    this.#changed();
    return { status: 204 };
  }

  #reverse(kind: OrderKind, request: SandboxRequest): SandboxAnswer {
    const order = this.#lookup(kind, request.params, 'out');
    if (!order) return refuse(404, 'ORDER_NOT_EXIST', '订单不存在');
    this.#transition(order, 'REVOKED', '已撤销');
    this.#changed();
    return { status: 200, json: shape(request.operation?.response.fields, { ...orderValues(order, this.#ledger), recall: false }, this.#sample) };
  }

  #refund(request: SandboxRequest): SandboxAnswer {
    const body = record(request.json);
    const outRefundNo = text(body.out_refund_no);
    if (!outRefundNo) return refuse(400, 'PARAM_ERROR', 'out_refund_no is missing');
    const fingerprint = canonical(body);
    const fields = request.operation?.response.fields;
    const existing = this.#ledger.refunds.get(outRefundNo);
    if (existing) {
      if (existing.fingerprint !== fingerprint) return refuse(400, 'INVALID_REQUEST', '退款单号已被使用，且本次请求与首次请求的参数不一致');
      return { status: 200, json: shape(fields, refundValues(existing), this.#sample) };
    }
    const order = this.#ledger.findPayable({ out_trade_no: body.out_trade_no, transaction_id: body.transaction_id });
    if (!order) return refuse(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    this.#touch(order);
    if (!isPaid(order) || order.trade_state === 'REVOKED') return refuse(400, 'INVALID_REQUEST', `订单状态为 ${order.trade_state}，不能退款`);
    const amount = record(body.amount);
    const refund = integer(amount.refund);
    if (integer(amount.total) !== order.total) return refuse(400, 'INVALID_REQUEST', `订单金额 amount.total 应为 ${order.total}`);
    if (refund < 1) return refuse(400, 'PARAM_ERROR', 'amount.refund 必须大于 0');
    if (refund > order.total - order.refunded) return refuse(400, 'INVALID_REQUEST', `申请退款金额超过订单可退金额 ${order.total - order.refunded}`);
    const now = this.scheduler.now();
    const created: SandboxRefund = {
      out_refund_no: outRefundNo,
      refund_id: `50${compact(now)}${String(this.#ledger.next()).padStart(15, '0')}`,
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id,
      status: 'PROCESSING',
      refund,
      total: order.total,
      currency: text(amount.currency) ?? order.currency,
      request: body,
      fingerprint,
      created_at: now,
    };
    const notify = text(body.notify_url) ?? order.notify_url;
    if (notify) created.notify_url = notify;
    if (order.mchid) created.mchid = order.mchid;
    const subMchid = text(body.sub_mchid) ?? order.sub_mchid;
    if (subMchid) created.sub_mchid = subMchid;
    if (text(body.funds_account)) created.funds_account = text(body.funds_account)!;
    order.refunded += refund;
    this.#transition(order, 'REFUND', '转入退款');
    this.#ledger.refunds.set(outRefundNo, created);
    this.#scheduleRefund(created);
    this.#changed();
    return { status: 200, json: shape(fields, refundValues(created), this.#sample) };
  }

  #refundQuery(request: SandboxRequest): SandboxAnswer {
    const refund = this.#ledger.refunds.get(request.params.out_refund_no ?? '');
    if (!refund) return refuse(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, json: shape(request.operation?.response.fields, refundValues(refund), this.#sample) };
  }

  // ——— transitions ———

  #lookup(kind: OrderKind, params: Record<string, string>, by: 'out' | 'id'): SandboxOrder | undefined {
    let order: SandboxOrder | undefined;
    if (by === 'out') order = this.#ledger.order(kind, params.out_trade_no ?? params.combine_out_trade_no ?? '');
    else {
      const id = params.transaction_id ?? params.combine_transaction_id;
      // Unpaid orders are found by out_trade_no only: they have no transaction_id yet.
      const found = this.#ledger.byTransaction(kind, id ?? '');
      order = found && isPaid(found) ? found : undefined;
    }
    return order && this.#touch(order);
  }

  #payable(outTradeNo: string): SandboxOrder {
    const order = this.order(outTradeNo);
    if (!order) throw new SandboxError('ORDER_NOT_EXIST', `no order ${outTradeNo} in this sandbox`);
    if (order.trade_state !== 'NOTPAY' && order.trade_state !== 'USERPAYING') {
      throw new SandboxError('INVALID_STATE', `order ${outTradeNo} is ${order.trade_state}; only an unpaid (NOTPAY) order can be paid or expired`);
    }
    return order;
  }

  /** The order itself, and the sub-orders of a combined order. */
  #family(order: SandboxOrder): SandboxOrder[] {
    const subs = (order.sub_orders ?? []).map((no) => this.#ledger.order('sub', no)).filter((s): s is SandboxOrder => s !== undefined);
    return [order, ...subs];
  }

  #transition(order: SandboxOrder, state: TradeState, description: string, paidAt?: number): void {
    order.trade_state = state;
    order.trade_state_desc = description;
    if (paidAt !== undefined) order.success_time = paidAt;
    if (state !== 'NOTPAY') {
      const key = expiryKey(order);
      const timer = this.#expiries.get(key);
      if (timer !== undefined) this.scheduler.cancel(timer);
      this.#expiries.delete(key);
    }
  }

  /**
   * An unpaid order past its time_expire is closed when next seen (and by a timer when one fits).
   * A read that closes orders writes the state file once, after the read, not once per order.
   */
  #touch(order: SandboxOrder): SandboxOrder {
    if (order.time_expire !== undefined && order.trade_state === 'NOTPAY' && this.scheduler.now() >= order.time_expire) {
      for (const each of this.#family(order)) this.#transition(each, 'CLOSED', '订单已过期');
      if (!this.#saving) {
        this.#saving = true;
        queueMicrotask(() => {
          this.#saving = false;
          this.#changed();
        });
      }
    }
    return order;
  }

  #scheduleExpiry(order: SandboxOrder): void {
    if (order.time_expire === undefined || order.trade_state !== 'NOTPAY' || order.kind === 'sub') return;
    const timer = this.scheduler.schedule(() => {
      this.#expiries.delete(expiryKey(order));
      this.#touch(order);
    }, order.time_expire - this.scheduler.now());
    if (timer !== undefined) this.#expiries.set(expiryKey(order), timer);
  }

  #scheduleRefund(refund: SandboxRefund): void {
    const timer = this.scheduler.schedule(() => {
      this.#refundTimers.delete(timer);
      // A refund forgotten by reset() is not completed.
      if (refund.status !== 'PROCESSING' || this.#ledger.refunds.get(refund.out_refund_no) !== refund) return;
      refund.status = 'SUCCESS';
      refund.success_time = this.scheduler.now();
      if (refund.notify_url) {
        this.#notifier.send({
          eventType: 'REFUND.SUCCESS',
          url: refund.notify_url,
          subject: `refund:${refund.out_refund_no}`,
          resource: this.#resource('REFUND.SUCCESS', REFUND, refundValues(refund)),
          summary: '退款成功',
        });
      }
      this.#changed();
    }, this.#refundDelay);
    this.#refundTimers.add(timer);
  }

  #notify(order: SandboxOrder, eventType: string, summary: string): void {
    if (!order.notify_url) return;
    this.#notifier.send({
      eventType,
      url: order.notify_url,
      subject: `order:${order.out_trade_no}`,
      resource: this.#resource(eventType, QUERY_TEMPLATE[order.kind], orderValues(order, this.#ledger)),
      summary,
    });
  }

  /** A notification resource: the fields of the query answer and of the event's documented resource. */
  #resource(eventType: string, queryTemplate: string, values: Record<string, unknown>): Record<string, unknown> {
    if (!this.#model) return values;
    const query = this.#operation(queryTemplate, 'get')?.response.fields;
    const event = webhookOf(this.#model.webhooks, eventType)?.resource as readonly ModelField[] | undefined;
    return merge(shape(query, values, false), shape(event, values, false));
  }

  #operation(template: string, method: string): ModelOperation | undefined {
    return this.#model?.endpoints.find((e) => e.template === template)?.operations.find((o) => o.method === method);
  }

  #prepayAnswer(order: SandboxOrder, operation: ModelOperation | undefined): Record<string, unknown> {
    const sample = operation?.response.kind === 'json' ? this.#sample(operation.response.fields) : {};
    const prepayId = `wx${compact(order.created_at)}${String(this.#ledger.next()).padStart(10, '0')}${order.transaction_id.slice(-8)}`;
    const answer: Record<string, unknown> = { ...sample };
    if (!operation || 'prepay_id' in sample) answer.prepay_id = prepayId;
    if ('code_url' in sample || (!operation && order.trade_type === 'NATIVE')) answer.code_url = `weixin://wxpay/bizpayurl?pr=${order.transaction_id.slice(-7)}`;
    if ('h5_url' in sample || (!operation && order.trade_type === 'MWEB')) answer.h5_url = `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${order.transaction_id.slice(-10)}`;
    return answer;
  }

  #transactionId(now: number): string {
    return `4200${compact(now).slice(0, 8)}${String(this.#ledger.next()).padStart(16, '0')}`;
  }

  #changed(): void {
    this.#ledger.save();
  }
}
