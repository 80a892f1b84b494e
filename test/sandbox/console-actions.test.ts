// The console's action routes over plain HTTP (the browser suite drives them by click): an action
// whose body is over the bound is refused with 413 and not carried out.
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
  mock.sandbox.answer({
    method: 'POST',
    template: 'v3/pay/transactions/native',
    params: {},
    query: new URLSearchParams(),
    json: { appid: 'wx1', mchid: mock.merchant.mchid, description: 'd', out_trade_no: 'ACT-1', notify_url: 'http://127.0.0.1:9/', amount: { total: 1, currency: 'CNY' } },
  });
});
afterAll(() => mock.close());

const pay = (body: string) => fetch(`${mock.url}_sandbox/orders/ACT-1/pay`, { method: 'POST', headers: { 'X-Wxpay-Sandbox': '1', 'Content-Type': 'application/json' }, body });

test('an oversized action body is refused with 413 and the order stays unpaid', async () => {
  const refused = await pay(JSON.stringify({ outcome: 'success', padding: 'x'.repeat(4096) }));
  expect(refused.status).toBe(413);
  expect(mock.sandbox.order('ACT-1')!.trade_state).toBe('NOTPAY');
});

test('the same action with a small body pays the order', async () => {
  const paid = await pay(JSON.stringify({ outcome: 'success' }));
  expect(paid.status).toBe(200);
  expect(mock.sandbox.order('ACT-1')!.trade_state).toBe('SUCCESS');
});
