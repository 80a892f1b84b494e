// The sandbox behaves as WeChat Pay does where a merchant's code would notice: a bill only for a
// day that is over, sample rows never passed off as the merchant's own, the order's appid and
// openid in its bill rows, the query's amount as the notification's, a failed delivery that
// says why, one time zone; and the tools around it (npm start, the console, `mock` without --dir)
// say what they do.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, readBill, untyped, Wechatpay, type DownloadSource, type WechatpayClient } from '../../src/index.js';
import * as intake from '../../src/mock/intake.js';
import { run as mockCommand } from '../../src/cli/mock.js';
import { runDemo } from '../../src/demo/run.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { Ledger } from '../../src/mock/state/ledger.js';
import { ManualScheduler } from '../../src/mock/state/index.js';
import { rejection } from '../helpers/rejection.js';

// 2026-03-10 15:00 in Beijing.
const clock = new ManualScheduler(Date.parse('2026-03-10T07:00:00Z'));
let mock: MockServer;
let wxpay: WechatpayClient;

beforeAll(async () => {
  mock = await startMockServer({ sandbox: { scheduler: clock } });
  wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });
});
afterAll(() => mock.close());

const order = (no: string, extra: Record<string, unknown> = {}) =>
  wxpay.v3.pay.transactions.jsapi.post({
    json: { appid: 'wxAPPID0000000001', mchid: mock.merchant.mchid, description: 'QQ公仔', out_trade_no: no, notify_url: 'http://127.0.0.1:9/notify', amount: { total: 100, currency: 'CNY' }, payer: { openid: 'oPAYER0001' }, ...extra },
  });
const tradebill = (bill_date: string) => wxpay.v3.bill.tradebill.get({ query: { bill_date } });

describe('bills', () => {
  beforeAll(async () => {
    await order('BILL1');
    mock.sandbox.pay('BILL1');
  });

  test("today's bill is refused as WeChat Pay refuses it; yesterday's only once it is made (08:00, fund flow 10:00)", async () => {
    expect(await rejection(tradebill('2026-03-10'))).toMatchObject({ httpStatus: 400, code: 'INVALID_REQUEST', verified: true });
    expect(await rejection(tradebill('2026-03-11'))).toMatchObject({ httpStatus: 400, code: 'INVALID_REQUEST' });
    clock.advance(Date.parse('2026-03-11T07:59:00+08:00') - clock.now());
    expect(await rejection(tradebill('2026-03-10'))).toMatchObject({ httpStatus: 400, code: 'STATEMENT_CREATING' });
    clock.advance(2 * 60_000);
    expect((await tradebill('2026-03-10')).status).toBe(200);
    expect(await rejection(wxpay.v3.bill.fundflowbill.get({ query: { bill_date: '2026-03-10' } }))).toMatchObject({ code: 'STATEMENT_CREATING' });
    expect(await rejection(tradebill('10 March'))).toMatchObject({ httpStatus: 400 });
  });

  test("a day without a payment has no bill, rather than someone else's rows; the order's appid and openid are in its row", async () => {
    expect(await rejection(tradebill('2026-03-09'))).toMatchObject({ httpStatus: 400, code: 'NO_STATEMENT_EXIST' });
    const { data } = await tradebill('2026-03-10');
    const rows = await readBill(wxpay.downloads.stream(data as DownloadSource), 'trade').toArray();
    expect(rows.map((r) => [r.out_trade_no, r.appid, r.openid, r.attach])).toEqual([['BILL1', 'wxAPPID0000000001', 'oPAYER0001', '']]);
  });

  test('sample rows when asked for, after the own ones and marked', async () => {
    mock.bills.samples = true;
    try {
      const { data } = await tradebill('2026-03-10');
      const rows = await readBill(wxpay.downloads.stream(data as DownloadSource), 'trade').toArray();
      expect(rows[0]!.out_trade_no).toBe('BILL1');
      expect(rows.slice(1).every((r) => r.attach === 'wxpay-chain sample row')).toBe(true);
      expect(rows.length).toBeGreaterThan(1);
    } finally {
      mock.bills.samples = false;
    }
  });
});

test('a paid order is queried with the same amount fields the payment notification carries', async () => {
  let notified: Record<string, unknown> | undefined;
  const shop = createServer(wxpay.webhooks.node((n) => void (notified = n.resource as Record<string, unknown>)));
  await new Promise<void>((done) => shop.listen(0, '127.0.0.1', done));
  try {
    await order('AMOUNT1', { notify_url: `http://127.0.0.1:${(shop.address() as AddressInfo).port}/notify` });
    mock.sandbox.pay('AMOUNT1');
    await mock.sandbox.idle();
    const { data } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'AMOUNT1', query: { mchid: mock.merchant.mchid } });
    expect(notified!.amount).toEqual({ total: 100, currency: 'CNY', payer_total: 100, payer_currency: 'CNY' });
    expect(data.amount).toEqual(notified!.amount);
    const byId = await wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: String(notified!.transaction_id), query: { mchid: mock.merchant.mchid } });
    expect(byId.data.amount).toEqual(notified!.amount);
  } finally {
    shop.close();
  }
});

test('a delivery nobody answers says why: ECONNREFUSED host:port', async () => {
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((done) => closed.close(() => done()));
  await order('REFUSED1', { notify_url: `http://127.0.0.1:${port}/notify` });
  mock.sandbox.pay('REFUSED1');
  await mock.sandbox.idle();
  const delivery = mock.sandbox.deliveries().find((d) => d.subject === 'order:REFUSED1')!;
  expect(delivery.attempts[0]).toMatchObject({ ok: false, answer: `ECONNREFUSED 127.0.0.1:${port}` });
});

test('one time zone: notifications, the console state and its clock line are in Beijing time (+08:00)', async () => {
  const n = JSON.parse(mock.notification('TRANSACTION.SUCCESS').body) as { create_time: string };
  expect(n.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  const state = (await (await fetch(`${mock.url}_sandbox/state`)).json()) as { orders: Array<{ created: string }> };
  expect(state.orders.every((o) => o.created.endsWith('+08:00'))).toBe(true);
  const script = await (await fetch(`${mock.url}_sandbox/console.js`)).text();
  expect(script).not.toContain('toLocaleTimeString');
  expect(script).toContain('(+08:00)');
});

test('an empty console says how to create an order', async () => {
  const empty = await startMockServer();
  try {
    const state = (await (await fetch(`${empty.url}_sandbox/state`)).json()) as { orders: unknown[]; hints: { orders: string } };
    expect(state.orders).toEqual([]);
    expect(state.hints.orders).toContain('wxpay.v3.pay.transactions.native.post(');
    expect(state.hints.orders).toContain('npx wxpay-chain request POST v3/pay/transactions/native --config client.json');
    const script = await (await fetch(`${empty.url}_sandbox/console.js`)).text();
    expect(script).toContain('state.hints.orders');
    // Once there is an order, the hint for an empty table is not said.
    await new Wechatpay(empty.clientConfig).v3.pay.transactions.native.post({ json: { appid: 'wxd678efh567hg6787', mchid: empty.merchant.mchid, description: 'd', out_trade_no: 'HINT1', notify_url: 'https://example.com/n', amount: { total: 1 } } });
    const busy = (await (await fetch(`${empty.url}_sandbox/state`)).json()) as { orders: unknown[]; hints: { orders?: string } };
    expect(busy.orders).toHaveLength(1);
    expect(busy.hints.orders).toBeUndefined();
  } finally {
    await empty.close();
  }
});

test('reads that close expired orders write the state file once, not once per order; expiry timers are per kind', async () => {
  const save = jest.spyOn(Ledger.prototype, 'save');
  try {
    const at = new Date(clock.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    for (const no of ['EXP1', 'EXP2', 'EXP3']) await order(no, { time_expire: at });
    // A partner order with the same number as a direct one, both expiring.
    await wxpay.v3.pay.partner.transactions.jsapi.post({
      json: { sp_appid: 'wxAPPID0000000001', sp_mchid: mock.merchant.mchid, sub_mchid: '1900000109', description: 'p', out_trade_no: 'EXP1', notify_url: 'http://127.0.0.1:9/', amount: { total: 100 }, payer: { sp_openid: 'o1' }, time_expire: at },
    });
    // Paying the direct EXP1 must leave the partner EXP1's expiry timer alone.
    mock.sandbox.pay('EXP1');
    save.mockClear();
    clock.advance(61_000);
    await Promise.resolve();
    const partner = mock.sandbox.snapshot().orders.find((o) => o.kind === 'partner' && o.out_trade_no === 'EXP1')!;
    expect(partner.trade_state).toBe('CLOSED');
    expect(save.mock.calls.length).toBeLessThanOrEqual(1);
  } finally {
    save.mockRestore();
  }
});

test('npm start: in a terminal the console stays up until Ctrl-C; elsewhere it says it closed', async () => {
  const lines: string[] = [];
  let stop!: () => void;
  const ran = runDemo({ log: (line) => lines.push(line), interactive: true, until: () => new Promise<void>((done) => (stop = done)) });
  while (!lines.some((l) => l.includes('until Ctrl-C'))) await new Promise((done) => setTimeout(done, 20));
  const url = /console: (http:\S+)/.exec(lines.join('\n'))![1]!;
  expect((await fetch(url)).status).toBe(200); // still up
  stop();
  expect(await ran).toBe(0);
  expect(lines.at(-1)).toBe('sandbox stopped');

  const piped: string[] = [];
  expect(await runDemo({ log: (line) => piped.push(line), interactive: false })).toBe(0);
  expect(piped.at(-1)).toMatch(/are closed now \(not a terminal\); for one that stays up: npx wxpay-chain mock/);
}, 60_000);

test('`wxpay-chain mock` without --dir removes the key folder it made when it stops', async () => {
  let out = '';
  const code = await mockCommand([], { out: (t) => void (out += t), err: (t) => void (out += t), until: async () => undefined });
  expect(code).toBe(0);
  const config = /client config: (\S+)/.exec(out)![1]!;
  expect(existsSync(config)).toBe(false);
  expect(out).toMatch(/removed/);
});

test('the ApiError for a refused bill is verified WeChat Pay (sandbox state), not a sample', async () => {
  const error = await tradebill('2030-01-01').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect(mock.requests.at(-1)).toMatchObject({ stateful: true, code: 'INVALID_REQUEST' });
});

test('the mock parses a request target once, APIv2 and APIv3 alike', async () => {
  const spy = jest.spyOn(intake, 'targetUrl');
  try {
    await untyped(wxpay).v2.pay.orderquery.post({ xml: { appid: 'wx1', mch_id: mock.merchant.mchid, out_trade_no: 'NONE' } }).catch(() => undefined);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockClear();
    await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'NONE', query: { mchid: mock.merchant.mchid } }).catch(() => undefined);
    expect(spy).toHaveBeenCalledTimes(1);
  } finally {
    spy.mockRestore();
  }
});
