// A notification WeChat Pay delivers again (same id, new nonce and signature: its first 2xx was
// lost or late) does not run the handler again: the id is guarded with the handler's outcome.
// Handled: answered with the first reply, the handler not called. In progress: 503, so WeChat
// Pay tries later. Failed: run again. Over a real node:http server, posted with fetch.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { MemoryNonceStore, Wechatpay, type Notification } from '../../src/index.js';
import { buildNotification } from '../../src/mock/notify.js';
import { makeIdentities } from '../helpers/keys.js';

const { merchant, platform } = makeIdentities();
const apiv3Key = randomBytes(16).toString('hex');
const client = () =>
  new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, apiv3Key });

let server: Server;
let url = '';
let route: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
beforeAll(async () => {
  server = createServer((req, res) => route(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
});
afterAll(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));

/** The same notification (id, resource) as WeChat Pay sends it again: a fresh nonce and signature each time. */
function delivery(id: string) {
  return () => {
    const sent = buildNotification({ eventType: 'TRANSACTION.SUCCESS', id, resource: { out_trade_no: 'T1' }, apiv3Key, signer: { id: platform.serial, privateKey: platform.privateKey } });
    return fetch(url, { method: 'POST', headers: sent.headers, body: sent.body }).then(async (r) => ({ status: r.status, body: await r.text() }));
  };
}

test('handled once: a re-delivery is answered success without calling the handler', async () => {
  const wxpay = client();
  const calls: string[] = [];
  route = wxpay.webhooks.node((n: Notification) => void calls.push(n.id));
  const again = delivery(randomUUID());
  for (let i = 0; i < 4; i++) expect(await again()).toEqual({ status: 204, body: '' });
  expect(calls).toHaveLength(1);
});

test('a reply with fields is given again, as first answered', async () => {
  const wxpay = client();
  let calls = 0;
  route = wxpay.webhooks.node(() => {
    calls++;
    return wxpay.webhooks.reply.success({ retention_type: 'RETAIN' });
  });
  const again = delivery(randomUUID());
  const first = await again();
  expect(first.status).toBe(200);
  expect(await again()).toEqual(first);
  expect(calls).toBe(1);
});

test('in progress: a re-delivery while the handler runs is asked to come back later (503), then answered success', async () => {
  const wxpay = client();
  let finish!: () => void;
  let calls = 0;
  route = wxpay.webhooks.node(() => {
    calls++;
    return new Promise<void>((resolve) => (finish = resolve));
  });
  const again = delivery(randomUUID());
  const first = again();
  while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const during = await again();
  expect(during.status).toBe(503);
  expect(JSON.parse(during.body)).toMatchObject({ code: 'FAIL' });
  finish();
  expect((await first).status).toBe(204);
  expect((await again()).status).toBe(204);
  expect(calls).toBe(1);
});

test('failed: the next delivery runs the handler again, until it succeeds', async () => {
  const wxpay = client();
  let calls = 0;
  route = wxpay.webhooks.node(() => {
    if (++calls < 3) throw new Error('database down');
  });
  const again = delivery(randomUUID());
  expect((await again()).status).toBe(500);
  expect((await again()).status).toBe(500);
  expect((await again()).status).toBe(204);
  expect((await again()).status).toBe(204);
  expect(calls).toBe(3);
});

test('the in-memory guard is bounded: past maxNotifications the oldest id is forgotten', async () => {
  const store = new MemoryNonceStore({ maxNotifications: 2 });
  const begin = async (id: string) => (await store.begin(id, 60_000)).state;
  for (const id of ['a', 'b', 'c']) {
    const started = await store.begin(id, 60_000);
    if (started.state === 'start') await store.finish(id, started.token, { reply: '{}' }, 3_600_000);
  }
  expect(await begin('c')).toBe('handled');
  expect(await begin('b')).toBe('handled');
  expect(await begin('a')).toBe('start');
});
