// Observability (issue #15 item 6): request, response, retry and error events on
// node:diagnostics_channel and through `wxpay.on(…)`, NODE_DEBUG=wxpay-chain logging, no secret
// in any event, and Request-ID on every ApiError and VerificationError.
import { spawnSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { ApiError, VerificationError, Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ apiv3Key: 'K'.repeat(32) });
  mock.route('GET', 'v3/things/{id}', (r) => ({ json: { id: r.params.id } }));
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.clearFaults();
  mock.requests.splice(0);
});

const instant = { sleep: async () => undefined, random: () => 0 };

test('a call that is retried once: request, error→retry, request, response; on the client and on diagnostics_channel', async () => {
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, retry: instant }));
  const seen: Array<[string, Record<string, unknown>]> = [];
  const published: Array<[string, unknown]> = [];
  const offs = (['request', 'response', 'retry', 'error'] as const).map((name) => wxpay.on(name, (event) => seen.push([name, event as unknown as Record<string, unknown>])));
  const channels = ['request', 'response', 'retry', 'error'].map((name) => {
    const listener = (message: unknown) => published.push([name, message]);
    subscribe(`wxpay-chain:${name}`, listener);
    return () => unsubscribe(`wxpay-chain:${name}`, listener);
  });
  try {
    mock.fault({ kind: 'status', status: 503 }, { times: 1 });
    await wxpay.v3.things._id_.get({ id: 'A', query: { limit: 1 } });
    expect(seen.map(([name]) => name)).toEqual(['request', 'retry', 'request', 'response']);
    expect(published).toEqual(seen);
    const [, response] = seen[3]!;
    expect(response).toEqual({
      method: 'GET',
      template: 'v3/things/{id}',
      path: 'v3/things/A?limit=1',
      attempt: 2,
      status: 200,
      requestId: expect.any(String),
      elapsedMs: expect.any(Number),
      verified: true,
      keyId: mock.platform.serial,
    });
    expect(seen[1]![1]).toMatchObject({ attempt: 1, reason: '503 SYSTEM_ERROR', delayMs: 0 });
  } finally {
    offs.forEach((off) => off());
    channels.forEach((off) => off());
  }
  // Unsubscribed: nothing more arrives.
  await wxpay.v3.things._id_.get({ id: 'B' });
  expect(seen).toHaveLength(4);
});

test('error events carry the code, status, Request-ID and verification outcome', async () => {
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, retry: false }));
  const errors: Array<Record<string, unknown>> = [];
  wxpay.on('error', (event) => errors.push(event as unknown as Record<string, unknown>));
  mock.fault({ kind: 'bad-signature' });
  const forged = (await wxpay.v3.things._id_.get({ id: 'A' }).catch((e: unknown) => e)) as VerificationError;
  mock.fault({ kind: 'status', status: 500 });
  const failed = (await wxpay.v3.things._id_.get({ id: 'A' }).catch((e: unknown) => e)) as ApiError;
  expect(forged).toBeInstanceOf(VerificationError);
  expect(failed).toBeInstanceOf(ApiError);
  // Request-ID on every ApiError and VerificationError.
  expect(forged.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(failed.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(errors).toEqual([
    expect.objectContaining({ code: 'BAD_SIGNATURE', status: 200, requestId: forged.requestId, verification: 'failed', attempt: 1 }),
    expect.objectContaining({ code: 'SYSTEM_ERROR', status: 500, requestId: failed.requestId, verification: 'passed' }),
  ]);
});

test('no secret in any event: no Authorization, signature, private key, APIv3 key or body', async () => {
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, retry: instant }));
  const events: unknown[] = [];
  for (const name of ['request', 'response', 'retry', 'error'] as const) wxpay.on(name, (event) => events.push(event));
  mock.fault({ kind: 'status', status: 500 }, { times: 1 });
  await wxpay.v3.things._id_.get({ id: 'A' });
  mock.fault({ kind: 'bad-signature' });
  await wxpay.v3.things._id_.get({ id: 'A' }).catch(() => undefined);
  const text = JSON.stringify(events);
  expect(events.length).toBeGreaterThanOrEqual(6);
  for (const request of mock.requests) {
    const signature = /signature="([^"]+)"/.exec(String(request.headers.authorization))![1]!;
    expect(text).not.toContain(signature);
  }
  for (const secret of ['WECHATPAY2', 'Authorization', 'authorization', 'PRIVATE KEY', 'K'.repeat(32), '{"id":"A"}']) expect(text).not.toContain(secret);
});

test('a throwing listener does not change the call', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  wxpay.on('response', () => {
    throw new Error('listener bug');
  });
  expect((await wxpay.v3.things._id_.get({ id: 'A' })).verified).toBe(true);
  expect(() => wxpay.on('nope' as never, () => undefined)).toThrow(/no such event/);
});

test('NODE_DEBUG=wxpay-chain logs each event through util.debuglog', () => {
  const script = `
    const { Wechatpay } = require('./src/index.ts');
    const { startMockServer } = require('./src/mock/server.ts');
    (async () => {
      const mock = await startMockServer({ model: false });
      mock.route('GET', 'v3/things/{id}', () => ({ json: {} }));
      await new Wechatpay(mock.clientConfig).v3.things._id_.get({ id: 'A' });
      await mock.close();
    })();`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '../..'), encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_DEBUG: 'wxpay-chain' } });
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(/^WXPAY-CHAIN \d+: request \{"method":"GET","template":"v3\/things\/\{id\}"/m);
  expect(run.stderr).toMatch(/^WXPAY-CHAIN \d+: response .*"verified":true/m);
  expect(run.stderr).not.toMatch(/WECHATPAY2|signature=/);
});
