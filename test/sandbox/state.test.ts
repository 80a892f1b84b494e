// The sandbox's state machine over every order family it keeps, on a stepped clock: partner and
// combined orders, the payer's outcomes, expiry at time_expire, a notification nobody accepts
// (the whole documented schedule, then given up), redelivery, the day's orders and refunds, a
// restart from the state file with a retry still pending, and `sandbox: false`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { certifiedKey } from '../../src/mock/identity.js';
import { ManualScheduler, RETRY_SCHEDULE, SandboxError } from '../../src/mock/state/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

const START = Date.UTC(2026, 0, 1, 4, 0, 0); // 12:00 in Beijing
const keys = { merchant: certifiedKey({ commonName: '1900000001' }), platform: certifiedKey({ commonName: 'Tenpay.com Root CA' }), apiv3Key: 'abcdefghijklmnopqrstuvwxyz012345' };
const dir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-state-'));

let merchant: Server;
let notifyUrl: string;
let answerWith = 500;
const hits: string[] = [];

beforeAll(async () => {
  // A merchant endpoint that answers what the test says (it does not verify: the flow test does).
  merchant = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push((JSON.parse(body) as { event_type: string }).event_type);
      res.writeHead(answerWith).end(answerWith === 204 ? undefined : '{"code":"FAIL","message":"busy"}');
    });
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/notify`;
});
afterAll(async () => {
  await new Promise((resolve) => merchant.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function sandboxed(options: { stateFile?: string; clock?: ManualScheduler } = {}): Promise<{ mock: MockServer; client: UntypedWechatpayClient; clock: ManualScheduler }> {
  const clock = options.clock ?? new ManualScheduler(START);
  const mock = await startMockServer({ ...keys, sandbox: { scheduler: clock, timeFactor: 1, ...(options.stateFile ? { stateFile: options.stateFile } : {}) } });
  return { mock, client: untyped(new Wechatpay(mock.clientConfig)), clock };
}

const serial = { 'Wechatpay-Serial': 'S' };

describe('order families', () => {
  let mock: MockServer;
  let client: UntypedWechatpayClient;
  let clock: ManualScheduler;
  beforeAll(async () => ({ mock, client, clock } = await sandboxed()));
  afterAll(() => mock.close());

  test('Native, H5 and APP answer code_url, h5_url and prepay_id, each kept', async () => {
    const base = { appid: 'wx1', mchid: '1900000001', description: 'd', notify_url: notifyUrl, amount: { total: 5 } };
    const native = await client.v3.pay.transactions.native.post({ json: { ...base, out_trade_no: 'N1' }, headers: serial });
    expect(native.data).toEqual({ code_url: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/) });
    const h5 = await client.v3.pay.transactions.h5.post({ json: { ...base, out_trade_no: 'H1', scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } } }, headers: serial });
    expect(h5.data).toEqual({ h5_url: expect.stringMatching(/^https:\/\/wx\.tenpay\.com\//) });
    const app = await client.v3.pay.transactions.app.post({ json: { ...base, out_trade_no: 'A1' }, headers: serial });
    expect(app.data).toEqual({ prepay_id: expect.stringMatching(/^wx/) });
    expect(mock.sandbox.orders().map((o) => [o.out_trade_no, o.trade_type])).toEqual([
      ['N1', 'NATIVE'],
      ['H1', 'MWEB'],
      ['A1', 'APP'],
    ]);
  });

  test('a partner order is queried with its sub-merchant and refunded against its total', async () => {
    const json = { sp_appid: 'wx2', sp_mchid: '1900000100', sub_mchid: '1900000109', description: 'p', out_trade_no: 'P1', notify_url: notifyUrl, amount: { total: 50 }, payer: { sp_openid: 'o1' } };
    await client.v3.pay.partner.transactions.jsapi.post({ json, headers: serial });
    answerWith = 204;
    mock.sandbox.pay('P1');
    await mock.sandbox.idle();
    const queried = await client.v3.pay.partner.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'P1', query: { sp_mchid: '1900000100', sub_mchid: '1900000109' } });
    expect(queried.data).toMatchObject({ out_trade_no: 'P1', sp_mchid: '1900000100', sub_mchid: '1900000109', trade_state: 'SUCCESS', trade_type: 'JSAPI' });
    const refund = await client.v3.refund.domestic.refunds.post({ json: { sub_mchid: '1900000109', out_trade_no: 'P1', out_refund_no: 'PR1', amount: { refund: 50, total: 50, currency: 'CNY' } } });
    expect(refund.data).toMatchObject({ status: 'PROCESSING' });
    clock.advance(0);
    await mock.sandbox.idle();
    expect(mock.sandbox.refunds()[0]).toMatchObject({ out_refund_no: 'PR1', status: 'SUCCESS' });
    const more = await client.v3.refund.domestic.refunds.post({ json: { out_trade_no: 'P1', out_refund_no: 'PR2', amount: { refund: 1, total: 50, currency: 'CNY' } } }).catch((e: unknown) => e);
    expect(more).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  test('a combined order: its sub-orders are paid together, queried with their states, refunded one by one', async () => {
    const sub = (no: string, total: number) => ({ mchid: '1900000001', attach: 'a', amount: { total_amount: total, currency: 'CNY' }, out_trade_no: no, description: 'sub' });
    const json = { combine_appid: 'wx3', combine_mchid: '1900000001', combine_out_trade_no: 'C1', sub_orders: [sub('C1-a', 30), sub('C1-b', 70)], notify_url: notifyUrl };
    await client.v3.combineTransactions.app.post({ json, headers: serial });
    const again = await client.v3.combineTransactions.app.post({ json: { ...json, combine_out_trade_no: 'C2' }, headers: serial }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'INVALID_REQUEST' }); // its sub-order numbers are taken
    hits.length = 0;
    mock.sandbox.pay('C1');
    await mock.sandbox.idle();
    expect(hits).toEqual(['TRANSACTION.SUCCESS']);
    const queried = await client.v3.combineTransactions.outTradeNo._combine_out_trade_no_.get({ combine_out_trade_no: 'C1' });
    expect(queried.data).toMatchObject({ combine_out_trade_no: 'C1', sub_orders: [{ out_trade_no: 'C1-a', trade_state: 'SUCCESS', amount: { total_amount: 30 } }, { out_trade_no: 'C1-b', trade_state: 'SUCCESS' }] });
    await client.v3.refund.domestic.refunds.post({ json: { out_trade_no: 'C1-b', out_refund_no: 'CR1', amount: { refund: 70, total: 70, currency: 'CNY' } } });
    clock.advance(0);
    await mock.sandbox.idle();
    expect(hits).toEqual(['TRANSACTION.SUCCESS', 'REFUND.SUCCESS']);
    expect(mock.sandbox.refunds().find((r) => r.out_refund_no === 'CR1')).toMatchObject({ status: 'SUCCESS', out_trade_no: 'C1-b' });
  });

  test('the payer fails or cancels; an order expires at its time_expire; no notification for those', async () => {
    const base = { appid: 'wx1', mchid: '1900000001', description: 'd', notify_url: notifyUrl, amount: { total: 5 }, payer: { openid: 'o' } };
    const expireAt = new Date(clock.now() + 30 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    for (const no of ['F1', 'X1', 'E1']) await client.v3.pay.transactions.jsapi.post({ json: { ...base, out_trade_no: no, ...(no === 'E1' ? { time_expire: expireAt } : {}) }, headers: serial });
    hits.length = 0;
    expect(mock.sandbox.pay('F1', 'insufficient-balance').trade_state).toBe('PAYERROR');
    expect(mock.sandbox.pay('X1', 'cancel').trade_state).toBe('NOTPAY');
    clock.advance(30 * 60_000 - 1);
    expect(mock.sandbox.order('E1')?.trade_state).toBe('NOTPAY');
    clock.advance(1);
    expect(mock.sandbox.order('E1')?.trade_state).toBe('CLOSED');
    await mock.sandbox.idle();
    expect(hits).toEqual([]);
    expect(() => mock.sandbox.pay('E1')).toThrow(SandboxError);
    expect(() => mock.sandbox.pay('nothing')).toThrow(/no order nothing/);
    const closed = await client.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'E1', query: { mchid: '1900000001' } });
    expect(closed.data).toMatchObject({ trade_state: 'CLOSED' });
  });

  test('the day\'s orders and refunds, by Beijing calendar date', () => {
    const today = mock.sandbox.day('2026-01-01');
    expect(today.orders.map((o) => o.out_trade_no).sort()).toEqual(['C1-a', 'C1-b', 'P1']);
    expect(today.refunds.map((r) => r.out_refund_no).sort()).toEqual(['CR1', 'PR1']);
    expect(mock.sandbox.day('2026-01-02')).toEqual({ orders: [], refunds: [] });
  });
});

test('a notification nobody accepts: every documented retry at its time, then given up; redelivery starts over', async () => {
  const { mock, client, clock } = await sandboxed();
  try {
    answerWith = 500;
    await client.v3.pay.transactions.native.post({ json: { appid: 'wx1', mchid: '1900000001', description: 'd', out_trade_no: 'R1', notify_url: notifyUrl, amount: { total: 5 } }, headers: serial });
    mock.sandbox.pay('R1');
    await mock.sandbox.idle();
    const delivery = mock.sandbox.deliveries()[0]!;
    for (const seconds of RETRY_SCHEDULE) {
      expect(delivery.next_at! - clock.now()).toBe(seconds * 1000);
      clock.advance(seconds * 1000);
      await mock.sandbox.idle();
    }
    expect(delivery.attempts).toHaveLength(RETRY_SCHEDULE.length + 1);
    expect(delivery.state).toBe('failed');
    expect(clock.due).toEqual([]);
    // 24h4m from the first attempt to the last, as documented.
    expect(delivery.attempts.at(-1)!.at - delivery.attempts[0]!.at).toBe((24 * 60 + 4) * 60_000);
    answerWith = 204;
    mock.sandbox.redeliver(delivery.id);
    await mock.sandbox.idle();
    expect(delivery.state).toBe('delivered');
    expect(delivery.attempts.at(-1)).toMatchObject({ status: 204, ok: true, first: true });
  } finally {
    await mock.close();
  }
});

test('a restart from the state file keeps orders and resumes a pending retry', async () => {
  const stateFile = join(dir, 'restart.json');
  const clock = new ManualScheduler(START);
  const one = await sandboxed({ stateFile, clock });
  answerWith = 500;
  await one.client.v3.pay.transactions.native.post({ json: { appid: 'wx1', mchid: '1900000001', description: 'd', out_trade_no: 'S1', notify_url: notifyUrl, amount: { total: 5 } }, headers: serial });
  one.mock.sandbox.pay('S1');
  await one.mock.sandbox.idle();
  await one.mock.close();

  const two = await sandboxed({ stateFile, clock });
  try {
    expect(two.mock.sandbox.order('S1')).toMatchObject({ trade_state: 'SUCCESS' });
    const delivery = two.mock.sandbox.deliveries()[0]!;
    expect(delivery).toMatchObject({ state: 'pending', attempts: [{ status: 500 }] });
    answerWith = 204;
    clock.advance(RETRY_SCHEDULE[0]! * 1000);
    await two.mock.sandbox.idle();
    expect(two.mock.sandbox.deliveries()[0]).toMatchObject({ state: 'delivered' });
    const queried = await two.client.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'S1', query: { mchid: '1900000001' } });
    expect(queried.data).toMatchObject({ trade_state: 'SUCCESS' });
  } finally {
    await two.mock.close();
  }
});

test('`sandbox: false` answers from the documented samples, as before', async () => {
  const mock = await startMockServer({ ...keys, sandbox: false });
  try {
    const client = untyped(new Wechatpay(mock.clientConfig));
    const queried = await client.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'NEVER', query: { mchid: '1900000001' } });
    expect(queried.data).toMatchObject({ out_trade_no: 'NEVER', trade_state: 'mock_trade_state' });
    expect(mock.sandbox.orders()).toEqual([]);
  } finally {
    await mock.close();
  }
});

test('a state file that is not one is refused with its name', async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"hello":1}');
  await expect(startMockServer({ ...keys, sandbox: { stateFile: bad } })).rejects.toThrow(/bad\.json is not a sandbox state file: its version is undefined, this sandbox reads version 1/);
  // A version-1 file without one of its lists names the list, not the version it does have.
  writeFileSync(bad, '{"version":1,"orders":[]}');
  await expect(startMockServer({ ...keys, sandbox: { stateFile: bad } })).rejects.toThrow(/bad\.json: refunds: expected a list/);
});

test('a merchant that never answers: the attempt ends at notifyTimeoutMs and is recorded as no answer', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const clock = new ManualScheduler(START);
  const mock = await startMockServer({ ...keys, sandbox: { scheduler: clock, timeFactor: 1, notifyTimeoutMs: 200 } });
  try {
    const client = untyped(new Wechatpay(mock.clientConfig));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    await client.v3.pay.transactions.native.post({ json: { appid: 'wx1', mchid: '1900000001', description: 'd', out_trade_no: 'T1', notify_url: url, amount: { total: 5 } }, headers: serial });
    mock.sandbox.pay('T1');
    await mock.sandbox.idle();
    expect(mock.sandbox.deliveries()[0]).toMatchObject({ state: 'pending', attempts: [{ ok: false, answer: 'no answer within 200 ms' }] });
  } finally {
    await mock.close();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('reset() forgets orders, refunds and deliveries and cancels what was scheduled', async () => {
  const { mock, client, clock } = await sandboxed();
  try {
    answerWith = 500;
    const json = { appid: 'wx1', mchid: '1900000001', description: 'd', out_trade_no: 'Z1', notify_url: notifyUrl, amount: { total: 5 } };
    await client.v3.pay.transactions.native.post({ json, headers: serial });
    mock.sandbox.pay('Z1');
    await client.v3.refund.domestic.refunds.post({ json: { out_trade_no: 'Z1', out_refund_no: 'ZR1', amount: { refund: 5, total: 5, currency: 'CNY' } } });
    await mock.sandbox.idle();
    expect(clock.due.length).toBeGreaterThan(0); // a retry and the refund's completion
    mock.sandbox.reset();
    expect(clock.due).toEqual([]);
    expect([mock.sandbox.orders(), mock.sandbox.refunds(), mock.sandbox.deliveries()]).toEqual([[], [], []]);
    // The number is free again.
    expect((await client.v3.pay.transactions.native.post({ json, headers: serial })).status).toBe(200);
  } finally {
    await mock.close();
  }
});
