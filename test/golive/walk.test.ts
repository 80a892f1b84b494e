// The README's "Go live" walk, step by step against the mock: an order without a hand-set
// Wechatpay-Serial, the pay parameters the page needs, the payment notification, the query,
// the refund, and the day's bill reconciled against the order.
import { verify } from 'node:crypto';
import { Wechatpay, readBill, untyped, type DownloadSource, type UntypedWechatpayClient } from '../../src/index.js';
import { buildNotification } from '../../src/mock/notify.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;
const appid = 'wxd678efh567hg6787';
const outTradeNo = `GOLIVE${Date.now()}`;
let prepayId = '';

beforeAll(async () => {
  mock = await startMockServer();
  // untyped only until the typings stop demanding Wechatpay-Serial (the types branch).
  wxpay = untyped(new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key }));
});
afterAll(() => mock.close());

test('1. the JSAPI order goes out with the Wechatpay-Serial the client chose', async () => {
  const { data, verified } = await wxpay.v3.pay.transactions.jsapi.post({
    json: { appid, mchid: mock.merchant.mchid, description: '公仔', out_trade_no: outTradeNo, notify_url: 'https://shop.example/wxpay/notify', amount: { total: 100, currency: 'CNY' }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } },
  });
  expect(verified).toBe(true);
  prepayId = (data as { prepay_id: string }).prepay_id;
  expect(prepayId).toEqual(expect.any(String));
  expect(mock.requests.at(-1)!.headers['wechatpay-serial']).toBe(mock.platform.serial);
});

test('2. pay parameters for the page, signed with the merchant key', () => {
  const params = wxpay.payParams.jsapi({ appId: appid, prepayId });
  expect(params.package).toBe(`prepay_id=${prepayId}`);
  const message = `${appid}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
  expect(verify('sha256', Buffer.from(message), mock.merchant.publicKey, Buffer.from(params.paySign, 'base64'))).toBe(true);
});

test('3. the payment notification is verified and decrypted', async () => {
  const sent = buildNotification({
    eventType: 'TRANSACTION.SUCCESS',
    resource: { appid, mchid: mock.merchant.mchid, out_trade_no: outTradeNo, transaction_id: '4200000001202406010000000001', trade_state: 'SUCCESS', amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' } },
    apiv3Key: mock.apiv3Key,
    signer: { id: mock.platform.serial, privateKey: mock.platform.privateKey },
  });
  const notification = await wxpay.webhooks.parse({ headers: sent.headers, body: sent.body });
  expect(notification.event_type).toBe('TRANSACTION.SUCCESS');
  expect(notification.resource).toMatchObject({ out_trade_no: outTradeNo, amount: { total: 100 } });
});

test('4. the order is queried, the answer verified', async () => {
  const { data, verified } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: outTradeNo, query: { mchid: mock.merchant.mchid } });
  expect(verified).toBe(true);
  expect(data).toMatchObject({ out_trade_no: outTradeNo });
});

test('5. part of it is refunded', async () => {
  const { status, verified } = await wxpay.v3.refund.domestic.refunds.post({ json: { out_trade_no: outTradeNo, out_refund_no: `R${outTradeNo}`, amount: { refund: 50, total: 100, currency: 'CNY' } } });
  expect(status).toBe(200);
  expect(verified).toBe(true);
  expect(mock.requests.at(-1)!.json).toMatchObject({ out_refund_no: `R${outTradeNo}` });
});

test("6. the day's bill is downloaded, verified and read; the order is in it", async () => {
  // The mock's hook for the day's rows (the sandbox's order state would supply them).
  mock.bills.source = (kind) =>
    kind === 'trade' ? [{ trade_time: '2024-06-01 10:00:00', appid, mchid: mock.merchant.mchid, out_trade_no: outTradeNo, trade_state: 'SUCCESS', settlement_total: '1.00', total: '1.00' }] : undefined;
  const { data } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: '2024-06-01', tar_type: 'GZIP' } });
  const bill = readBill(wxpay.downloads.stream(data as DownloadSource), 'trade');
  const orders = (await bill.toArray()).map((row) => row.out_trade_no);
  expect(orders).toEqual([outTradeNo]);
  expect(bill.summary?.settlement_total).toBe('1.00');
});
