// What the request path needs from the endpoint model at run time; emit.ts writes them beside
// the typings as src/generated/request-tables.ts, small enough to load with the client
// (model.json is 3 MB and only the mock and the paginator read it).
import type { Field, Model } from './model.js';
import { cmp } from './corpus.js';

// When may a write be sent again? Only when WeChat Pay answers a repeat with the first request's
// outcome instead of acting twice, which it documents for the number a request creates: the
// merchant's own `out_…` number, labelled a bill/request/serial number (单号, 流水号, 指令编号),
// required, in the body (an order's out_trade_no, a refund's out_refund_no, a transfer's
// out_bill_no, a profit-sharing request's out_order_no, a request's out_request_no, …). Not:
// - a number in the path: it names an object an earlier request created (close, cancel,
//   complete, send-pendingmessage on {out_order_no}), and acting on it again is not documented
//   as harmless;
// - an optional number: the call may be made without it, so it is not what makes it unique
//   (busifavor/coupons/use with out_trade_no);
// - a required body number that names another request's object (REFERENCES below, reviewed one by
//   one: the payment order a customs declaration, a subsidy sync or a points grant refers to; the
//   order a v2 close, reverse, consume, finish or change acts on; the transfer a receipt is
//   applied for; the refund an abnormal refund is for).
// A read-only query sent as POST (APIv2's orderquery, refundquery, …) may always be sent again.
const REQUEST_NUMBER_NAME = /^out_[a-z_]+$/;
const REQUEST_NUMBER_LABEL = /单号|流水号|指令编号/;

export function isRequestNumber(field: Pick<Field, 'name' | 'label'>): boolean {
  return REQUEST_NUMBER_NAME.test(field.name) && REQUEST_NUMBER_LABEL.test(field.label ?? '');
}

/** Reviewed: `METHOD template` → its required body numbers that name an object another request created. */
export const REFERENCES: Readonly<Record<string, readonly string[]>> = {
  // The payment order a customs declaration (or its change, re-push, identity check) is about.
  'POST v2/cgi-bin/mch/customs/customdeclareorder': ['xml.out_trade_no'],
  'POST v2/cgi-bin/mch/newcustoms/customdeclareredeclare': ['xml.out_trade_no'],
  'POST v3/customs/orders': ['json.out_trade_no'],
  'PATCH v3/customs/orders': ['json.out_trade_no'],
  'POST v3/customs/verify-certificate': ['json.out_trade_no'],
  'POST v3/global/customs/orders': ['json.out_trade_no'],
  'PATCH v3/global/customs/orders': ['json.out_trade_no'],
  'POST v3/global/customs/verify-certificate': ['json.out_trade_no'],
  // The order a v2 close, reverse or deposit consumption acts on.
  'POST v2/deposit/consume': ['xml.out_trade_no'],
  'POST v2/deposit/reverse': ['xml.out_trade_no'],
  'POST v2/pay/closeorder': ['xml.out_trade_no'],
  'POST v2/secapi/pay/facepayreverse': ['xml.out_trade_no'],
  'POST v2/secapi/pay/reverse': ['xml.out_trade_no'],
  // The rental / hotel service order a v2 pay-score call changes, cancels or finishes.
  'POST v2/wxv/cancelbill': ['xml.out_order_no'],
  'POST v2/wxv/changerentmoney': ['xml.out_order_no'],
  'POST v2/wxv/finishhotelbill': ['xml.out_order_no'],
  'POST v2/wxv/finishrentbill': ['xml.out_order_no'],
  // The payment order a subsidy sync, a points grant, a guide assignment, a risk report, a
  // catering status sync or a credit pre-check refers to.
  'POST v3/gov/subsidy/n-qualifications/sync': ['json.out_trade_no'],
  'POST v3/gov/subsidy/qualifications/sync': ['json.out_trade_no'],
  'POST v3/gov/subsidy/sncode/lock': ['json.out_trade_no'],
  'POST v3/gov/subsidy/sncode/unlock': ['json.out_trade_no'],
  'POST v3/gov/subsidy/transactions/sync': ['json.out_trade_no'],
  'POST v3/marketing/busifavor/coupons/associate': ['json.out_trade_no'],
  'POST v3/marketing/busifavor/coupons/disassociate': ['json.out_trade_no'],
  'POST v3/marketing/membercard-open/cards/{card_id}/codes/{code}/bonus/commit': ['json.out_trade_no'],
  'POST v3/marketing/membercard-open/cards/{card_id}/codes/{code}/bonus/prepare': ['json.out_trade_no'],
  'POST v3/smartguide/guides/{guide_id}/assign': ['json.out_trade_no'],
  'POST v3/merchant-risk-manage/ec-trade-risk/recv-dispose-result': ['json.out_trade_no'],
  'POST v3/catering/orders/sync-status': ['json.out_order_no'],
  'POST v3/pay/acquiring-bank/transactions/exposure': ['json.out_trade_no'],
  'POST v3/pay/partner/transactions/exposure': ['json.out_trade_no'],
  'POST v3/pay/transactions/exposure': ['json.out_trade_no'],
  // The transfer (batch, detail, bill) an electronic receipt is applied for.
  'POST v3/bank-batch-transfer/receipt/detail-receipts': ['json.out_batch_no', 'json.out_detail_no'],
  'POST v3/bank-batch-transfer/receipt/summary-receipts': ['json.out_batch_no'],
  'POST v3/fund-app/mch-transfer/elecsign/out-bill-no': ['json.out_bill_no'],
  'POST v3/fund-app/mch-transfer/partner/electronic-receipts': ['json.out_bill_no'],
  'POST v3/transfer/bill-receipt': ['json.out_batch_no'],
  'POST v3/transfer-detail/electronic-receipts': ['json.out_detail_no'],
  // The budget a charity transfer draws on (the transfer's own number is out_transfer_no).
  'POST v3/fund-app/mch-transfer/partner/charity-transfer-bills': ['json.out_budget_no'],
  // The refund an abnormal refund is for, or that a medical-insurance institution made itself.
  'POST v3/ecommerce/refunds/{refund_id}/apply-abnormal-refund': ['json.out_refund_no'],
  'POST v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund': ['json.out_refund_no'],
  'POST v3/med-ins/refunds/notify': ['json.out_refund_no'],
  // The payment order a rebate report, a device's payment report or a parking extension-payment
  // sync is about.
  'POST v3/industry-rebate/retail-industry/transactions': ['json.out_trade_no'],
  'POST v3/industry-rebate/transactions/{transaction_id}': ['json.out_trade_no'],
  'POST v3/pay-devices/open-scenario-speakerorder/{transaction_id}/report': ['json.out_trade_no'],
  'POST v3/parking/reminders/ext-payment': ['json.out_trade_no'],
  // The parking order (created by the entry sync) an exit or payment sync, or a fee query, is about.
  'POST v3/parking/reminders/exit': ['json.out_serial_number'],
  'POST v3/parking/reminders/parking-fee': ['json.out_serial_number'],
  'POST v3/parking/reminders/payment': ['json.out_serial_number'],
  // The scheduled repayment a repayment is made for (its own number is out_trade_no).
  'POST v3/credit-repayment/partner/deduct-orders': ['json.out_record_id'],
};

export type RetryClass =
  /** Retried: a required body number this request creates. */
  | 'own-number'
  /** Retried: a read-only query sent as POST. */
  | 'query'
  /** Not retried: its only numbers are in the path. */
  | 'path-number'
  /** Not retried: its only request numbers in the body are optional. */
  | 'optional-number'
  /** Not retried: its required body numbers name another request's object (REFERENCES). */
  | 'reference';

export interface RetryReview {
  key: string;
  class: RetryClass;
  /** The numbers that decided it (`json.out_trade_no`, `path.out_order_no`, …). */
  fields: string[];
}

// APIv2 reads sent as POST: the last segment names a query (orderquery, querycontract, …) and so
// does the title (查询, 查单, 核查).
function isQuery(template: string, title: string): boolean {
  return template.startsWith('v2/') && /query/i.test(template.slice(template.lastIndexOf('/') + 1)) && /查询|查单|核查/.test(title);
}

/** Every write that is a query or carries a request number, and why it is or is not resent. */
export function retryReview(model: Pick<Model, 'endpoints'>): RetryReview[] {
  const reviews: RetryReview[] = [];
  for (const endpoint of [...model.endpoints].sort((a, b) => cmp(a.template, b.template))) {
    for (const operation of endpoint.operations) {
      if (operation.method === 'get') continue;
      const key = `${operation.method.toUpperCase()} ${endpoint.template}`;
      const own: string[] = [];
      const references: string[] = [];
      const optional: string[] = [];
      const path: string[] = [];
      for (const field of operation.request.fields) {
        if (field.in === 'path' && isRequestNumber(field)) path.push(`path.${field.name}`);
        if (field.name !== 'json' && field.name !== 'xml' && field.name !== 'query') continue;
        for (const child of field.children ?? []) {
          if (!isRequestNumber(child)) continue;
          const location = `${field.name}.${child.name}`;
          if (!child.required) optional.push(location);
          else if (REFERENCES[key]?.includes(location)) references.push(location);
          else own.push(location);
        }
      }
      const sorted = (list: string[]) => [...new Set(list)].sort();
      if (isQuery(endpoint.template, operation.title)) reviews.push({ key, class: 'query', fields: [] });
      else if (own.length) reviews.push({ key, class: 'own-number', fields: sorted(own) });
      else if (references.length) reviews.push({ key, class: 'reference', fields: sorted(references) });
      else if (optional.length) reviews.push({ key, class: 'optional-number', fields: sorted(optional) });
      else if (path.length) reviews.push({ key, class: 'path-number', fields: sorted(path) });
    }
  }
  return reviews;
}

/**
 * `METHOD template` → the numbers that make a resend harmless (`json.out_trade_no`, …): any one
 * of them given. An empty list is a read-only query, always safe to send again.
 */
export function idempotencyTable(model: Pick<Model, 'endpoints'>): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const review of retryReview(model)) if (review.class === 'own-number' || review.class === 'query') table[review.key] = review.fields;
  return table;
}

/** APIv2 `METHOD template`s whose documented XML answer carries no `sign`. */
export function unsignedV2Answers(model: Pick<Model, 'endpoints'>): string[] {
  const list: string[] = [];
  for (const endpoint of model.endpoints) {
    if (!endpoint.template.startsWith('v2/')) continue;
    for (const operation of endpoint.operations) {
      if (operation.response.kind !== 'xml') continue;
      if (!operation.response.fields.some((field) => field.name === 'sign')) list.push(`${operation.method.toUpperCase()} ${endpoint.template}`);
    }
  }
  return list.sort(cmp);
}
