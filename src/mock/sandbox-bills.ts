// The day's bill from the sandbox's state: the orders paid and the refunds applied on a Beijing
// calendar day become the rows of the trade and fund-flow bills that src/mock/bills.ts serves
// through the real apply → download_url → digest flow. As WeChat Pay does, a bill exists only for
// a day that is over (today's is refused, and yesterday's until the morning it is made), and a
// day without a payment or a refund has none (bills.ts: NO_STATEMENT_EXIST, or sample rows when asked).
import type { BillKind, BillRefusal, BillRowSource, BillRows } from './bills.js';
import type { Sandbox, SandboxOrder, SandboxRefund } from './state/index.js';
import { beijingDate, beijingDateTime, isoDay } from './state/time.js';

// When WeChat Pay has made the day's bill, on the next Beijing morning: 08:00 for trade bills
// (and statements), 10:00 for fund-flow bills.
const READY_HOUR: Record<BillKind, number> = { trade: 8, statement: 8, fundflow: 10, 'sub-merchant-fundflow': 10 };
const DAY = 86_400_000;

/** The refusal for a bill of `date` asked for at `now`, or undefined when the day's bill is made. */
export function billNotReady(kind: BillKind, date: string, now: number): BillRefusal | undefined {
  const day = isoDay(date);
  const start = Date.parse(`${day}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Number.isFinite(start)) {
    return { status: 400, code: 'PARAM_ERROR', message: `bill_date: 账单日期格式为 YYYY-MM-DD (got ${JSON.stringify(date.slice(0, 20))})` };
  }
  const today = beijingDate(now);
  if (day >= today) {
    return { status: 400, code: 'INVALID_REQUEST', message: `bill_date: 只能下载已结束的日期的账单 (${day} is not over yet in Beijing time, today is ${today}); ask for it tomorrow` };
  }
  const ready = start + DAY + READY_HOUR[kind] * 3_600_000;
  if (now < ready) {
    return { status: 400, code: 'STATEMENT_CREATING', message: `账单生成中: the ${day} bill is made at ${String(READY_HOUR[kind]).padStart(2, '0')}:00 Beijing time the next day` };
  }
  return undefined;
}

// WeChat Pay's usual service rate for the sandbox's fee column.
const RATE = 0.006;

const yuan = (fen: number): string => (fen / 100).toFixed(2);
const fee = (fen: number): number => Math.round(fen * RATE);

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function tradeRows(orders: readonly SandboxOrder[], refunds: readonly SandboxRefund[], sandbox: Sandbox, billType: string): BillRows {
  const base = (order: SandboxOrder | undefined) => ({
    appid: order?.appid ?? '',
    mchid: order?.mchid ?? '',
    sub_mchid: order?.sub_mchid ?? '0',
    device_info: '',
    openid: order?.openid ?? '',
    trade_type: order?.trade_type ?? '',
    bank_type: 'OTHERS',
    currency: order?.currency ?? 'CNY',
    coupon_amount: '0.00',
    description: text(order?.request.description),
    attach: text(order?.request.attach),
    rate: `${(RATE * 100).toFixed(2)}%`,
    rate_note: '',
  });
  const paid = orders.map((order) => ({
    ...base(order),
    trade_time: beijingDateTime(order.success_time!),
    transaction_id: order.transaction_id,
    out_trade_no: order.out_trade_no,
    trade_state: 'SUCCESS',
    settlement_total: yuan(order.total),
    refund_id: '0',
    out_refund_no: '0',
    refund_amount: '0.00',
    recharge_refund_amount: '0.00',
    refund_type: '',
    refund_status: '',
    fee: yuan(fee(order.total)),
    total: yuan(order.total),
    refund_apply_amount: '0.00',
  }));
  const refunded = refunds.map((refund) => ({
    ...base(sandbox.order(refund.out_trade_no)),
    trade_time: beijingDateTime(refund.created_at),
    transaction_id: refund.transaction_id,
    out_trade_no: refund.out_trade_no,
    trade_state: 'REFUND',
    settlement_total: '0.00',
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    refund_amount: yuan(refund.refund),
    recharge_refund_amount: '0.00',
    refund_type: 'ORIGINAL',
    refund_status: refund.status,
    fee: yuan(-fee(refund.refund)),
    total: '0.00',
    refund_apply_amount: yuan(refund.refund),
  }));
  if (billType === 'SUCCESS') return paid;
  if (billType === 'REFUND') return refunded;
  return [...paid, ...refunded].sort((a, b) => (a.trade_time < b.trade_time ? -1 : a.trade_time > b.trade_time ? 1 : 0));
}

function fundFlowRows(orders: readonly SandboxOrder[], refunds: readonly SandboxRefund[]): BillRows {
  const moves = [
    ...orders.map((o) => ({ at: o.success_time!, business_no: o.transaction_id, business_name: '交易', direction: '收入', fen: o.total - fee(o.total) })),
    ...refunds.map((r) => ({ at: r.created_at, business_no: r.refund_id, business_name: '退款', direction: '支出', fen: r.refund - fee(r.refund) })),
  ].sort((a, b) => a.at - b.at);
  let balance = 0;
  return moves.map((move, i) => {
    balance += move.direction === '收入' ? move.fen : -move.fen;
    return {
      accounting_time: beijingDateTime(move.at),
      business_no: move.business_no,
      flow_no: String(100001 + i),
      business_name: move.business_name,
      business_type: move.business_name,
      direction: move.direction,
      amount: yuan(move.fen),
      balance: yuan(balance),
      applicant: 'system',
      remark: '',
      voucher_no: '',
    };
  });
}

/**
 * A `mock.bills.source` that reads the sandbox: the refusal for a day not over yet (by the
 * sandbox's clock), else the day's rows, or `undefined` for a day with nothing on it.
 */
export function sandboxBillRows(sandbox: Sandbox): BillRowSource {
  return (kind, date, query) => {
    const refusal = billNotReady(kind, date, sandbox.scheduler.now());
    if (refusal) return refusal;
    let { orders, refunds } = sandbox.day(isoDay(date));
    if (query.sub_mchid) {
      orders = orders.filter((o) => o.sub_mchid === query.sub_mchid);
      refunds = refunds.filter((r) => r.sub_mchid === query.sub_mchid);
    }
    if (!orders.length && !refunds.length) return undefined;
    return kind === 'fundflow' || kind === 'sub-merchant-fundflow' ? fundFlowRows(orders, refunds) : tradeRows(orders, refunds, sandbox, query.bill_type ?? 'ALL');
  };
}
