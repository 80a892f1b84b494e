// `wxpay-chain/mock` builds the notifications docs/webhooks.md promises, for any documented event,
// and the variants a handler must refuse; the client's own webhook parser is the judge.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VerificationError, Wechatpay, WebhookError, type WechatpayClient } from '../../src/index.js';
import { certifiedKey } from '../../src/mock/identity.js';
import { loadModel } from '../../src/mock/model.js';
import { deliver, notificationVariants, sampleResource, testNotification } from '../../src/mock/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: WechatpayClient;

beforeAll(async () => {
  mock = await startMockServer({ sandbox: false });
  wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });
});
afterAll(() => mock.close());

const events = [...new Set((loadModel().webhooks ?? []).filter((w) => w.protocol === 'v3').flatMap((w) => w.events))];

test('every documented APIv3 event: one call yields { headers, body } the client accepts, resource as documented', async () => {
  expect(events.length).toBeGreaterThan(50);
  for (const eventType of events) {
    const { headers, body } = mock.notification(eventType);
    const parsed = await wxpay.webhooks.parse({ headers, body });
    expect(parsed.event_type).toBe(eventType);
    expect(parsed.resource).toEqual(sampleResource(eventType));
  }
});

test('a given resource travels sealed: the body does not carry it in clear', async () => {
  const resource = { out_trade_no: 'SECRET-ORDER-42', trade_state: 'SUCCESS', amount: { total: 1 } };
  const built = mock.notification('TRANSACTION.SUCCESS', { resource });
  expect(built.body).not.toContain('SECRET-ORDER-42');
  expect((await wxpay.webhooks.parse(built)).resource).toEqual(resource);
});

test('the variants are refused with the documented reason; replay only the second time', async () => {
  const variants = notificationVariants('REFUND.SUCCESS', { apiv3Key: mock.apiv3Key, signer: { id: mock.platform.serial, privateKey: mock.platform.privateKey } });
  await expect(wxpay.webhooks.parse(variants.probe)).rejects.toMatchObject({ code: 'SIGNTEST_PROBE' });
  await expect(wxpay.webhooks.parse(variants.skew)).rejects.toMatchObject({ code: 'TIMESTAMP_SKEW' });
  await expect(wxpay.webhooks.parse(variants.tampered)).rejects.toBeInstanceOf(VerificationError);
  await expect(wxpay.webhooks.parse(variants.valid)).resolves.toMatchObject({ event_type: 'REFUND.SUCCESS' });
  const replayed = await wxpay.webhooks.parse(variants.replay).catch((e: unknown) => e);
  expect(replayed).toBeInstanceOf(WebhookError);
  expect(replayed).toMatchObject({ code: 'REPLAYED_NONCE' });
});

test('standalone, with the merchant test suite\'s own keys; an undocumented event needs a resource', async () => {
  const platform = certifiedKey({ commonName: 'Tenpay.com Root CA' });
  const apiv3Key = 'abcdefghijklmnopqrstuvwxyz012345';
  const client = new Wechatpay({ ...mock.clientConfig, certs: { [platform.serial]: platform.certificatePem }, apiv3Key });
  const signer = { id: platform.serial, privateKey: platform.privateKey };
  const built = testNotification('TRANSACTION.SUCCESS', { apiv3Key, signer, resource: { out_trade_no: 'T1' } });
  expect((await client.webhooks.parse(built)).resource).toEqual({ out_trade_no: 'T1' });
  await expect(client.webhooks.parse(testNotification('TRANSACTION.SUCCESS', { apiv3Key, signer, variant: 'skew', skewSeconds: 301 }))).rejects.toMatchObject({ code: 'TIMESTAMP_SKEW' });
  expect(() => testNotification('NO.SUCH_EVENT', { apiv3Key, signer })).toThrow(/NO\.SUCH_EVENT is not a documented/);
  expect(testNotification('NO.SUCH_EVENT', { apiv3Key, signer, resource: {} }).body).toContain('NO.SUCH_EVENT');
});

describe('deliver() to a real endpoint', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer(wxpay.webhooks.node(async (n) => void seen.push(n.event_type)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('the valid one is answered 204 and handled; a probe 401 and not handled', async () => {
    expect((await deliver(url, mock.notification('TRANSACTION.SUCCESS'))).status).toBe(204);
    const probe = await deliver(url, mock.notification('TRANSACTION.SUCCESS', { variant: 'probe' }));
    expect(probe.status).toBe(401);
    expect(JSON.parse(probe.body)).toMatchObject({ code: 'FAIL' });
    expect(seen).toEqual(['TRANSACTION.SUCCESS']);
  });
});
