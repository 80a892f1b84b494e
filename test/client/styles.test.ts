// Every calling style reaches the same signed request on a real loopback server that checks
// signatures as WeChat Pay does, and every answer comes back verified.
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;

beforeAll(async () => {
  mock = await startMockServer();
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', (r) => ({ json: { stock_id: r.params.stock_id, pause_time: '2026-11-23T10:00:00+08:00' } }));
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/start', (r) => ({ json: { stock_id: r.params.stock_id, start_time: '2026-11-23T10:00:00+08:00' } }));
  mock.route('POST', 'v3/marketing/favor/coupon-stocks', () => ({ json: { stock_id: '9856000', create_time: '2026-11-23T10:00:00+08:00' } }));
  mock.route('POST', 'v3/marketing/busifavor/coupons/deactivate', (r) => ({ json: { wechatpay_deactivate_time: '2026-11-23T10:00:00+08:00', echo: r.json } }));
  mock.route('GET', 'v3/marketing/favor/stocks/{stock_id}/items', (r) => ({ json: { stock_id: r.params.stock_id, query: r.query } }));
  wxpay = untyped(new Wechatpay(mock.clientConfig));
});
afterAll(() => mock.close());
beforeEach(() => mock.requests.splice(0));

const pauseOptions = { stock_id: 'S1', json: { stock_creator_mchid: '8956000' } };

describe('pause a stock: six spellings, one request', () => {
  const styles: [string, () => Promise<{ data: unknown; verified: boolean; status: number }>][] = [
    ['chain _param_', () => wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(pauseOptions)],
    ['chain $param$ Async', () => wxpay.v3.marketing.favor.stocks.$stock_id$.pause.postAsync(pauseOptions)],
    ['chain [{param}]', () => wxpay.v3.marketing.favor.stocks['{stock_id}'].pause.post(pauseOptions)],
    ['declarative', () => wxpay.chain('v3/marketing/favor/stocks/{stock_id}/pause').post(pauseOptions)],
    ['attribute Async', () => wxpay['v3/marketing/favor/stocks/{stock_id}/pause'].postAsync(pauseOptions)],
    ['declarative prefix then chain', () => wxpay.chain('v3/marketing').favor.stocks._stock_id_.pause.post(pauseOptions)],
  ];
  test.each(styles)('%s', async (_name, call) => {
    const response = await call();
    expect(response.status).toBe(200);
    expect(response.verified).toBe(true);
    expect(response.data).toEqual({ stock_id: 'S1', pause_time: '2026-11-23T10:00:00+08:00' });
    expect(mock.requests).toHaveLength(1);
    const [request] = mock.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/v3/marketing/favor/stocks/S1/pause');
    expect(request!.template).toBe('v3/marketing/favor/stocks/{stock_id}/pause');
    expect(request!.body).toBe('{"stock_creator_mchid":"8956000"}');
    expect(request!.headers['content-type']).toBe('application/json');
  });
});

test('start a stock in all three styles', async () => {
  const options = { stock_id: '9856000', json: { stock_creator_mchid: '8956000' } };
  const answers = await Promise.all([
    wxpay.v3.marketing.favor.stocks._stock_id_.start.post(options),
    wxpay.chain('v3/marketing/favor/stocks/{stock_id}/start').post(options),
    wxpay['v3/marketing/favor/stocks/{stock_id}/start'].post(options),
  ]);
  for (const answer of answers) expect(answer.data).toMatchObject({ stock_id: '9856000' });
  expect(mock.requests.map((r) => r.url)).toEqual(Array(3).fill('/v3/marketing/favor/stocks/9856000/start'));
});

test('create a coupon stock: camelCase segment and the long nested body arrive intact', async () => {
  const json = {
    stock_name: '微信支付代金券批次',
    available_begin_time: '2015-05-20T13:29:35.120+08:00',
    available_end_time: '2015-05-20T13:29:35.120+08:00',
    stock_use_rule: { max_coupons: 100, max_amount: 5000, max_amount_by_day: 400, max_coupons_per_user: 3, natural_person_limit: false, prevent_api_abuse: false },
    no_cash: false,
    stock_type: 'NORMAL',
    belong_merchant: '98568865',
    coupon_use_rule: {
      coupon_available_time: { fix_available_time: { available_week_day: [1, 2, 3], begin_time: 0, end_time: 3600 } },
      fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 100 },
      goods_tag: ['123321'],
      limit_card: { name: 'ABC', bin: ['62123456'] },
    },
    out_request_no: 'example_out_request_no',
  };
  await wxpay.v3.marketing.favor.couponStocks.post({ json });
  await wxpay.chain('v3/marketing/favor/coupon-stocks').post({ json });
  await wxpay['v3/marketing/favor/coupon-stocks'].postAsync({ json });
  expect(mock.requests).toHaveLength(3);
  for (const request of mock.requests) {
    expect(request.url).toBe('/v3/marketing/favor/coupon-stocks');
    expect(request.json).toEqual(json);
  }
});

test('deactivate a coupon in all three styles', async () => {
  const json = { coupon_code: 'sxxe34343434', stock_id: '1234567891', deactivate_request_no: '1002600620019090123143254436', deactivate_reason: '此券使用时间设置错误' };
  for (const call of [
    () => wxpay.v3.marketing.busifavor.coupons.deactivate.post({ json }),
    () => wxpay.chain('v3/marketing/busifavor/coupons/deactivate').postAsync({ json }),
    () => wxpay['v3/marketing/busifavor/coupons/deactivate'].post({ json }),
  ]) {
    const response = await call();
    expect(response.data).toMatchObject({ echo: json });
  }
  expect(mock.requests.map((r) => r.url)).toEqual(Array(3).fill('/v3/marketing/busifavor/coupons/deactivate'));
});

test('GET with a path parameter and a query: the encoded query is what was signed and sent', async () => {
  const query = { stock_creator_mchid: '8956000', offset: 0, limit: 10, note: "a b+c:'d'" };
  const responses = [
    await wxpay.v3.marketing.favor.stocks._stock_id_.items.get({ stock_id: 'S 1', query }),
    await wxpay.chain('v3/marketing/favor/stocks/{stock_id}/items').getAsync({ stock_id: 'S 1', query }),
    await wxpay['v3/marketing/favor/stocks/{stock_id}/items'].get({ stock_id: 'S 1', query }),
  ];
  for (const response of responses) {
    expect(response.verified).toBe(true);
    expect(response.data).toEqual({ stock_id: 'S 1', query: { stock_creator_mchid: '8956000', offset: '0', limit: '10', note: "a b+c:'d'" } });
  }
  expect(mock.requests[0]!.url).toBe('/v3/marketing/favor/stocks/S%201/items?stock_creator_mchid=8956000&offset=0&limit=10&note=a%20b%2Bc%3A%27d%27');
  expect(mock.requests[0]!.body).toBe('');
});

test('base_uri sends one call to another host, signed for that host', async () => {
  const other = await startMockServer();
  try {
    other.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', () => ({ json: { ok: true } }));
    // The other server has its own merchant and platform: give this client both platforms.
    const client = untyped(new Wechatpay({ ...other.clientConfig, baseURL: mock.url }));
    const response = await client.v3.marketing.favor.stocks._stock_id_.pause.post({ ...pauseOptions, base_uri: other.url });
    expect(response.data).toEqual({ ok: true });
    expect(other.requests).toHaveLength(1);
    expect(mock.requests).toHaveLength(0);
  } finally {
    await other.close();
  }
});

test('a path ending in a segment named like a verb: receivers.delete.post() is POST …/receivers/delete', async () => {
  mock.route('POST', 'v3/profitsharing/receivers/delete', (r) => ({ json: { account: (r.json as { account: string }).account } }));
  mock.route('DELETE', 'v3/profitsharing/receivers', () => ({ status: 204 }));
  const json = { type: 'MERCHANT_ID', account: '86693852' };
  expect((await wxpay.v3.profitsharing.receivers.delete.post({ json })).data).toEqual({ account: '86693852' });
  expect((await wxpay.v3.profitsharing.receivers.delete.postAsync({ json })).data).toEqual({ account: '86693852' });
  expect((await wxpay.v3.profitsharing.receivers.delete()).status).toBe(204);
  expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
    'POST /v3/profitsharing/receivers/delete',
    'POST /v3/profitsharing/receivers/delete',
    'DELETE /v3/profitsharing/receivers',
  ]);
});

test('{empty} is the trailing empty segment the documentation writes for URLs ending in "/"', async () => {
  mock.route('POST', 'v3/applyment4sub/applyment/', () => ({ json: { applyment_id: 2000002124775691 } }));
  await wxpay.v3.applyment4sub.applyment._empty_.post({ json: { business_code: '1900013511_10000' } });
  await wxpay.chain('v3/applyment4sub/applyment/{empty}').post({ json: { business_code: '1900013511_10000' } });
  await wxpay['v3/applyment4sub/applyment/{empty}'].postAsync({ json: { business_code: '1900013511_10000' } });
  expect(mock.requests.map((r) => r.url)).toEqual(Array(3).fill('/v3/applyment4sub/applyment/'));
});

test('a DELETE may carry a JSON body (some endpoints document one)', async () => {
  mock.route('DELETE', 'v3/marketing/partnerships/{partnership_id}', (r) => ({ json: { echo: r.json } }));
  const response = await wxpay.v3.marketing.partnerships._partnership_id_.delete({ partnership_id: 'P1', json: { reason: 'end' } });
  expect(response.data).toEqual({ echo: { reason: 'end' } });
  expect(mock.requests[0]!.body).toBe('{"reason":"end"}');
});
