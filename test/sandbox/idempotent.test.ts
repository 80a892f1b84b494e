// #15 item 5: the answer to an order creation or a refund is lost after WeChat Pay acted on it;
// the client sends the same request again and gets the same answer: one order, one refund.
import { RequestError, Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());

test('a lost answer, then the same request again: the same prepay_id and refund, created once', async () => {
  // Retries off: the merchant's own resend, after seeing the lost answer.
  const client = untyped(new Wechatpay({ ...mock.clientConfig, retry: false }));
  const json = { appid: 'wx1', mchid: mock.merchant.mchid, description: 'd', out_trade_no: 'ONCE-1', notify_url: 'http://127.0.0.1:9/', amount: { total: 100 }, payer: { openid: 'o1' } };
  const headers = { 'Wechatpay-Serial': mock.platform.serial };

  mock.fault({ kind: 'reset', processed: true }, { template: 'v3/pay/transactions/jsapi', times: 1 });
  await expect(client.v3.pay.transactions.jsapi.post({ json, headers })).rejects.toBeInstanceOf(RequestError);
  expect(mock.sandbox.orders()).toHaveLength(1); // acted on, answer lost
  const again = await client.v3.pay.transactions.jsapi.post({ json, headers });
  expect(again.data).toEqual(mock.sandbox.order('ONCE-1')!.answer);
  expect(mock.sandbox.orders()).toHaveLength(1);

  mock.sandbox.pay('ONCE-1');
  const refund = { json: { out_trade_no: 'ONCE-1', out_refund_no: 'ONCE-R1', amount: { refund: 60, total: 100, currency: 'CNY' } } };
  mock.fault({ kind: 'reset', processed: true }, { template: 'v3/refund/domestic/refunds', times: 1 });
  // The reset comes after the request was written: with retries off nothing resends it, not even
  // as a stale socket (the server read it); the merchant's own resend gets the first refund back.
  await expect(client.v3.refund.domestic.refunds.post(refund)).rejects.toBeInstanceOf(RequestError);
  expect(mock.sandbox.refunds()).toHaveLength(1);
  const retried = await client.v3.refund.domestic.refunds.post(refund);
  expect(retried.data).toMatchObject({ out_refund_no: 'ONCE-R1', refund_id: mock.sandbox.refunds()[0]!.refund_id, amount: { refund: 60 } });
  expect(mock.sandbox.refunds()).toHaveLength(1);
  expect(mock.sandbox.order('ONCE-1')!.refunded).toBe(60); // not 120

  // A plain reset (before acting) creates nothing.
  mock.fault({ kind: 'reset' }, { template: 'v3/pay/transactions/jsapi', times: 1 });
  await expect(client.v3.pay.transactions.jsapi.post({ json: { ...json, out_trade_no: 'ONCE-2' }, headers })).rejects.toBeInstanceOf(RequestError);
  expect(mock.sandbox.order('ONCE-2')).toBeUndefined();
});

test('with the default retries, a lost answer is resent by the client itself: one call, one order, one refund', async () => {
  const client = untyped(new Wechatpay(mock.clientConfig));
  const json = { appid: 'wx1', mchid: mock.merchant.mchid, description: 'd', out_trade_no: 'ONCE-3', notify_url: 'http://127.0.0.1:9/', amount: { total: 100 }, payer: { openid: 'o1' } };
  const headers = { 'Wechatpay-Serial': mock.platform.serial };
  const before = mock.requests.length;
  mock.fault({ kind: 'reset', processed: true }, { template: 'v3/pay/transactions/jsapi', times: 1 });
  const created = await client.v3.pay.transactions.jsapi.post({ json, headers });
  expect(created.data).toEqual(mock.sandbox.order('ONCE-3')!.answer);
  expect(mock.requests.slice(before).filter((r) => r.template === 'v3/pay/transactions/jsapi')).toHaveLength(2); // sent twice
  expect(mock.sandbox.orders().filter((o) => o.out_trade_no === 'ONCE-3')).toHaveLength(1); // created once

  mock.sandbox.pay('ONCE-3');
  const refund = { json: { out_trade_no: 'ONCE-3', out_refund_no: 'ONCE-R3', amount: { refund: 100, total: 100, currency: 'CNY' } } };
  mock.fault({ kind: 'reset', processed: true }, { template: 'v3/refund/domestic/refunds', times: 1 });
  await expect(client.v3.refund.domestic.refunds.post(refund)).resolves.toMatchObject({ data: { out_refund_no: 'ONCE-R3' } });
  expect(mock.sandbox.refunds().filter((r) => r.out_refund_no === 'ONCE-R3')).toHaveLength(1);
  expect(mock.sandbox.order('ONCE-3')!.refunded).toBe(100);
});
