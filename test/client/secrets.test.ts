// No error, log line or serialised response carries the Authorization header or key material;
// calls share keep-alive connections.
import { inspect } from 'node:util';
import { ApiError, RequestError, VerificationError, Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { startRawServer } from '../helpers/raw-server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', () => ({ json: { ok: true } }));
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/start', () => ({ status: 403, json: { code: 'NO_AUTH', message: 'no' } }));
});
afterAll(() => mock.close());

function secretsOf(): string[] {
  const keyLines = mock.merchant.privateKeyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
  return [...keyLines.slice(0, 3), 'signature="'];
}

function expectClean(thing: unknown): void {
  const views = [inspect(thing, { depth: 8 }), JSON.stringify(thing), String(thing)];
  for (const view of views) for (const secret of secretsOf()) expect(view).not.toContain(secret);
}

test('a successful response, printed or serialised, shows no Authorization signature', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  const response = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} });
  expect(mock.requests.at(-1)!.headers.authorization).toContain('signature="');
  expectClean(response);
  expect(response.config.headers.Authorization).toBe('WECHATPAY2-SHA256-RSA2048 [redacted]');
  expect(inspect(response.config)).not.toContain('signature="');
});

test('ApiError, VerificationError and RequestError carry no request config and no secrets', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  const apiError = await wxpay.v3.marketing.favor.stocks._stock_id_.start.post({ stock_id: 'S1', json: {} }).catch((e: unknown) => e);
  expect(apiError).toBeInstanceOf(ApiError);
  expectClean(apiError);

  const unsigned = await startRawServer(() => ({ body: '{}' }));
  const client = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: unsigned.url }));
  const verification = await client.v3.pay.transactions.native.post({ json: {} }).catch((e: unknown) => e);
  expect(verification).toBeInstanceOf(VerificationError);
  expectClean(verification);
  await unsigned.close();

  const refused = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: unsigned.url }));
  const network = await refused.v3.pay.transactions.native.post({ json: {} }).catch((e: unknown) => e);
  expect(network).toBeInstanceOf(RequestError);
  expect((network as RequestError).code).toBe('ECONNREFUSED');
  expectClean(network);
  expect(Object.keys(network as object)).not.toContain('config');
});

test('sequential calls reuse one keep-alive connection', async () => {
  const server = await startRawServer(() => ({ status: 404, body: '' }));
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: server.url }));
  for (let i = 0; i < 5; i++) await wxpay.v3.pay.get().catch(() => undefined);
  expect(server.requests).toHaveLength(5);
  expect(server.connections).toBe(1);
  await server.close();
});
