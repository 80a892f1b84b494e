// One order through the sandbox, as a merchant's server lives it: create → the payer pays →
// the payment notification reaches a local handler (the client's own webhooks) → query SUCCESS
// → refund → the refund notification → the day's bill. Each step is printed. WeChat Pay makes a
// day's bill the next morning, so the sandbox's clock starts yesterday noon (Beijing time) and is
// moved to this morning for the bill.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBill, Wechatpay } from '../index.js';
import { startMockServer, type MockServer } from '../mock/server.js';
import { MovableScheduler } from '../mock/state/clock.js';
import { beijingDate, rfc3339 } from '../mock/state/time.js';

const DAY = 86_400_000;

export interface Walkthrough {
  mock: MockServer;
  close(): Promise<void>;
}

export async function walkthrough(log: (line: string) => void): Promise<Walkthrough> {
  const today = beijingDate(Date.now());
  const billDate = beijingDate(Date.now() - DAY);
  const clock = new MovableScheduler(Date.parse(`${billDate}T12:00:00+08:00`));
  // Notification retries at 1/1000 of WeChat Pay's pace: 15 s becomes 15 ms.
  const mock = await startMockServer({ sandbox: { timeFactor: 0.001, scheduler: clock } });
  const wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });

  // The merchant's notify_url: the client checks signature, timestamp and nonce, then decrypts.
  const arrivals: Array<(event: string) => void> = [];
  const handler = createServer(
    wxpay.webhooks.node(async (notification) => {
      const resource = notification.resource as { out_trade_no?: string; trade_state?: string; refund_status?: string };
      log(`   notification received: ${notification.event_type} ${resource.out_trade_no} ${resource.trade_state ?? resource.refund_status ?? ''}`.trimEnd());
      arrivals.shift()?.(notification.event_type);
    }),
  );
  await new Promise<void>((resolve) => handler.listen(0, '127.0.0.1', resolve));
  const notifyUrl = `http://127.0.0.1:${(handler.address() as AddressInfo).port}/wxpay/notify`;
  const next = () => new Promise<string>((resolve) => arrivals.push(resolve));
  const close = async () => {
    await mock.close();
    await new Promise((resolve) => handler.close(resolve));
  };

  log(`sandbox WeChat Pay at ${mock.url} (merchant ${mock.merchant.mchid}); console: ${mock.url}`);
  log(`merchant's notify_url: ${notifyUrl}`);
  log(`sandbox clock: ${rfc3339(clock.now())} (Beijing time, as WeChat Pay writes every time)\n`);
  const outTradeNo = `DEMO${Date.now()}`;
  const mchid = mock.merchant.mchid;

  const created = await wxpay.v3.pay.transactions.jsapi.post({
    json: { appid: 'wxd678efh567hg6787', mchid, description: 'Image形象店-深圳腾大-QQ公仔', out_trade_no: outTradeNo, notify_url: notifyUrl, amount: { total: 100, currency: 'CNY' }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } },
  });
  log(`1. create (chain style)            ${created.status} verified=${created.verified} prepay_id=${created.data.prepay_id}`);

  const paid = next();
  mock.sandbox.pay(outTradeNo);
  log(`2. the payer pays (simulated)      ${outTradeNo}`);
  await paid;

  const queried = await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no: outTradeNo, query: { mchid } });
  log(`3. query (declarative style)       ${queried.status} verified=${queried.verified} trade_state=${queried.data.trade_state} transaction_id=${queried.data.transaction_id}`);

  const refunded = next();
  const refund = await wxpay['v3/refund/domestic/refunds'].post({ json: { out_trade_no: outTradeNo, out_refund_no: `R${outTradeNo}`, amount: { refund: 100, total: 100, currency: 'CNY' } } });
  log(`4. refund (attribute style)        ${refund.status} verified=${refund.verified} status=${refund.data.status} refund_id=${refund.data.refund_id}`);
  await refunded;

  const day = mock.sandbox.day(billDate);
  log(`5. the day's state (${billDate})   ${day.orders.length} order(s) paid, ${day.refunds.length} refund(s)`);
  clock.set(Date.parse(`${today}T10:30:00+08:00`));
  log(`   the sandbox clock moves to ${rfc3339(clock.now())}: WeChat Pay has made ${billDate}'s bill by then (today's is refused until tomorrow)`);
  const bill = await wxpay.v3.bill.tradebill.get({ query: { bill_date: billDate, tar_type: 'GZIP' } });
  log(`   apply for the trade bill        ${bill.status} verified=${bill.verified} ${bill.data.hash_type}=${bill.data.hash_value}`);
  // Streamed, gunzipped and checked against the signed digest as it arrives.
  const reader = readBill(wxpay.downloads.stream({ download_url: bill.data.download_url, hash_type: bill.data.hash_type, hash_value: bill.data.hash_value }), 'trade');
  const rows = await reader.toArray();
  log(`   download, digest checked        ${rows.length} line(s):`);
  for (const row of rows) log(`     ${row.trade_time} ${row.out_trade_no} ${row.trade_state} ${row.trade_state === 'REFUND' ? `-${row.refund_amount}` : row.settlement_total}`);

  const delivered = mock.sandbox.deliveries().map((d) => `${d.event_type} ${d.state} after ${d.attempts.length} attempt(s)`);
  log(`\nnotifications: ${delivered.join('; ')}`);
  log(`${mock.requests.length} requests reached the sandbox, each answer signed by it and verified by the client.`);
  return { mock, close };
}
