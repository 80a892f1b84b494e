// `wxpay-chain mock`: starts the mock, writes a client config that works as written, stops on demand.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/mock.js';
import { Wechatpay, untyped, type WechatpayConfig } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-mock-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

test.each(['certificate', 'public-key', 'migrating'])('--mode %s: the printed config file makes a client whose calls verify', async (mode) => {
  const captured = io();
  let seen: { status: number; verified: boolean; data: unknown } | undefined;
  const code = await run(['--mode', mode, '--dir', join(dir, mode)], {
    ...captured.io,
    until: async () => {
      const printed = captured.out.join('');
      const url = /listening at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(printed)![1]!;
      const file = /client config: (.+)\n/.exec(printed)![1]!;
      const config = JSON.parse(readFileSync(file, 'utf8')) as WechatpayConfig;
      expect(config.baseURL).toBe(url);
      expect(config.apiv2Key).toHaveLength(32);
      // A migrating merchant holds both: the platform certificate and the WeChat Pay public key.
      const ids = Object.keys(config.certs ?? {});
      expect(ids.map((id) => (id.startsWith('PUB_KEY_ID_') ? 'public-key' : /^[0-9A-F]+$/.test(id) ? 'certificate' : id))).toEqual(mode === 'migrating' ? ['certificate', 'public-key'] : [mode]);
      seen = await untyped(new Wechatpay(config)).v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: { stock_creator_mchid: '1' } });
    },
  });
  expect(code).toBe(0);
  expect(seen).toMatchObject({ status: 200, verified: true, data: { stock_id: 'S1' } });
  expect(captured.out.join('')).toContain('stopped after 1 request(s)');
  expect(readFileSync(join(dir, mode, 'apiv3_key.txt'), 'utf8').trim()).toHaveLength(32);
  // `mock notify --dir` signs as this mock signs its notifications: the public key unless certificate mode.
  const signing = JSON.parse(readFileSync(join(dir, mode, 'signing.json'), 'utf8')) as { id: string };
  expect(signing.id.startsWith('PUB_KEY_ID_')).toBe(mode !== 'certificate');
});

test('usage errors exit 2 and say why; --help exits 0', async () => {
  for (const argv of [['--port', 'x'], ['--mode', 'rsa'], ['--nope']]) {
    const captured = io();
    expect(await run(argv, captured.io)).toBe(2);
    expect(captured.err.join('')).toMatch(/--port|--mode|nope/);
  }
  const help = io();
  expect(await run(['--help'], help.io)).toBe(0);
  expect(help.out.join('')).toContain('--mode');
});
