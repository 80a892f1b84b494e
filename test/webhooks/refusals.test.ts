// A refused notification leaves a trace in the shop: every refusal and every handler failure is
// an event (the client's `wxpay.on('notification-error')`, diagnostics_channel, NODE_DEBUG) with
// its reason and the notification's id, each adapter's onError is called, and with nobody
// listening the first refusal of each kind is a warning on stderr (checked in child processes,
// whose warning state and NODE_DEBUG are their own).
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { spawnSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Wechatpay, WebhookRouter, type NotificationErrorEvent, type WechatpayClient } from '../../src/index.js';
import { deliver } from '../../src/mock/notify.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { fetchHost } from '../helpers/fetch-host.js';

const root = resolve(__dirname, '../..');
let mock: MockServer;
let wxpay: WechatpayClient;

beforeAll(async () => {
  mock = await startMockServer();
  wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });
});
afterAll(() => mock.close());

const forged = () => {
  const n = mock.notification('TRANSACTION.SUCCESS', { id: 'EV-forged-1' });
  return { headers: n.headers, body: n.body.replace('"summary"', '"summary" ') };
};

async function serve(server: Server, path = '/notify'): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

test("wxpay.on('notification-error') and diagnostics_channel get the reason, the status and the notification id", async () => {
  const events: NotificationErrorEvent[] = [];
  const published: unknown[] = [];
  const off = wxpay.on('notification-error', (e) => events.push(e));
  const onMessage = (message: unknown) => published.push(message);
  subscribe('wxpay-chain:notification-error', onMessage);
  let fail = true;
  const server = await serve(
    createServer(
      wxpay.webhooks.node(() => {
        if (fail) throw new Error('database down');
      }),
    ),
  );
  try {
    expect((await deliver(server.url, forged())).status).toBe(401);
    expect(events[0]).toEqual({ stage: 'parse', reason: 'BAD_SIGNATURE', message: expect.any(String), status: 401, id: 'EV-forged-1', eventType: 'TRANSACTION.SUCCESS' });
    const genuine = mock.notification('TRANSACTION.SUCCESS', { id: 'EV-2' });
    expect((await deliver(server.url, genuine)).status).toBe(500);
    expect(events[1]).toEqual({ stage: 'handler', reason: 'HANDLER_FAILED', message: 'database down', status: 500, id: 'EV-2', eventType: 'TRANSACTION.SUCCESS' });
    fail = false;
    expect((await deliver(server.url, genuine)).status).toBe(204);
    expect((await deliver(server.url, genuine)).status).toBe(401);
    expect(events[2]).toMatchObject({ stage: 'parse', reason: 'REPLAYED_NONCE', status: 401, id: 'EV-2' });
    expect(events).toHaveLength(3);
    expect(published).toEqual(events);
  } finally {
    off();
    unsubscribe('wxpay-chain:notification-error', onMessage);
    await server.close();
  }
});

test('an id an attacker shaped is not passed on', async () => {
  const events: NotificationErrorEvent[] = [];
  const off = wxpay.on('notification-error', (e) => events.push(e));
  const server = await serve(createServer(wxpay.webhooks.node(() => undefined)));
  try {
    const body = JSON.stringify({ id: 'x\nFAKE LOG LINE', event_type: 'TRANSACTION.SUCCESS' });
    expect((await deliver(server.url, { headers: { 'Content-Type': 'application/json' }, body })).status).toBe(401);
    expect(events[0]).toMatchObject({ reason: 'MISSING_HEADERS', id: undefined, eventType: 'TRANSACTION.SUCCESS' });
  } finally {
    off();
    await server.close();
  }
});

// Each adapter's onError, through its real server: a refusal and a handler failure.
const adapters: Record<string, (onError: (error: unknown, stage: string) => void, handler: () => void) => Promise<{ url: string; close(): Promise<void> }>> = {
  'node:http': (onError, handler) => serve(createServer(wxpay.webhooks.node(handler, { onError }))),
  express: (onError, handler) => {
    const app = express();
    app.post('/notify', wxpay.webhooks.express(handler, { onError }));
    return serve(createServer(app));
  },
  koa: (onError, handler) => {
    const koa = new Koa();
    koa.use(wxpay.webhooks.koa(handler, { onError }));
    return serve(createServer(koa.callback()));
  },
  fastify: async (onError, handler) => {
    const app = Fastify();
    await app.register(wxpay.webhooks.fastify(handler, { url: '/notify', onError }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/notify`, close: () => app.close() };
  },
  'Fetch API': (onError, handler) => serve(fetchHost(wxpay.webhooks.fetch(handler, { onError }))),
};

test.each(Object.keys(adapters))("%s: the adapter's onError is told of a refusal and of a handler failure", async (name) => {
  const told: Array<[string, string]> = [];
  const server = await adapters[name]!(
    (error, stage) => told.push([stage, (error as { code?: string }).code ?? (error as Error).message]),
    () => {
      throw new Error('boom');
    },
  );
  try {
    expect((await deliver(server.url, forged())).status).toBe(401);
    expect((await deliver(server.url, mock.notification('TRANSACTION.SUCCESS'))).status).toBe(500);
    expect(told).toEqual([
      ['parse', 'BAD_SIGNATURE'],
      ['handler', 'boom'],
    ]);
  } finally {
    await server.close();
  }
});

test("the router's refusals (no such merchant) are events too, with the merchant id", async () => {
  const told: Array<[string, string]> = [];
  const router = new WebhookRouter({ merchant: () => undefined, onError: (error, stage) => told.push([stage, (error as { code: string }).code]) });
  const server = await serve(createServer(router.node(() => undefined)), '/notify/1900000099');
  try {
    expect((await deliver(server.url, mock.notification('TRANSACTION.SUCCESS'))).status).toBe(404);
    expect(told).toEqual([['route', 'UNKNOWN_MERCHANT']]);
  } finally {
    await server.close();
  }
});

// A child process: its own warning state, NODE_DEBUG read at its start.
function child(script: string, env: Record<string, string> = {}) {
  const dir = join(root, '.tmp', 'refusals');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `child-${process.pid}-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    file,
    `import { startMockServer } from ${JSON.stringify(join(root, 'src/mock/server.ts'))};
import { deliver } from ${JSON.stringify(join(root, 'src/mock/notify.ts'))};
import { Wechatpay } from ${JSON.stringify(join(root, 'src/index.ts'))};
import { createServer } from 'node:http';
(async () => {
  const mock = await startMockServer();
  const wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });
  const server = createServer(wxpay.webhooks.node(() => undefined));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = 'http://127.0.0.1:' + (server.address() as import('node:net').AddressInfo).port + '/';
  const forged = (id: string) => { const n = mock.notification('TRANSACTION.SUCCESS', { id }); return { headers: n.headers, body: n.body + ' ' }; };
  ${script}
  server.close(); await mock.close();
})();
`,
  );
  const { NODE_DEBUG: _, ...parent } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, env: { ...parent, ...env }, encoding: 'utf8', timeout: 60_000 });
}

test('with nobody listening, the first refusal of each kind is one warning on stderr', () => {
  const r = child(`
  await deliver(url, forged('A1'));
  await deliver(url, forged('A2'));
  const genuine = mock.notification('TRANSACTION.SUCCESS', { id: 'B1' });
  await deliver(url, genuine);
  await deliver(url, genuine);`);
  expect(r.status).toBe(0);
  const warnings = r.stderr.split('\n').filter((line) => line.includes('WechatpayWarning'));
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toContain('a notification was refused, answered 401 BAD_SIGNATURE (id A1, TRANSACTION.SUCCESS)');
  expect(warnings[0]).toContain("wxpay.on('notification-error'");
  expect(warnings[1]).toContain('answered 401 REPLAYED_NONCE (id B1, TRANSACTION.SUCCESS)');
  // The second refusal of the kind is not warned about (matched as an id: a key's serial in the
  // first warning may hold the letters A2 by chance).
  expect(r.stderr).not.toContain('(id A2');
}, 90_000);

test('NODE_DEBUG=wxpay-chain prints every refusal (and no warning is needed then)', () => {
  const r = child(`
  await deliver(url, forged('A1'));
  await deliver(url, forged('A2'));`, { NODE_DEBUG: 'wxpay-chain' });
  expect(r.status).toBe(0);
  const lines = r.stderr.split('\n').filter((line) => line.includes('notification-error'));
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/WXPAY-CHAIN \d+: notification-error \{"stage":"parse","reason":"BAD_SIGNATURE",.*"status":401,"id":"A1"/);
  expect(r.stderr).not.toContain('WechatpayWarning');
}, 90_000);
