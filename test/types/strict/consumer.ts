// Compiled by test/types/strict.test.ts with the strictest options a shop turns on
// (`noUncheckedIndexedAccess`, `exactOptionalPropertyTypes`): what the SDK's typings must hold there.
import { readBill, untyped, type WechatpayClient } from '../../../src/index.js';

declare const wxpay: WechatpayClient;

export async function looseChain(): Promise<unknown> {
  const u = untyped(wxpay);
  // documented segments are named properties in the untyped view, never `possibly undefined`
  const r = await u.v3.pay.transactions.native.post({ json: { anything: true } });
  await u['v3/pay/transactions/native'].post({ json: {} });
  await u.v3.profitsharing.receivers.delete.post({ json: {} });
  await u.v3.marketing.favor.stocks._stock_id_.pause.postAsync({ stock_id: '1' });
  // an undocumented path: chain() (a segment the catalogue lacks comes from an index signature)
  await u.chain('v3/not/documented/{id}').get({ id: '1' });
  // @ts-expect-error the untyped view types data as unknown
  void r.data.code_url;
  return r.data;
}

// the declarative style in one array literal: documented paths are a union of their nodes, typos
// are one error each (not "union type too complex to represent" on the array)
export const nodes = [wxpay.chain('v3/pay/transactions/native'), wxpay.chain('v3/pay/transactions/h5')];
export const typos = [
  // @ts-expect-error not a documented path
  wxpay.chain('v3/pay/transaction/native'),
  // @ts-expect-error not a documented path
  wxpay.chain('v3/pay/transaction/h5'),
  // @ts-expect-error not a documented path
  wxpay.chain('v3/refund/domestic/refund'),
];

export async function typedChain(): Promise<string> {
  const { data } = await wxpay.v3.pay.transactions.native.post({
    json: { appid: 'wx1', mchid: '1', description: 'd', out_trade_no: 'T1', notify_url: 'https://example.com/n', amount: { total: 1, currency: 'CNY' } },
  });
  return data.code_url;
}

// a bill apply answer goes to downloads.stream() as it is, and its rows are the bill kind's columns
export async function paidOn(day: string): Promise<number> {
  const bill = await wxpay.v3.bill.tradebill.get({ query: { bill_date: day, bill_type: 'SUCCESS', tar_type: 'GZIP' } });
  let paid = 0;
  for await (const row of readBill(wxpay.downloads.stream(bill.data), 'trade')) if (row.trade_state === 'SUCCESS') paid += 1;
  const sub = await wxpay.v3.bill.subMerchantFundflowbill.get({ query: { sub_mchid: '1900000109', bill_date: day, account_type: 'BASIC', algorithm: 'AEAD_AES_256_GCM' } });
  wxpay.downloads.stream(sub.data);
  return paid;
}
