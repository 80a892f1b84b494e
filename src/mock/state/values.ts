// The values an order or a refund shows in answers and notifications, before they are fitted to
// the documented table of the endpoint or event.
import type { Ledger } from './ledger.js';
import { rfc3339 } from './time.js';
import type { SandboxOrder, SandboxRefund } from './types.js';

const PAID = new Set(['SUCCESS', 'REFUND']);

export function isPaid(order: SandboxOrder): boolean {
  return PAID.has(order.trade_state) || (order.trade_state === 'REVOKED' && order.success_time !== undefined);
}

export function orderValues(order: SandboxOrder, ledger: Ledger): Record<string, unknown> {
  if (order.kind === 'combine') return combineValues(order, ledger);
  const paid = isPaid(order);
  const values: Record<string, unknown> = {
    ...order.request,
    out_trade_no: order.out_trade_no,
    trade_type: order.trade_type,
    trade_state: order.trade_state,
    trade_state_desc: order.trade_state_desc,
    amount: { ...(order.request.amount as object | undefined), total: order.total, currency: order.currency, ...(paid ? { payer_total: order.total, payer_currency: order.currency } : {}) },
  };
  if (order.mchid) values.mchid = order.mchid;
  if (order.time_expire !== undefined) values.time_expire = rfc3339(order.time_expire);
  if (paid) {
    values.transaction_id = order.transaction_id;
    values.bank_type = 'OTHERS';
    values.success_time = rfc3339(order.success_time!);
  } else {
    delete values.transaction_id;
  }
  return values;
}

function combineValues(order: SandboxOrder, ledger: Ledger): Record<string, unknown> {
  const subs = (order.sub_orders ?? []).map((no) => ledger.order('sub', no)).filter((sub): sub is SandboxOrder => sub !== undefined);
  return {
    ...order.request,
    combine_out_trade_no: order.out_trade_no,
    ...(isPaid(order) ? { combine_transaction_id: order.transaction_id } : {}),
    sub_orders: subs.map((sub) => {
      const paid = isPaid(sub);
      return {
        ...sub.request,
        trade_type: sub.trade_type,
        trade_state: sub.trade_state,
        trade_state_desc: sub.trade_state_desc,
        out_trade_no: sub.out_trade_no,
        amount: { total_amount: sub.total, currency: sub.currency, ...(paid ? { payer_amount: sub.total, payer_currency: sub.currency } : {}) },
        ...(paid ? { transaction_id: sub.transaction_id, bank_type: 'OTHERS', success_time: rfc3339(sub.success_time!) } : {}),
      };
    }),
  };
}

export function refundValues(refund: SandboxRefund): Record<string, unknown> {
  return {
    ...refund.request,
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    transaction_id: refund.transaction_id,
    out_trade_no: refund.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    create_time: rfc3339(refund.created_at),
    ...(refund.success_time !== undefined ? { success_time: rfc3339(refund.success_time) } : {}),
    status: refund.status,
    refund_status: refund.status,
    funds_account: refund.funds_account ?? 'AVAILABLE',
    ...(refund.mchid ? { mchid: refund.mchid, sp_mchid: refund.mchid } : {}),
    ...(refund.sub_mchid ? { sub_mchid: refund.sub_mchid } : {}),
    amount: {
      total: refund.total,
      refund: refund.refund,
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_total: refund.total,
      settlement_refund: refund.refund,
      discount_refund: 0,
      currency: refund.currency,
      from: [],
    },
  };
}
