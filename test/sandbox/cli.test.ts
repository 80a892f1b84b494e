// The sandbox from a shell: `wxpay-chain mock --state FILE` keeps orders across a restart, and
// `wxpay-chain sandbox pay|fail|expire|list` drives the running mock as the console does.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as mock } from '../../src/cli/mock.js';
import { run as sandbox } from '../../src/cli/sandbox.js';
import { Wechatpay, untyped, type WechatpayConfig } from '../../src/index.js';
import type { MockServer } from '../../src/mock/server.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stateFile = join(dir, 'state.json');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

function clientOf(printed: string) {
  const file = /client config: (.+)\n/.exec(printed)![1]!;
  return untyped(new Wechatpay(JSON.parse(readFileSync(file, 'utf8')) as WechatpayConfig));
}

const order = (mchid: string, no: string) => ({
  json: { appid: 'wxd678efh567hg6787', mchid, description: 'CLI', out_trade_no: no, notify_url: 'http://127.0.0.1:9/never', amount: { total: 10 } },
  headers: { 'Wechatpay-Serial': 'ignored-by-the-mock-check' },
});

test('--state keeps orders across a restart; `sandbox pay|fail|expire|list` act on the running mock', async () => {
  const first = io();
  const code = await mock(['--dir', join(dir, 'one'), '--state', stateFile, '--time-factor', '0'], {
    ...first.io,
    until: async (running: MockServer) => {
      expect(first.out.join('')).toContain(`sandbox console: ${running.url}`);
      const client = clientOf(first.out.join(''));
      for (const no of ['CLI-PAY', 'CLI-FAIL', 'CLI-EXPIRE', 'CLI-LEFT']) await client.v3.pay.transactions.native.post(order(running.merchant.mchid, no));
      const said = io();
      expect(await sandbox(['pay', 'CLI-PAY', '--base-url', running.url], said.io)).toBe(0);
      expect(said.out.join('')).toContain('CLI-PAY: SUCCESS');
      expect(await sandbox(['fail', 'CLI-FAIL', '--base-url', running.url], said.io)).toBe(0);
      expect(await sandbox(['expire', 'CLI-EXPIRE', '--base-url', running.url], said.io)).toBe(0);
      const refused = io();
      expect(await sandbox(['pay', 'CLI-PAY', '--base-url', running.url], refused.io)).toBe(1);
      expect(refused.err.join('')).toMatch(/CLI-PAY is SUCCESS/);
      const listed = io();
      expect(await sandbox(['list', '--base-url', running.url], listed.io)).toBe(0);
      const state = JSON.parse(listed.out.join('')) as { orders: Array<{ out_trade_no: string; trade_state: string }> };
      expect(Object.fromEntries(state.orders.map((o) => [o.out_trade_no, o.trade_state]))).toEqual({ 'CLI-PAY': 'SUCCESS', 'CLI-FAIL': 'PAYERROR', 'CLI-EXPIRE': 'CLOSED', 'CLI-LEFT': 'NOTPAY' });
      await running.sandbox.idle();
    },
  });
  expect(code).toBe(0);
  // Written whole and renamed: no temporary file left beside it.
  expect(readdirSync(dir).filter((name) => name.startsWith('state.json'))).toEqual(['state.json']);

  const second = io();
  await mock(['--dir', join(dir, 'two'), '--state', stateFile], {
    ...second.io,
    until: async (running: MockServer) => {
      expect(second.out.join('')).toContain('(4 order(s) loaded)');
      const client = clientOf(second.out.join(''));
      const paid = await client.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'CLI-PAY', query: { mchid: running.merchant.mchid } });
      expect(paid.data).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 10 } });
      // The failed notification (nobody listens on port 9) was recorded, attempt by attempt.
      const delivery = running.sandbox.deliveries()[0]!;
      expect(delivery.attempts.length).toBeGreaterThan(0);
      expect(delivery.attempts[0]).toMatchObject({ ok: false });
    },
  });
});

test('usage errors exit 2 and say why; an unreachable mock exits 1', async () => {
  for (const argv of [['--time-factor', 'fast'], ['--time-factor', '-1']]) {
    const captured = io();
    expect(await mock(argv, captured.io)).toBe(2);
    expect(captured.err.join('')).toMatch(/--time-factor/);
  }
  for (const argv of [[], ['pay'], ['list', 'x', '--base-url', 'http://127.0.0.1:9/'], ['pay', 'A', '--base-url', 'not a url'], ['dance', 'A']]) {
    const captured = io();
    expect(await sandbox(argv, captured.io)).toBe(2);
  }
  const unreachable = io();
  expect(await sandbox(['pay', 'A', '--base-url', 'http://127.0.0.1:9/'], unreachable.io)).toBe(1);
  expect(unreachable.err.join('')).toMatch(/no mock at/);
  const help = io();
  expect(await sandbox(['--help'], help.io)).toBe(0);
  expect(help.out.join('')).toContain('redeliver');
  expect(existsSync(stateFile)).toBe(true);
});
