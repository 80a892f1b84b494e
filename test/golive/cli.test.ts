// `wxpay-chain request` and `wxpay-chain bill` against `wxpay-chain mock` running as a real
// child process, with the client.json it writes (and the same credentials from the environment).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { run as bill } from '../../src/cli/bill.js';
import { run as request } from '../../src/cli/request.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-'));
let child: ChildProcess;
let configFile: string;

beforeAll(async () => {
  child = spawn(process.execPath, [join('node_modules', 'tsx', 'dist', 'cli.mjs'), join('test', 'golive', 'mock-process.ts'), '--dir', join(dir, 'mock'), '--sample-bills'], { stdio: ['ignore', 'pipe', 'inherit'] });
  configFile = await new Promise<string>((resolve, reject) => {
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const found = /client config: (.+)\n/.exec(printed);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the mock exited early (${code}): ${printed}`)));
  });
}, 60_000);
afterAll(async () => {
  child.stdout?.destroy();
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // tsx forwards the signal to the node process it runs; should that hang, end it for good.
    const stubborn = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(stubborn);
  }
  rmSync(dir, { recursive: true, force: true });
});

function io(env?: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const drawn: string[] = [];
  const progress = new Writable({ write: (chunk: Buffer, _e, done) => (drawn.push(chunk.toString()), done()) });
  return { out, err, drawn, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: env ?? {}, progress } };
}

const order = JSON.stringify({
  appid: 'wxd678efh567hg6787', mchid: '1900000001', description: 'cli', out_trade_no: 'CLI1',
  notify_url: 'https://example.com/notify', amount: { total: 1, currency: 'CNY' },
});

test('request: a signed call from the config file, the answer printed as verified', async () => {
  const captured = io();
  expect(await request(['post', 'v3/pay/transactions/native', '--json', order, '--config', configFile], captured.io)).toBe(0);
  const printed = captured.out.join('');
  expect(printed).toMatch(/^HTTP 200 \(verified: WeChat Pay signature checked with [0-9A-F]+\)\n/);
  expect(JSON.parse(printed.slice(printed.indexOf('\n') + 1))).toMatchObject({ code_url: expect.any(String) });
});

test('request: credentials from the environment, query and path parameters', async () => {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  const env = {
    WXPAY_MCHID: String(config.mchid), WXPAY_SERIAL: String(config.serial), WXPAY_PRIVATE_KEY: String(config.privateKey),
    WXPAY_CERTS: JSON.stringify(config.certs), WXPAY_BASE_URL: String(config.baseURL),
  };
  const captured = io(env);
  const code = await request(['GET', 'v3/pay/transactions/out-trade-no/{out_trade_no}', '--param', 'out_trade_no=CLI1', '--query', 'mchid=1900000001'], captured.io);
  expect(captured.err.join('')).toBe('');
  expect(code).toBe(0);
  expect(captured.out.join('')).toContain('"out_trade_no": "CLI1"');
});

test('request: a refused call exits 1 with the code; usage errors exit 2', async () => {
  const refused = io();
  expect(await request(['post', 'v3/pay/transactions/native', '--json', '{"appid":"wx1"}', '--config', configFile], refused.io)).toBe(1);
  expect(refused.err.join('')).toMatch(/HTTP 400 PARAM_ERROR.*\(verified/);
  for (const argv of [['fetch', 'v3/x'], ['get'], ['get', 'v3/x', '--query', 'novalue', '--config', configFile], ['get', 'v3/x', '--json', '{', '--config', configFile]]) {
    const usage = io();
    expect(await request(argv, usage.io)).toBe(2);
  }
  const none = io();
  expect(await request(['get', 'v3/certificates'], none.io)).toBe(2);
  expect(none.err.join('')).toContain('WXPAY_MCHID');
});

test.each([
  ['trade', ['--gzip'], '交易时间'],
  ['fundflow', [], '记账时间'],
  ['sub-merchant', ['--sub-mchid', '1900000109', '--gzip'], '记账时间'],
  ['statement', ['--gzip'], '交易时间'],
])('bill %s: applies, shows progress, verifies and writes the file', async (kind, extra, column) => {
  const out = join(dir, `${kind}.csv`);
  const captured = io();
  expect(await bill([kind, '--date', '2024-06-01', '--out', out, '--config', configFile, ...extra], captured.io)).toBe(0);
  expect(captured.out.join('')).toMatch(new RegExp(`${kind}\\.csv: \\d+ bytes, verified \\(SHA1 [0-9a-f]{40} matches\\)`));
  expect(readFileSync(out, 'utf8')).toContain(column);
  expect(captured.drawn.join('')).toContain('100%');
});

test('bill: usage errors exit 2; nothing is written on a failure', async () => {
  for (const argv of [['weekly', '--date', '2024-06-01', '--out', 'x'], ['trade', '--out', 'x'], ['trade', '--date', '2024-06-01'], ['sub-merchant', '--date', '2024-06-01', '--out', 'x']]) {
    const usage = io();
    expect(await bill([...argv, '--config', configFile], usage.io)).toBe(2);
  }
  const target = join(dir, 'bad', 'never.csv');
  const failed = io();
  expect(await bill(['trade', '--date', '2024-06-01', '--out', target, '--config', configFile], failed.io)).toBe(1);
  expect(failed.err.join('')).toMatch(/ENOENT|never\.csv/);
  expect(readdirSync(dir)).not.toContain('bad');
});
