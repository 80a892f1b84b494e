// The day's bills from the sandbox's state (src/mock/sandbox-bills.ts): the trade bill filtered
// by bill_type, the fund-flow bill with its running balance; no bill for a day the sandbox has
// nothing on unless sample rows are asked for (and then marked).
import { Readable } from 'node:stream';
import { readBill } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { ManualScheduler } from '../../src/mock/state/index.js';
import { beijingDate } from '../../src/mock/state/time.js';

let mock: MockServer;
// Noon in Beijing, so every event of the test falls on one Beijing calendar day.
const clock = new ManualScheduler(Date.parse('2026-03-10T04:00:00Z'));
const day = '2026-03-10';

beforeAll(async () => {
  mock = await startMockServer({ sandbox: { scheduler: clock } });
  const create = (no: string, total: number) =>
    mock.sandbox.answer({
      method: 'POST',
      template: 'v3/pay/transactions/native',
      params: {},
      query: new URLSearchParams(),
      json: { appid: 'wx1', mchid: mock.merchant.mchid, description: `goods ${no}`, out_trade_no: no, notify_url: 'http://127.0.0.1:9/', amount: { total, currency: 'CNY' } },
    });
  create('B1', 1000);
  create('B2', 250);
  create('B3', 99); // never paid: in no bill
  mock.sandbox.pay('B1');
  clock.advance(60_000);
  mock.sandbox.pay('B2');
  clock.advance(60_000);
  mock.sandbox.answer({ method: 'POST', template: 'v3/refund/domestic/refunds', params: {}, query: new URLSearchParams(), json: { out_trade_no: 'B1', out_refund_no: 'RB1', amount: { refund: 400, total: 1000, currency: 'CNY' } } });
  // The next morning, when WeChat Pay has made the day's bills.
  clock.advance(Date.parse('2026-03-11T10:00:00+08:00') - clock.now());
});
afterAll(() => mock.close());

const read = <K extends 'trade' | 'fundflow'>(kind: K, query: Record<string, string> = {}) => readBill(Readable.from([mock.bills.text(kind, day, query)]), kind).toArray();

test('the day in the sandbox is the day the clock said', () => {
  expect(beijingDate(mock.sandbox.order('B1')!.success_time!)).toBe(day);
  expect(mock.sandbox.day(day).orders.map((o) => o.out_trade_no)).toEqual(['B1', 'B2']);
});

test('the trade bill lists the payments and the refund of the day; bill_type filters them', async () => {
  const all = await read('trade');
  expect(all.map((r) => [r.out_trade_no, r.trade_state, r.total, r.refund_amount, r.description])).toEqual([
    ['B1', 'SUCCESS', '10.00', '0.00', 'goods B1'],
    ['B2', 'SUCCESS', '2.50', '0.00', 'goods B2'],
    ['B1', 'REFUND', '0.00', '4.00', 'goods B1'],
  ]);
  expect((await read('trade', { bill_type: 'SUCCESS' })).map((r) => r.out_trade_no)).toEqual(['B1', 'B2']);
  expect((await read('trade', { bill_type: 'REFUND' })).map((r) => r.out_refund_no)).toEqual(['RB1']);
});

test('the fund-flow bill: income net of the fee, the refund as expense, a running balance', async () => {
  const rows = await read('fundflow');
  // fees at 0.6%, rounded to the fen: 6 on 1000, 2 on 250 (1.5 rounds up), 2 on 400 (2.4 rounds down)
  expect(rows.map((r) => [r.business_name, r.direction, r.amount, r.balance])).toEqual([
    ['交易', '收入', '9.94', '9.94'],
    ['交易', '收入', '2.48', '12.42'],
    ['退款', '支出', '3.98', '8.44'],
  ]);
});

test('a day without activity has no bill (NO_STATEMENT_EXIST); sample rows only when asked, and marked', async () => {
  expect(() => mock.bills.text('trade', '2020-01-01')).toThrow(/NO_STATEMENT_EXIST/);
  mock.bills.samples = true;
  try {
    const sample = mock.bills.text('trade', '2020-01-01');
    expect(sample).toContain('2020-01-01');
    expect(sample).not.toContain('B1');
    // Asked for on a day with the merchant's own rows: added after them, each one marked.
    const rows = await read('trade');
    const own = rows.filter((r) => r.attach !== 'wxpay-chain sample row');
    const samples = rows.filter((r) => r.attach === 'wxpay-chain sample row');
    expect(own.map((r) => r.out_trade_no)).toEqual(['B1', 'B2', 'B1']);
    expect(samples.length).toBe(3);
    expect(rows.slice(0, 3)).toEqual(own);
    expect((await read('fundflow')).filter((r) => r.remark === 'wxpay-chain sample row')).toHaveLength(2);
  } finally {
    mock.bills.samples = false;
  }
});
