// Issue #15 L3, L4, M7: a hand-set Authorization in any spelling is a ParameterError, the SDK's
// internal "unsigned" flag is not honoured from a caller's config, and the path caches are bounded.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ParameterError, VerificationError, Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', (r) => ({ json: { stock_id: r.params.stock_id } }));
});
afterAll(() => mock.close());

test.each(['Authorization ', ' authorization', 'AUTHORIZATION\t', '\tAuthorization\r', 'authorization\u00a0'])(
  'L3: %j in options.headers or in the call config is a ParameterError, and nothing is sent',
  async (name) => {
    const wxpay = untyped(new Wechatpay(mock.clientConfig));
    const before = mock.requests.length;
    const viaOptions = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {}, headers: { [name]: 'WECHATPAY2-SHA256-RSA2048 forged' } }).catch((e: unknown) => e);
    expect(viaOptions).toBeInstanceOf(ParameterError);
    const viaConfig = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} }, { headers: { [name]: 'forged' } }).catch((e: unknown) => e);
    expect(viaConfig).toBeInstanceOf(ParameterError);
    expect((viaConfig as ParameterError).field).toBe(`config.headers.${name}`);
    expect(mock.requests.length).toBe(before);
  },
);

test('L4: `wechatpay: { unsigned: true }` from the constructor or a call does not switch verification off', async () => {
  const flags = { wechatpay: { unsigned: true } };
  const fromConstructor = untyped(new Wechatpay({ ...mock.clientConfig, ...flags }));
  const plain = untyped(new Wechatpay(mock.clientConfig));
  for (const [wxpay, config] of [
    [fromConstructor, undefined],
    [plain, flags],
  ] as const) {
    mock.fault({ kind: 'bad-signature' });
    const error = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} }, config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
  }
  // Through the axios instance directly too.
  mock.fault({ kind: 'bad-signature' });
  const direct = await plain.axios.request({ method: 'post', url: 'v3/marketing/favor/stocks/S1/pause', data: '{}', headers: { 'Content-Type': 'application/json' }, ...flags }).catch((e: unknown) => e);
  expect(direct).toBeInstanceOf(VerificationError);
});

test('M7: 50,000 paths built from ids leave the heap where 5,000 left it', () => {
  const script = `
    const { Wechatpay } = require('./src/index.ts');
    const { startMockServer } = require('./src/mock/server.ts');
    (async () => {
      const mock = await startMockServer({ model: false });
      mock.route('GET', 'v3/ids/{id}', () => ({ json: {} }));
      const wxpay = new Wechatpay(mock.clientConfig);
      const touch = async (from, to) => {
        for (let i = from; i < to; i++) {
          void wxpay['v3/pay/transactions/id/' + i].get;
          void wxpay.v3.pay.transactions.id['x' + i];
          if (i % 50 === 0) await wxpay.request('get', 'v3/ids/' + i, {});
        }
      };
      const heap = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
      await touch(0, 5000);
      const before = heap();
      await touch(5000, 55000);
      const after = heap();
      console.log(JSON.stringify({ before, after }));
      await mock.close();
    })();`;
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', script], { cwd: join(__dirname, '../..'), encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  const { before, after } = JSON.parse(run.stdout) as { before: number; after: number };
  // Unbounded, each retained path cost ~4 KB: 50,000 of them would add ~200 MB.
  expect(after - before).toBeLessThan(8 * 1024 * 1024);
});
