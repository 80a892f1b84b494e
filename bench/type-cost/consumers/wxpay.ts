// The shop's payment module with wxpay-chain: a Native order, an order query, a refund, the
// payment notification, and the day's trade bill read row by row.
import { createServer } from 'node:http';
import { Wechatpay, readBill } from 'wxpay-chain';

const mchid = '1900000001';
const wxpay = new Wechatpay({
  mchid,
  serial: process.env['WXPAY_SERIAL'] ?? '',
  privateKey: process.env['WXPAY_PRIVATE_KEY'] ?? '',
  certs: { PUB_KEY_ID_0114232134912410000000000000: process.env['WXPAY_PUBLIC_KEY'] ?? '' },
  apiv3Key: process.env['WXPAY_APIV3_KEY'] ?? '',
});

export async function placeOrder(orderNo: string, cents: number): Promise<string> {
  const { data } = await wxpay.v3.pay.transactions.native.post({
    json: { appid: 'wxd678efh567hg6787', mchid, description: 'Tea, 250 g', out_trade_no: orderNo, notify_url: 'https://shop.example/wxpay/notify', amount: { total: cents, currency: 'CNY' } },
  });
  return data.code_url;
}

export async function orderStatus(orderNo: string): Promise<string> {
  const { data } = await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no: orderNo, query: { mchid } });
  return data.trade_state ?? 'NOTPAY';
}

export async function refundOrder(orderNo: string, refundNo: string, cents: number, paid: number): Promise<string> {
  const { data } = await wxpay['v3/refund/domestic/refunds'].post({
    json: { out_trade_no: orderNo, out_refund_no: refundNo, reason: 'damaged in transit', amount: { refund: cents, total: paid, currency: 'CNY' } },
  });
  return data.status;
}

declare function markPaid(orderNo: string, cents: number): Promise<void>;
export const notifications = createServer(
  wxpay.webhooks.node(async (n) => {
    // profit-sharing movements are documented under TRANSACTION.SUCCESS too: the payment has a trade_state
    if (n.event_type === 'TRANSACTION.SUCCESS' && 'trade_state' in n.resource) await markPaid(n.resource.out_trade_no, n.resource.amount.total);
  }),
);

export async function paidOrdersOn(day: string): Promise<number> {
  const bill = await wxpay.v3.bill.tradebill.get({ query: { bill_date: day, bill_type: 'SUCCESS', tar_type: 'GZIP' } });
  let paid = 0;
  for await (const row of readBill(wxpay.downloads.stream(bill.data), 'trade')) if (row.trade_state === 'SUCCESS') paid += 1;
  return paid;
}
