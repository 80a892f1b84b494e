// The day's bill from the sandbox's state (issue #16 item 3): the orders paid and the refunds
// applied on a Beijing calendar day become the rows of the trade and fund-flow bills that
// src/mock/bills.ts serves through the real apply → download_url → digest flow. A day with no
// activity falls back to the sample rows, so the documentation's samples keep their answers.
import type { BillRowSource, BillRows } from './bills.js';
import type { Sandbox, SandboxOrder, SandboxRefund } from './state/index.js';
import { beijingDateTime, isoDay } from './state/time.js';

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

/** A `mock.bills.source` that reads the sandbox: rows for a day with activity, `undefined` (sample rows) otherwise. */
export function sandboxBillRows(sandbox: Sandbox): BillRowSource {
  return (kind, date, query) => {
    let { orders, refunds } = sandbox.day(isoDay(date));
    if (query.sub_mchid) {
      orders = orders.filter((o) => o.sub_mchid === query.sub_mchid);
      refunds = refunds.filter((r) => r.sub_mchid === query.sub_mchid);
    }
    if (!orders.length && !refunds.length) return undefined;
    return kind === 'fundflow' || kind === 'sub-merchant-fundflow' ? fundFlowRows(orders, refunds) : tradeRows(orders, refunds, sandbox, query.bill_type ?? 'ALL');
  };
}
