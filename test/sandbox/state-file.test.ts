// The mock's --state file is written off the request path (changes are gathered and written
// once per debounce window, as a temporary file renamed over the old one) and on close; a file
// that does not hold what the sandbox wrote is refused at start with the entry and field named,
// instead of crashing the mock on its first retry timer.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wechatpay, untyped } from '../../src/index.js';
import { certifiedKey } from '../../src/mock/identity.js';
import { Ledger } from '../../src/mock/state/ledger.js';
import { startMockServer } from '../../src/mock/server.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-state-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keys = { merchant: certifiedKey({ commonName: '1900000001' }), platform: certifiedKey({ commonName: 'Tenpay.com Root CA' }), apiv3Key: 'abcdefghijklmnopqrstuvwxyz012345' };

test('200 orders created over HTTP: the file is written a few times, not once per order, and holds all of them after close', async () => {
  const stateFile = join(dir, 'many.json');
  const mock = await startMockServer({ ...keys, sandbox: { stateFile } });
  const client = untyped(new Wechatpay(mock.clientConfig));
  const order = (n: number) => ({ json: { appid: 'wx1', mchid: '1900000001', description: 'd', out_trade_no: `M${n}`, notify_url: 'http://127.0.0.1:9/n', amount: { total: 5 } }, headers: { 'Wechatpay-Serial': 'S' } });
  for (let n = 0; n < 200; n += 20) await Promise.all(Array.from({ length: 20 }, (_, i) => client.v3.pay.transactions.native.post(order(n + i))));
  const writes = mock.sandbox.stateWrites;
  await mock.close();
  expect(writes).toBeLessThan(50);
  const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { orders: unknown[] };
  expect(saved.orders).toHaveLength(200);
});

test('writes are gathered: a burst of changes is one write, after the window', async () => {
  const file = join(dir, 'ledger.json');
  const ledger = new Ledger(file, { debounceMs: 20 });
  for (let i = 0; i < 100; i++) ledger.save();
  expect(ledger.writes).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(ledger.writes).toBe(1);
  ledger.close();
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
});

const delivery = { id: 'sandbox-00000001-x', event_type: 'TRANSACTION.SUCCESS', url: 'http://127.0.0.1:9/n', subject: 'order:T1', resource: { out_trade_no: 'T1' }, summary: 's', created_at: 1, state: 'pending', attempts: [], next_at: 1 };

test.each([
  ['a pending delivery without its resource', { ...delivery, resource: undefined }, /deliveries\[0\]\.resource/],
  ['a pending delivery whose next attempt is not a time', { ...delivery, next_at: 'soon' }, /deliveries\[0\]\.next_at/],
  ['a delivery in an unknown state', { ...delivery, state: 'lost' }, /deliveries\[0\]\.state/],
])('%s is refused at start, naming the entry', async (_name, entry, message) => {
  const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ version: 1, seq: 1, orders: [], refunds: [], deliveries: [entry] }));
  await expect(startMockServer({ ...keys, sandbox: { stateFile: file } })).rejects.toThrow(message);
});

test('`wxpay-chain mock --state` with a malformed pending delivery: a clear message and exit 2, not a crash on the retry timer', async () => {
  const file = join(dir, 'cli-bad.json');
  writeFileSync(file, JSON.stringify({ version: 1, seq: 1, orders: [], refunds: [], deliveries: [{ ...delivery, resource: undefined, event_type: undefined }] }));
  const child = spawn(process.execPath, [join('node_modules', 'tsx', 'dist', 'cli.mjs'), join('src', 'cli', 'index.ts'), 'mock', '--port', '0', '--dir', join(dir, 'cli'), '--state', file, '--time-factor', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 20_000);
    child.once('exit', (exit) => {
      clearTimeout(timer);
      resolve(exit);
    });
  });
  expect(stderr).toMatch(/cli-bad\.json: deliveries\[0\]\.(event_type|resource)/);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(code).toBe(2);
}, 30_000);
