// Which writes are resent, by class: only a write carrying a required number it creates (an
// order's out_trade_no, a refund's out_refund_no, …) or a read-only APIv2 query. A number in the
// path, an optional number, or a required number naming another request's object (the reviewed
// REFERENCES) is no reason to send a write twice. Each class is listed, then checked over the
// wire against the mock with a 503 on every attempt.
import { ApiError, Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { IDEMPOTENCY_FIELDS } from '../../src/generated/request-tables.js';
import { REFERENCES, retryReview, type RetryClass } from '../../codegen/request-tables.js';
import type { Model } from '../../codegen/model.js';

const model = require('../../src/generated/model.json') as Model;
const reviews = retryReview(model);
const byClass = (name: RetryClass) => reviews.filter((r) => r.class === name).map((r) => r.key);

describe('the reviewed classes', () => {
  test('retried: a required body number the request creates', () => {
    const own = byClass('own-number');
    for (const key of ['POST v3/pay/transactions/native', 'POST v3/pay/transactions/jsapi', 'POST v3/refund/domestic/refunds', 'POST v3/fund-app/mch-transfer/transfer-bills', 'POST v3/profitsharing/orders', 'POST v3/payscore/serviceorder', 'POST v3/marketing/busifavor/stocks', 'POST v2/pay/unifiedorder', 'POST v2/secapi/pay/refund']) {
      expect(own).toContain(key);
      expect(IDEMPOTENCY_FIELDS[key]!.length).toBeGreaterThan(0);
    }
    // A refund's own number is out_refund_no; its optional out_trade_no does not count.
    expect(IDEMPOTENCY_FIELDS['POST v3/refund/domestic/refunds']).toEqual(['json.out_refund_no']);
    // associate: its own out_request_no makes it safe, not the order it refers to.
    expect(IDEMPOTENCY_FIELDS['POST v3/marketing/busifavor/coupons/associate']).toEqual(['json.out_request_no']);
  });

  test('retried: a read-only APIv2 query sent as POST', () => {
    const queries = byClass('query');
    expect(queries).toEqual(expect.arrayContaining(['POST v2/pay/orderquery', 'POST v2/pay/refundquery', 'POST v2/pay/profitsharingquery', 'POST v2/wxv/queryrentbill']));
    for (const key of queries) expect(IDEMPOTENCY_FIELDS[key]).toEqual([]);
  });

  test('not retried: numbers only in the path (they name an existing object)', () => {
    const path = byClass('path-number');
    expect(path).toEqual(expect.arrayContaining([
      'POST v3/payscore/serviceorder/{out_order_no}/send-pendingmessage',
      'POST v3/payscore/serviceorder/{out_order_no}/complete',
      'POST v3/pay/transactions/out-trade-no/{out_trade_no}/close',
      'POST v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel',
      'PATCH v3/discount-card/orders/{out_order_no}',
    ]));
    for (const key of path) expect(IDEMPOTENCY_FIELDS[key]).toBeUndefined();
  });

  test('not retried: only optional numbers', () => {
    const optional = byClass('optional-number');
    expect(optional).toEqual(expect.arrayContaining(['POST v3/marketing/busifavor/coupons/use', 'POST v3/offlineface/transactions', 'POST v3/customs/redeclare']));
    for (const key of optional) expect(IDEMPOTENCY_FIELDS[key]).toBeUndefined();
  });

  test('not retried: required numbers that name another request\'s object (the reviewed list)', () => {
    const references = byClass('reference');
    expect(references).toEqual(expect.arrayContaining(['POST v3/customs/orders', 'POST v2/pay/closeorder', 'POST v2/secapi/pay/reverse', 'POST v3/gov/subsidy/transactions/sync', 'POST v3/transfer/bill-receipt']));
    for (const key of references) expect(IDEMPOTENCY_FIELDS[key]).toBeUndefined();
    // Every reviewed reference names an operation and a number the model has.
    for (const [key, fields] of Object.entries(REFERENCES)) {
      const review = reviews.find((r) => r.key === key);
      expect(review).toBeDefined();
      if (review!.class === 'reference') expect(review!.fields).toEqual([...fields].sort());
      else expect(review!.class).toBe('own-number'); // it has a number of its own besides
    }
  });

  test('the table is exactly the retried classes', () => {
    const retried = reviews.filter((r) => r.class === 'own-number' || r.class === 'query');
    expect(Object.keys(IDEMPOTENCY_FIELDS).sort()).toEqual(retried.map((r) => r.key).sort());
    // Each class is counted in docs/client.md; a change of corpus shows here first.
    const counts = Object.fromEntries(['own-number', 'query', 'path-number', 'optional-number', 'reference'].map((name) => [name, byClass(name as RetryClass).length]));
    expect(counts).toEqual({ 'own-number': 185, query: 38, 'path-number': 53, 'optional-number': 16, reference: 46 });
  });
});

describe('over the wire: a 503 on every attempt', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ validate: false, sandbox: false });
  });
  afterAll(() => mock.close());

  const retry = { retries: 2, sleep: async () => undefined };
  async function attempts(template: string, call: (wxpay: ReturnType<typeof untyped>) => Promise<unknown>): Promise<number> {
    mock.clearFaults();
    mock.fault({ kind: 'status', status: 503, code: 'SYSTEM_ERROR' }, { template, times: 10 });
    const before = mock.requests.filter((r) => r.template === template).length;
    const error = await call(untyped(new Wechatpay({ ...mock.clientConfig, retry }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    return mock.requests.filter((r) => r.template === template).length - before;
  }

  test('payscore send-pendingmessage ({out_order_no} in the path): sent once', async () => {
    expect(await attempts('v3/payscore/serviceorder/{out_order_no}/send-pendingmessage', (w) => w.v3.payscore.serviceorder._out_order_no_.sendPendingmessage.post({ out_order_no: 'S1', json: { appid: 'wx1', service_id: '1' } }))).toBe(1);
  });

  test('busifavor coupons/use (optional out_trade_no): sent once', async () => {
    expect(await attempts('v3/marketing/busifavor/coupons/use', (w) => w.v3.marketing.busifavor.coupons.use.post({ json: { coupon_code: 'C1', stock_id: '1', appid: 'wx1', use_time: '2024-06-01T10:00:00+08:00', use_request_no: 'U1', out_trade_no: 'T1' } }))).toBe(1);
  });

  test('a customs declaration (the order it names is another request\'s): sent once', async () => {
    expect(await attempts('v3/customs/orders', (w) => w.v3.customs.orders.post({ json: { appid: 'wx1', mchid: '1', out_trade_no: 'T1', transaction_id: '42', customs: 'SHANGHAI_ZS', merchant_customs_no: '123' } }))).toBe(1);
  });

  test('a Native order (its own out_trade_no) and a refund (its own out_refund_no): three attempts each', async () => {
    expect(await attempts('v3/pay/transactions/native', (w) => w.v3.pay.transactions.native.post({ json: { appid: 'wx1', mchid: '1', description: 'd', out_trade_no: 'T9', notify_url: 'https://m.test/n', amount: { total: 1 } } }))).toBe(3);
    expect(await attempts('v3/refund/domestic/refunds', (w) => w.v3.refund.domestic.refunds.post({ json: { out_trade_no: 'T9', out_refund_no: 'R9', amount: { refund: 1, total: 1, currency: 'CNY' } } }))).toBe(3);
  });

  test('a refund given only its optional out_trade_no (no out_refund_no): sent once', async () => {
    expect(await attempts('v3/refund/domestic/refunds', (w) => w.v3.refund.domestic.refunds.post({ json: { out_trade_no: 'T9', amount: { refund: 1, total: 1, currency: 'CNY' } } }))).toBe(1);
  });
});
