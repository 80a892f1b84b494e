// The README's "Go live" walk, step by step against the sandbox: an order without a hand-set
// Wechatpay-Serial, the pay parameters the page needs, the payment notification delivered to the
// merchant's notify_url by the simulated payer, the query, the refund, and the day's bill
// reconciled against the sandbox's own orders and refunds.
import { verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wechatpay, readBill, type WechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { MovableScheduler } from '../../src/mock/state/index.js';
import { beijingDate } from '../../src/mock/state/time.js';

let mock: MockServer;
let wxpay: WechatpayClient;
let notifyServer: Server;
let notifyUrl = '';
const received: Array<{ event_type: string; resource: unknown }> = [];
const waiting: Array<() => void> = [];
/** Resolves once `count` notifications have reached the handler (the sandbox sends them on its own schedule). */
const arrived = (count: number) =>
  new Promise<void>((resolve) => {
    const check = () => (received.length >= count ? resolve() : waiting.push(check));
    check();
  });
const appid = 'wxd678efh567hg6787';
const outTradeNo = `GOLIVE${Date.now()}`;
const clock = new MovableScheduler(Date.parse(`${beijingDate(Date.now() - 86_400_000)}T12:00:00+08:00`));
let prepayId = '';

beforeAll(async () => {
  // The payment happens yesterday (Beijing time): WeChat Pay makes a day's bill the next morning.
  mock = await startMockServer({ sandbox: { timeFactor: 0.001, scheduler: clock } });
  wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });
  notifyServer = createServer(
    wxpay.webhooks.node(async (notification) => {
      received.push({ event_type: notification.event_type, resource: notification.resource });
      for (const wake of waiting.splice(0)) wake();
    }),
  );
  await new Promise<void>((resolve) => notifyServer.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(notifyServer.address() as AddressInfo).port}/wxpay/notify`;
});
afterAll(async () => {
  await mock.close();
  await new Promise((resolve) => notifyServer.close(resolve));
});

test('1. the JSAPI order goes out with the Wechatpay-Serial the client chose', async () => {
  const { data, verified } = await wxpay.v3.pay.transactions.jsapi.post({
    json: { appid, mchid: mock.merchant.mchid, description: '公仔', out_trade_no: outTradeNo, notify_url: notifyUrl, amount: { total: 100, currency: 'CNY' }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } },
  });
  expect(verified).toBe(true);
  prepayId = data.prepay_id;
  expect(prepayId).toEqual(expect.any(String));
  expect(mock.requests.at(-1)!.headers['wechatpay-serial']).toBe(mock.platform.serial);
});

test('2. pay parameters for the page, signed with the merchant key', () => {
  const params = wxpay.payParams.jsapi({ appId: appid, prepayId });
  expect(params.package).toBe(`prepay_id=${prepayId}`);
  const message = `${appid}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
  expect(verify('sha256', Buffer.from(message), mock.merchant.publicKey, Buffer.from(params.paySign, 'base64'))).toBe(true);
});

test('3. the payer pays; the payment notification reaches notify_url, verified and decrypted', async () => {
  mock.sandbox.pay(outTradeNo);
  await arrived(1);
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', resource: { out_trade_no: outTradeNo, trade_state: 'SUCCESS', amount: { total: 100 } } });
});

test('4. the order is queried, the answer verified', async () => {
  const { data, verified } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: outTradeNo, query: { mchid: mock.merchant.mchid } });
  expect(verified).toBe(true);
  expect(data).toMatchObject({ out_trade_no: outTradeNo, trade_state: 'SUCCESS' });
});

test('5. part of it is refunded; the refund notification arrives', async () => {
  const { status, verified, data } = await wxpay.v3.refund.domestic.refunds.post({ json: { out_trade_no: outTradeNo, out_refund_no: `R${outTradeNo}`, amount: { refund: 50, total: 100, currency: 'CNY' } } });
  expect(status).toBe(200);
  expect(verified).toBe(true);
  expect(data.out_refund_no).toBe(`R${outTradeNo}`);
  // The refund succeeds a moment later (PROCESSING → SUCCESS), then its notification is sent.
  await arrived(2);
  expect(received.map((n) => n.event_type)).toEqual(['TRANSACTION.SUCCESS', 'REFUND.SUCCESS']);
});

test("6. the day's bill is downloaded, verified and read: the payment and the refund are in it", async () => {
  const billDate = beijingDate(mock.sandbox.order(outTradeNo)!.success_time!);
  clock.set(Date.parse(`${beijingDate(Date.now())}T10:30:00+08:00`));
  const { data } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: billDate, tar_type: 'GZIP' } });
  const bill = readBill(wxpay.downloads.stream(data), 'trade');
  const rows = await bill.toArray();
  expect(rows.map((row) => [row.out_trade_no, row.trade_state, row.out_refund_no])).toEqual([
    [outTradeNo, 'SUCCESS', '0'],
    [outTradeNo, 'REFUND', `R${outTradeNo}`],
  ]);
  expect(rows[1]!.refund_amount).toBe('0.50');
  expect(bill.summary).toMatchObject({ settlement_total: '1.00', refund_total: '0.50' });
});
