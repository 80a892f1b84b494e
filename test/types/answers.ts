// Type tests (compiled by compile.test.ts) for what the answers and bills give a shop: bill rows
// typed exactly per bill kind, apply answers that go to downloads.stream() as they are, answers'
// enums open but still naming the documented values, and the currency the pages document.
import { Readable } from 'node:stream';
import type { WechatpayClient } from '../../src/client-types.js';
import { readBill, type BillRow, type RequestOf, type ResponseOf, type WebhookEvents } from '../../src/index.js';

declare const client: WechatpayClient;

// bill rows: exactly the kind's columns
export async function tradeRows(): Promise<number> {
  const bill = await client.v3.bill.tradebill.get({ query: { bill_date: '2026-12-01', bill_type: 'SUCCESS' } });
  let paid = 0;
  for await (const row of readBill(client.downloads.stream(bill.data), 'trade')) {
    if (row.trade_state === 'SUCCESS') paid += Number(row.settlement_total ?? 0);
    // @ts-expect-error a misspelled column is a compile error
    void row.trade_stat;
    // @ts-expect-error a fund-flow column is not on a trade bill row
    void row.business_name;
  }
  return paid;
}
export async function fundFlowRows(): Promise<string[]> {
  const bill = await client.v3.bill.fundflowbill.get({ query: { bill_date: '2026-12-01' } });
  const rows = await readBill(client.downloads.stream(bill.data), 'fundflow').toArray();
  // @ts-expect-error a trade column is not on a fund-flow bill row
  void rows[0]?.out_trade_no;
  return rows.map((row) => row.business_name ?? row.flow_no ?? '');
}
export async function anyBill(): Promise<string | undefined> {
  // read without a kind, a row is keyed by whatever its header says
  const [row] = await readBill(Readable.from(['列,其他\n`1,`2\n'])).toArray();
  return row?.['其他'];
}
export const exact: BillRow<'trade'> = { out_trade_no: 'T1', trade_state: 'SUCCESS' };
// @ts-expect-error an exact row has no room for an unknown column
export const inexact: BillRow<'trade'> = { out_trade_no: 'T1', trade_sate: 'SUCCESS' };

// apply answers fit downloads.stream() without a cast (the sub-merchant one is a file list)
export async function applyAnswers(): Promise<void> {
  const sub = await client.v3.bill.subMerchantFundflowbill.get({ query: { sub_mchid: '1900000109', bill_date: '2026-12-01', account_type: 'BASIC', algorithm: 'AEAD_AES_256_GCM' } });
  client.downloads.stream(sub.data);
  const trade: ResponseOf<'v3/bill/tradebill', 'get'> = { hash_type: 'SHA1', hash_value: 'h', download_url: 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=t' };
  await client.downloads.toFile(trade, '/tmp/bill.csv');
}

// answers' enums: open, and the documented values are still there to offer (Exclude, not
// NonNullable: `NonNullable<'A' | (string & {})>` is TypeScript's plain `string`)
type Status = ResponseOf<'v3/pay/transactions/out-trade-no/{out_trade_no}', 'get'>['trade_state'];
export const documented: Extract<Status, 'SUCCESS' | 'REFUND' | 'NOTPAY'> = 'NOTPAY';
export const later: Status = 'A_STATE_ADDED_LATER';
// in a nested object of a notification's resource (the payment's: profit-sharing movements come
// under TRANSACTION.SUCCESS too)
type Payment = Extract<WebhookEvents['TRANSACTION.SUCCESS'], { trade_state: unknown }>;
type Scope = Exclude<NonNullable<Payment['promotion_detail']>[number]['scope'], undefined>;
export const scope: Extract<Scope, 'GLOBAL'> = 'GLOBAL';
export const laterScope: Scope = 'ADDED_LATER';
// in a nested object of an answer
type FundsAccount = Exclude<ResponseOf<'v3/refund/domestic/refunds', 'post'>['funds_account'], undefined>;
export const account: Extract<FundsAccount, 'AVAILABLE'> = 'AVAILABLE';
// @ts-expect-error an answer's value is not among a closed request enum's
export const closedSend: RequestOf<'v3/pay/transactions/native', 'post'>['json']['limit_pay'] = ['added_later'];

// the currency the mainland pages document: CNY offered, another code still accepted
type Currency = Exclude<RequestOf<'v3/pay/transactions/native', 'post'>['json']['amount']['currency'], undefined>;
export const cny: Extract<Currency, 'CNY'> = 'CNY';
export const other: Currency = 'HKD';
type AnsweredCurrency = Exclude<ResponseOf<'v3/refund/domestic/refunds', 'post'>['amount']['currency'], undefined>;
export const answeredCny: Extract<AnsweredCurrency, 'CNY'> = 'CNY';
type Fee = Exclude<ResponseOf<'v2/pay/orderquery', 'post'>['fee_type'], undefined>;
export const fee: Extract<Fee, 'CNY'> = 'CNY';

// An indexed APIv2 field (documented `coupon_fee_$n`) arrives as coupon_fee_0, coupon_fee_1, …
type OrderQuery = ResponseOf<'v2/pay/orderquery', 'post'>;
declare const order: OrderQuery;
export const firstCoupon: `${number}` | undefined = order.coupon_fee_0;
export const secondCouponId: string | undefined = order['coupon_id_1'];
// @ts-expect-error the documented placeholder is not a name that arrives
export const placeholder = order.coupon_fee_$n;
// @ts-expect-error an index is a number
export const notAnIndex = order.coupon_fee_first;
