// Connections (issue #15 item 3, L8): an idle kept-alive socket is closed after the free-socket
// timeout (before WeChat Pay's own idle close, and so a dropped client keeps none). A request that
// failed on a reused socket after it was written is not resent with retries off (the server may
// have acted on it); with retries on an idempotent one is resent by the retry policy, freshly
// signed. test/client/stale-socket.test.ts has the socket that died before the request was written.
import { Agent as HttpAgent, createServer as createHttpServer } from 'node:http';
import { fork } from 'node:child_process';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { certifiedKey } from '../../src/mock/identity.js';
import type { MutualTlsSetup } from './mutual-tls-client.js';
import { RequestError, Wechatpay, untyped } from '../../src/index.js';
import { FREE_SOCKET_TIMEOUT_MS } from '../../src/request/limits.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
  mock.route('GET', 'v3/things/{id}', (r) => ({ json: { id: r.params.id } }));
  mock.route('POST', 'v3/things', () => ({ json: { created: true } }));
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.clearFaults();
  mock.requests.splice(0);
});

const noRetry = { retry: false } as const;
const retryNow = { retry: { retries: 1, sleep: async () => undefined } };

test('a GET that meets a reset on a reused socket: with retries off the caller sees it; with retries on it is resent, freshly signed', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  await wxpay.v3.things._id_.get({ id: 'A' }, noRetry);
  mock.fault({ kind: 'reset' });
  await expect(wxpay.v3.things._id_.get({ id: 'B' }, noRetry)).rejects.toMatchObject({ code: 'ECONNRESET' });
  mock.fault({ kind: 'reset' });
  const answer = await wxpay.v3.things._id_.get({ id: 'C' }, retryNow);
  expect(answer.verified).toBe(true);
  expect(answer.data).toEqual({ id: 'C' });
  expect(mock.requests.map((r) => r.url)).toEqual(['/v3/things/A', '/v3/things/B', '/v3/things/C', '/v3/things/C']);
  expect(mock.requests[2]!.headers.authorization).not.toBe(mock.requests[3]!.headers.authorization);
});

test('a POST the model cannot prove idempotent is not resent: the reset is the caller\'s to see', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  await wxpay.v3.things._id_.get({ id: 'A' }, noRetry);
  mock.fault({ kind: 'reset' });
  const error = await wxpay.v3.things.post({ json: { n: 1 } }, retryNow).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RequestError);
  expect((error as RequestError).code).toBe('ECONNRESET');
  expect(mock.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
});

test('a POST carrying the merchant order number (out_trade_no) is resent by the retry policy: same body, new signature', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  await wxpay.v3.things._id_.get({ id: 'A' }, noRetry);
  mock.fault({ kind: 'reset' }, { template: 'v3/pay/transactions/native', times: 1 });
  const json = { appid: 'wxd678efh567hg6787', mchid: mock.merchant.mchid, description: 'Image', out_trade_no: 'T-RESEND-1', notify_url: 'https://merchant.test/notify', amount: { total: 1 } };
  const answer = await wxpay.v3.pay.transactions.native.post({ json, headers: { 'Wechatpay-Serial': mock.platform.serial } }, retryNow);
  expect(answer.verified).toBe(true);
  const sent = mock.requests.filter((r) => r.method === 'POST');
  expect(sent).toHaveLength(2);
  expect(sent[0]!.body).toBe(sent[1]!.body);
  expect(sent[0]!.headers.authorization).not.toBe(sent[1]!.headers.authorization);
});

test(`an idle kept-alive socket is closed after ${FREE_SOCKET_TIMEOUT_MS} ms, by the client, so a dropped client keeps none`, async () => {
  let closed!: () => void;
  const socketClosed = new Promise<void>((resolve) => (closed = resolve));
  let clientClosedFirst = false;
  const server = createServer((socket) => {
    socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n'));
    socket.on('end', () => (clientClosedFirst = true));
    socket.on('close', () => closed());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // 204-less empty 200 without signature: the call fails verification, the socket goes back to the pool.
    await untyped(new Wechatpay({ ...mock.clientConfig, baseURL: url })).v3.things._id_.get({ id: 'A' }, noRetry).catch(() => undefined);
    // The client is dropped here; the server never closes idle sockets itself.
    await socketClosed;
    expect(clientClosedFirst).toBe(true);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

// Shared agents (issue #13 item 4): clients of one process share one keep-alive agent pair.
describe('one keep-alive pool for every client of the process', () => {
  async function countingServer() {
    const server = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(404, { 'Content-Length': '0' }).end());
    });
    let connections = 0;
    const methods: string[] = [];
    server.on('connection', () => connections++);
    server.on('request', (req: { method?: string }) => methods.push(req.method ?? ''));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return { server, url, methods, connections: () => connections, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))) };
  }

  test('three merchants\' clients calling one origin in turn use one connection', async () => {
    const origin = await countingServer();
    try {
      for (const mchid of ['1900000101', '1900000102', '1900000103']) {
        await untyped(new Wechatpay({ ...mock.clientConfig, mchid, baseURL: origin.url })).v3.things._id_.get({ id: mchid }, noRetry).catch(() => undefined);
      }
      expect(origin.methods).toEqual(['GET', 'GET', 'GET']);
      expect(origin.connections()).toBe(1);
    } finally {
      await origin.close();
    }
  });

  test('a client given its own httpAgent keeps to it', async () => {
    const origin = await countingServer();
    const own = new HttpAgent({ keepAlive: true });
    try {
      await untyped(new Wechatpay({ ...mock.clientConfig, baseURL: origin.url })).v3.things._id_.get({ id: 'A' }, noRetry).catch(() => undefined);
      await untyped(new Wechatpay({ ...mock.clientConfig, baseURL: origin.url, httpAgent: own })).v3.things._id_.get({ id: 'B' }, noRetry).catch(() => undefined);
      expect(origin.connections()).toBe(2);
      expect(Object.values(own.freeSockets).flat()).toHaveLength(1);
    } finally {
      own.destroy();
      await origin.close();
    }
  });

  test('a write cancelled while it waits for the pool check is cancelled, and leaves the pooled socket to the next call', async () => {
    const origin = await countingServer();
    try {
      const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: origin.url }));
      await wxpay.v3.things._id_.get({ id: 'A' }, noRetry).catch(() => undefined);
      const controller = new AbortController();
      const write = wxpay.v3.things.post({ json: { n: 1 } }, { ...noRetry, signal: controller.signal }).catch((e: unknown) => e);
      // The first check phase: the request exists and waits for the second before taking the socket.
      setImmediate(() => controller.abort());
      expect(await write).toMatchObject({ code: 'ERR_CANCELED' });
      await wxpay.v3.things._id_.get({ id: 'B' }, noRetry).catch(() => undefined);
      expect(origin.methods).toEqual(['GET', 'GET']);
      expect(origin.connections()).toBe(1);
    } finally {
      await origin.close();
    }
  });

  test('a write that is not idempotent, queued right after the server closed its idle connections, goes on a new connection', async () => {
    const origin = await countingServer();
    try {
      await untyped(new Wechatpay({ ...mock.clientConfig, baseURL: origin.url })).v3.things._id_.get({ id: 'A' }, noRetry).catch(() => undefined);
      expect(origin.connections()).toBe(1);
      // The server ends the pooled socket, and the next client's POST follows in the same turn,
      // before the client's event loop has read the close.
      origin.server.closeIdleConnections();
      const error = await untyped(new Wechatpay({ ...mock.clientConfig, baseURL: origin.url })).v3.things.post({ json: { n: 1 } }, noRetry).catch((e: unknown) => e);
      // The 404 is unsigned: a verification failure, which means the server answered the POST.
      expect(error).not.toBeInstanceOf(RequestError);
      expect(origin.methods).toEqual(['GET', 'POST']);
      expect(origin.connections()).toBe(2);
    } finally {
      await origin.close();
    }
  });
});

test('an APIv2 mutual-TLS call presents its own merchant\'s certificate; APIv3 calls of both merchants share one connection', async () => {
  const server = certifiedKey({ commonName: '127.0.0.1' });
  const merchants = ['1900000201', '1900000202'].map((mchid) => {
    const { serial, privateKeyPem, certificatePem } = certifiedKey({ commonName: mchid });
    return { mchid, serial, privateKeyPem, certificatePem };
  });
  const seen: { cn: string | undefined; path: string }[] = [];
  let connections = 0;
  const origin = createHttpsServer({ key: server.privateKeyPem, cert: server.certificatePem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push({ cn: peer && 'subject' in peer ? String(peer.subject?.CN) : undefined, path: req.url ?? '' });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<xml><return_code>FAIL</return_code><return_msg>test</return_msg></xml>'));
  });
  origin.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  try {
    const setup: MutualTlsSetup = { baseURL: `https://127.0.0.1:${(origin.address() as AddressInfo).port}/`, apiv2Key: mock.apiv2Key, certs: mock.clientConfig.certs as Record<string, string>, merchants };
    const child = fork(join(__dirname, 'mutual-tls-client.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, MUTUAL_TLS_SETUP: JSON.stringify(setup), NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const report = await new Promise<{ codes: string[] }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { codes: string[] }));
      child.once('exit', (code) => reject(new Error(`the client process exited without a report (${code})`)));
    });
    // Every call reached the server and was answered: APIv2 FAIL, and an unsigned APIv3 answer refused.
    expect(report.codes).toEqual(['FAIL', 'FAIL', 'FAIL', 'MISSING_HEADERS', 'MISSING_HEADERS']);
    expect(seen).toEqual([
      { cn: '1900000201', path: '/secapi/pay/refund' },
      { cn: '1900000202', path: '/secapi/pay/refund' },
      { cn: '1900000201', path: '/secapi/pay/refund' },
      { cn: undefined, path: '/v3/things/A' },
      { cn: undefined, path: '/v3/things/B' },
    ]);
    // One connection per merchant certificate, one shared by both merchants' APIv3 calls.
    expect(connections).toBe(3);
  } finally {
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
  }
});
