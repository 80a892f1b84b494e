// Every adapter, through a real server on loopback: a genuine notification is accepted and
// decrypted; every kind of bad one is refused with its status, and the merchant's handler is
// never called for it.
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildNotification, deliver, type NotificationSpec } from '../../src/mock/notify.js';
import { signedHeaders } from '../../src/mock/respond.js';
import { Webhooks, keepRawBody, type Notification } from '../../src/webhooks/index.js';
import { fetchHost } from '../helpers/fetch-host.js';
import { makeIdentities } from '../helpers/keys.js';

const { platform, merchant } = makeIdentities();
const apiv3Key = randomBytes(16).toString('hex');
const keys = new Map([[platform.serial, { id: platform.serial, key: platform.publicKey }]]);
const signer = { id: platform.serial, privateKey: platform.privateKey };
const resource = { mchid: '1900000001', appid: 'wxd678efh567hg6787', out_trade_no: '1217752501201407033233368018', transaction_id: '1217752501201407033233368018', trade_state: 'SUCCESS', amount: { total: 100, payer_total: 100, currency: 'CNY' } };
const spec = (over: Partial<NotificationSpec> = {}): NotificationSpec => ({ eventType: 'TRANSACTION.SUCCESS', resource, apiv3Key, signer, ...over });

interface Running {
  url: string;
  close(): Promise<void>;
}
type Handler = (n: Notification) => void;

const listen = (server: Server, path = '/notify'): Promise<Running> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
        close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    ),
  );

// Each adapter's server; `consumed` builds one where a JSON body parser got to the body first.
const adapters: Record<string, { start(webhooks: Webhooks, handler: Handler, consumed?: boolean): Promise<Running> }> = {
  'node:http': {
    start: (webhooks, handler) => listen(createServer(webhooks.node((n) => handler(n)))),
  },
  express: {
    async start(webhooks, handler, consumed) {
      const app = express();
      if (consumed) app.post('/notify', express.json(), webhooks.express((n) => handler(n)));
      else app.post('/notify', webhooks.express((n) => handler(n)));
      app.post('/kept', express.json({ verify: keepRawBody }), webhooks.express((n) => handler(n)));
      return listen(createServer(app));
    },
  },
  koa: {
    async start(webhooks, handler, consumed) {
      const app = new Koa();
      if (consumed) {
        // What a JSON body parser does without keeping the raw text.
        app.use(async (ctx, next) => {
          const chunks: Buffer[] = [];
          for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
          (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
          await next();
        });
      }
      app.use(webhooks.koa((n) => handler(n)));
      return listen(createServer(app.callback()));
    },
  },
  fastify: {
    async start(webhooks, handler) {
      const app = Fastify();
      // The app keeps its own JSON parser elsewhere; the plugin scope reads raw bytes.
      app.post('/other', async (request) => request.body);
      await app.register(webhooks.fastify((n) => handler(n), { url: '/notify' }) as never);
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/notify`, close: () => app.close() };
    },
  },
  'Fetch API': {
    async start(webhooks, handler, consumed) {
      const server = fetchHost(webhooks.fetch((n) => handler(n)), consumed);
      return listen(server);
    },
  },
};

describe.each(Object.keys(adapters))('%s', (name) => {
  const adapter = adapters[name]!;
  let webhooks: Webhooks;
  let server: Running;
  const seen: Notification[] = [];

  beforeAll(async () => {
    webhooks = new Webhooks({ keys, apiv3Key });
    server = await adapter.start(webhooks, (n) => void seen.push(n));
  });
  afterAll(() => server.close());
  beforeEach(() => seen.splice(0));

  test('a genuine notification is accepted (204) and decrypted', async () => {
    const answer = await deliver(server.url, buildNotification(spec()));
    expect(answer.status).toBe(204);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.event_type).toBe('TRANSACTION.SUCCESS');
    expect(seen[0]!.resource).toEqual(resource);
  });

  const refusals: [string, () => { headers: Record<string, string>; body: string }, number][] = [
    ['forged signature', () => buildNotification(spec({ signer: { id: platform.serial, privateKey: merchant.privateKey } })), 401],
    ['probe signature', () => {
      const n = buildNotification(spec());
      return { ...n, headers: { ...n.headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${n.headers['Wechatpay-Signature']}` } };
    }, 401],
    ['stale timestamp', () => buildNotification(spec({ timestamp: Math.floor(Date.now() / 1000) - 301 })), 401],
    ['unknown serial', () => buildNotification(spec({ signer: { id: 'ABCDEF', privateKey: platform.privateKey } })), 401],
    ['tampered ciphertext (re-signed)', () => {
      const body = JSON.parse(buildNotification(spec()).body);
      const bytes = Buffer.from(body.resource.ciphertext, 'base64');
      bytes[0]! ^= 1;
      body.resource.ciphertext = bytes.toString('base64');
      const text = JSON.stringify(body);
      return { headers: signedFor(text), body: text };
    }, 500],
    ['wrong APIv3 key', () => buildNotification(spec({ apiv3Key: randomBytes(16).toString('hex') })), 500],
    ['non-JSON body', () => ({ headers: signedFor('not json'), body: 'not json' }), 400],
    ['oversized body', () => {
      const text = JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) });
      return { headers: signedFor(text), body: text };
    }, 413],
    ['body re-serialised on the way (pretty-printed)', () => {
      const n = buildNotification(spec());
      return { headers: n.headers, body: JSON.stringify(JSON.parse(n.body), null, 2) };
    }, 401],
  ];

  test.each(refusals)('%s is refused with %#', async (_why, make, status) => {
    const answer = await deliver(server.url, make());
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'FAIL' });
    expect(seen).toHaveLength(0);
  });

  test('a replayed notification is refused the second time', async () => {
    const n = buildNotification(spec());
    expect((await deliver(server.url, n)).status).toBe(204);
    const again = await deliver(server.url, n);
    expect(again.status).toBe(401);
    expect(seen).toHaveLength(1);
  });
});

function signedFor(body: string): Record<string, string> {
  // Signed correctly by the platform, so the check under test is the one after the signature.
  const { headers } = buildNotification(spec());
  return { ...headers, ...signedHeaders(signer, body) };
}

describe.each(['express', 'koa', 'Fetch API'])('%s behind a JSON body parser', (name) => {
  test('a consumed body is refused with 500 (BODY_CONSUMED), so WeChat Pay retries; the handler is not called', async () => {
    const seen: Notification[] = [];
    const server = await adapters[name]!.start(new Webhooks({ keys, apiv3Key }), (n) => void seen.push(n), true);
    try {
      const answer = await deliver(server.url, buildNotification(spec()));
      expect(answer.status).toBe(500);
      expect(seen).toHaveLength(0);
      if (name === 'express') {
        // With the raw bytes kept beside the parsed body, the same notification is accepted.
        const kept = await deliver(server.url.replace('/notify', '/kept'), buildNotification(spec()));
        expect(kept.status).toBe(204);
        expect(seen).toHaveLength(1);
      }
    } finally {
      await server.close();
    }
  });
});

test('a handler that throws gets 500 and its nonce back, so the retry is accepted', async () => {
  let fail = true;
  const seen: Notification[] = [];
  const server = await adapters['node:http']!.start(new Webhooks({ keys, apiv3Key }), (n) => {
    if (fail) throw new Error('database down');
    seen.push(n);
  });
  try {
    const n = buildNotification(spec());
    expect((await deliver(server.url, n)).status).toBe(500);
    fail = false;
    expect((await deliver(server.url, n)).status).toBe(204);
    expect(seen).toHaveLength(1);
  } finally {
    await server.close();
  }
});
