// A base URL's credentials (user:password@, e.g. of a gateway) never reach an event, the debug
// log or an error: retry, request, response and error events carry the URL with them removed.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { redactUrl } from '../../src/redact.js';


let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ sandbox: false });
  mock.route('GET', 'v3/things/{id}', (r) => ({ json: { id: r.params.id } }));
});
afterAll(() => mock.close());

test('retry, request, response and error events (listeners and diagnostics_channel) and the error carry no URL credentials', async () => {
  const baseURL = mock.url.replace('http://', 'http://gateway-user:s3cr3t-pass@');
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, baseURL, retry: { retries: 2, sleep: async () => undefined } }));
  const seen: unknown[] = [];
  for (const name of ['request', 'response', 'retry', 'error'] as const) wxpay.on(name, (event) => seen.push(event));
  const published: unknown[] = [];
  const onMessage = (message: unknown) => published.push(message);
  subscribe('wxpay-chain:retry', onMessage);
  try {
    mock.fault({ kind: 'status', status: 503 }, { template: 'v3/things/{id}', times: 5 });
    const error = await wxpay.v3.things._id_.get({ id: 'A' }).catch((e: unknown) => e);
    expect(seen.some((e) => (e as { baseURL?: string }).baseURL !== undefined)).toBe(true);
    expect(published.length).toBe(2);
    const text = JSON.stringify([seen, published, error, String(error), (error as Error).stack]);
    expect(text).not.toContain('s3cr3t-pass');
    expect(text).not.toContain('gateway-user');
    expect((seen.find((e) => (e as { baseURL?: string }).baseURL) as { baseURL: string }).baseURL).toBe(redactUrl(baseURL));
  } finally {
    unsubscribe('wxpay-chain:retry', onMessage);
  }
});

test('redactUrl removes user and password, and leaves other URLs alone', () => {
  expect(redactUrl('https://u:p@api.example/v3/')).toBe('https://***@api.example/v3/');
  expect(redactUrl('https://u@api.example/')).toBe('https://***@api.example/');
  expect(redactUrl('https://api.mch.weixin.qq.com/')).toBe('https://api.mch.weixin.qq.com/');
  expect(redactUrl('not a url')).toBe('not a url');
  // A proxy variable is often written without a scheme; an @ in a path or query is not a credential.
  expect(redactUrl('user:hunter2@proxy.corp:3128')).toBe('***@proxy.corp:3128');
  expect(redactUrl('https://api.example/v3/x?mail=a@b')).toBe('https://api.example/v3/x?mail=a@b');
  expect(redactUrl(undefined)).toBeUndefined();
});
