// `wxpay-chain mock notify EVENT --to URL --dir <mock folder>`: a merchant endpoint configured
// from the mock's client.json and APIv3 key accepts the notification and sees the documented shape.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/mock.js';
import { Wechatpay, type Notification, type WechatpayConfig } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-mock-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { out: (_: string) => undefined, err: (_: string) => undefined };

test('a documented event, signed by the running mock, is accepted by a client built from its files', async () => {
  const seen: Notification[] = [];
  const outputs: string[] = [];
  const code = await run(['--dir', dir], {
    ...quiet,
    until: async () => {
      const config = JSON.parse(readFileSync(join(dir, 'client.json'), 'utf8')) as WechatpayConfig;
      const apiv3Key = readFileSync(join(dir, 'apiv3_key.txt'), 'utf8').trim();
      const wxpay = new Wechatpay({ ...config, apiv3Key, certificates: { refreshInterval: 0 } } as WechatpayConfig);
      const server = createServer(wxpay.webhooks.node((n) => void seen.push(n)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const to = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
      try {
        const sent = await run(['notify', 'REFUND.SUCCESS', '--to', to, '--dir', dir], { out: (t) => outputs.push(t), err: (t) => outputs.push(t) });
        expect(sent).toBe(0);
        // Not documented: refused before anything is sent.
        expect(await run(['notify', 'NOT.A.TYPE', '--to', to, '--dir', dir], quiet)).toBe(2);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  });
  expect(code).toBe(0);
  expect(outputs.join('')).toContain('REFUND.SUCCESS → ');
  expect(seen).toHaveLength(1);
  expect(seen[0]!.event_type).toBe('REFUND.SUCCESS');
  expect(seen[0]!.resource).toMatchObject({ refund_id: expect.any(String), refund_status: expect.stringMatching(/^(SUCCESS|CLOSED|ABNORMAL)$/) });
});

test('without --dir, fresh keys are made, so an endpoint that does not trust them refuses (exit 1)', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end('{"code":"FAIL","message":"signature verification failed"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const to = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const outputs: string[] = [];
  const code = await run(['notify', 'TRANSACTION.SUCCESS', '--to', to], { out: (t) => outputs.push(t), err: (t) => outputs.push(t) });
  server.close();
  expect(code).toBe(1);
  expect(outputs.join('')).toMatch(/new keys in .*\n[\s\S]*401/);
});
