// Many merchants behind one endpoint: the merchant comes from the URL (or a resolver), each
// notification is verified and decrypted with that merchant's own keys, the handler sees which
// merchant it was, and a notification posted under another merchant's id is refused.
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Wechatpay, WebhookRouter, type WechatpayClient } from '../../src/index.js';
import { certifiedKey } from '../../src/mock/identity.js';
import { buildNotification, deliver } from '../../src/mock/notify.js';

const merchantKey = certifiedKey({ commonName: 'merchant' });
const merchants = ['1900000001', '1900000002', '1900000003'].map((mchid) => ({
  mchid,
  platform: certifiedKey({ commonName: 'Tenpay.com Root CA' }),
  apiv3Key: randomBytes(16).toString('hex'),
}));
type Merchant = (typeof merchants)[number];

function notificationFor(merchant: Merchant, id = randomBytes(8).toString('hex')) {
  return buildNotification({
    eventType: 'TRANSACTION.SUCCESS',
    resource: { mchid: merchant.mchid, out_trade_no: id },
    apiv3Key: merchant.apiv3Key,
    signer: { id: merchant.platform.serial, privateKey: merchant.platform.privateKey },
    id,
  });
}

// Clients are built on first use and kept: an idle merchant costs nothing until it is notified.
const built: string[] = [];
const clients = new Map<string, WechatpayClient>();
function client(mchid: string): WechatpayClient | undefined {
  const merchant = merchants.find((m) => m.mchid === mchid);
  if (!merchant) return undefined;
  let made = clients.get(mchid);
  if (!made) {
    built.push(mchid);
    made = new Wechatpay({
      mchid,
      serial: merchantKey.serial,
      privateKey: merchantKey.privateKeyPem,
      // Every platform certificate is trusted by every client, so that a notification posted to the
      // wrong merchant passes the signature and is stopped by that merchant's APIv3 key.
      certs: Object.fromEntries(merchants.map((m) => [m.platform.serial, m.platform.certificatePem])),
      apiv3Key: merchant.apiv3Key,
    });
    clients.set(mchid, made);
  }
  return made;
}

const seen: { mchid: string; id: string; same: boolean; resourceMchid: unknown }[] = [];
const router = new WebhookRouter({ merchant: client });
const record = (notification: { id: string; resource: unknown }, context: { mchid: string; merchant: WechatpayClient }) =>
  void seen.push({ mchid: context.mchid, id: notification.id, same: context.merchant === clients.get(context.mchid), resourceMchid: (notification.resource as { mchid?: unknown }).mchid });

const listen = (server: Server): Promise<{ base: string; close(): Promise<void> }> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    ),
  );

const servers: Record<string, () => Promise<{ base: string; close(): Promise<void> }>> = {
  'node:http': () => listen(createServer(router.node(record))),
  express: () => {
    const app = express();
    app.post('/notify/:mchid', express.raw({ type: '*/*' }), router.express(record));
    return listen(createServer(app));
  },
  koa: () => {
    const app = new Koa();
    app.use(router.koa(record));
    return listen(createServer(app.callback()));
  },
  fastify: async () => {
    const app = Fastify();
    await app.register(router.fastify(record, { url: '/notify/:mchid' }) as never);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
  'Fetch API': () => {
    const route = router.fetch(record);
    return listen(
      createServer(async (req: IncomingMessage, res) => {
        const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } as RequestInit);
        const response = await route(request);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      }),
    );
  },
};

describe.each(Object.keys(servers))('%s', (name) => {
  let server: { base: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await servers[name]!();
  });
  afterAll(() => server.close());
  beforeEach(() => seen.splice(0));

  test('each merchant notified at /notify/<mchid> is verified with its own keys and handled as that merchant', async () => {
    const sent = merchants.map((merchant) => notificationFor(merchant));
    const answers = await Promise.all(merchants.map((merchant, i) => deliver(`${server.base}/notify/${merchant.mchid}`, sent[i]!)));
    expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204]);
    expect(seen.sort((a, b) => a.mchid.localeCompare(b.mchid))).toEqual(
      merchants.map((merchant, i) => ({ mchid: merchant.mchid, id: JSON.parse(sent[i]!.body).id, same: true, resourceMchid: merchant.mchid })),
    );
  });

  test("a merchant's notification posted under another merchant's id is refused, and no handler runs", async () => {
    const [a, b] = merchants as [Merchant, Merchant];
    const answer = await deliver(`${server.base}/notify/${b.mchid}`, notificationFor(a));
    // It verifies (b trusts a's platform certificate too) but does not decrypt under b's APIv3 key.
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ code: 'FAIL', message: 'resource could not be decrypted' });
    expect(seen).toEqual([]);
  });

  test('unknown or missing merchant ids are 404 FAIL replies, before any body is read', async () => {
    const sent = notificationFor(merchants[0]!);
    for (const path of ['/notify/1999999999', '/notify/not-a-mchid']) {
      const answer = await deliver(`${server.base}${path}`, sent);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'FAIL' });
    }
    expect(seen).toEqual([]);
  });
});

test('clients are built on first notification only, and a resolver can read the id from elsewhere', async () => {
  expect(built.sort()).toEqual(merchants.map((m) => m.mchid));
  const byHeader = new WebhookRouter({ merchant: client, mchid: (request) => new URL(request.url, 'http://x').searchParams.get('m') ?? undefined });
  const server = await listen(createServer(byHeader.node(record)));
  try {
    seen.splice(0);
    const merchant = merchants[2]!;
    expect((await deliver(`${server.base}/wxpay?m=${merchant.mchid}`, notificationFor(merchant))).status).toBe(204);
    expect(seen.map((entry) => entry.mchid)).toEqual([merchant.mchid]);
    const failing = new WebhookRouter({
      merchant: () => {
        throw new Error('database down');
      },
    });
    const answer = await failing.route({ url: '/notify/1900000001', headers: {} });
    expect(answer).toEqual({ refusal: expect.objectContaining({ status: 500 }) });
  } finally {
    await server.close();
  }
});
