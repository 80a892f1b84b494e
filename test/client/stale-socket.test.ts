// The resend after a stale keep-alive socket happens only when the request provably never left
// (no byte of it was written to the socket), and never with retries off. A request the server
// read and acted on before dropping the connection is not sent again by that path: with retries
// off nobody resends it; with retries on only an idempotent call is resent, by the retry policy.
// Against the mock over loopback, which records every request that reached it.
import { Agent as HttpAgent } from 'node:http';
import type { Socket } from 'node:net';
import { RequestError, Wechatpay, untyped, type RetryEvent } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ sandbox: false });
  mock.route('GET', 'v3/things/{id}', (r) => ({ json: { id: r.params.id } }));
  mock.route('POST', 'v3/things', () => ({ json: { created: true } }));
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.clearFaults();
  mock.requests.splice(0);
});

const arrived = (url: string, method = 'GET') => mock.requests.filter((r) => r.url === url && r.method === method).length;
const order = (no: string) => ({
  json: { appid: 'wxd678efh567hg6787', mchid: mock.merchant.mchid, description: 'Image', out_trade_no: no, notify_url: 'https://merchant.test/notify', amount: { total: 1 } },
  headers: { 'Wechatpay-Serial': mock.platform.serial },
});
const fast = { retries: 2, sleep: async () => undefined };

describe('the server read the request, then dropped the connection (a reused socket, no answer byte)', () => {
  test('retry: false: a GET reaches the server once, and the reset is the caller\'s to see', async () => {
    const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, retry: false }));
    await wxpay.v3.things._id_.get({ id: 'A' });
    mock.fault({ kind: 'reset' }, { template: 'v3/things/{id}', times: 1 });
    const error = await wxpay.v3.things._id_.get({ id: 'B' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect(arrived('/v3/things/B')).toBe(1);
  });

  test('retry: false: an order the server created (answer lost) is not created twice by a resend', async () => {
    const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, retry: false }));
    await wxpay.v3.things._id_.get({ id: 'A' });
    mock.fault({ kind: 'reset', processed: true }, { template: 'v3/pay/transactions/native', times: 1 });
    await expect(wxpay.v3.pay.transactions.native.post(order('STALE-1'))).rejects.toBeInstanceOf(RequestError);
    expect(arrived('/v3/pay/transactions/native', 'POST')).toBe(1);
  });

  test('retries on: a GET is resent by the retry policy (reason ECONNRESET), not as a stale socket', async () => {
    const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, retry: fast }));
    const retries: RetryEvent[] = [];
    wxpay.on('retry', (event) => retries.push(event));
    await wxpay.v3.things._id_.get({ id: 'A' });
    mock.fault({ kind: 'reset' }, { template: 'v3/things/{id}', times: 1 });
    expect((await wxpay.v3.things._id_.get({ id: 'C' })).data).toEqual({ id: 'C' });
    expect(arrived('/v3/things/C')).toBe(2);
    expect(retries.map((r) => r.reason)).toEqual(['ECONNRESET']);
  });

  test('retries on: a write without a request number reaches the server once', async () => {
    const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, retry: fast }));
    await wxpay.v3.things._id_.get({ id: 'A' });
    mock.fault({ kind: 'reset' }, { template: 'v3/things', times: 1 });
    await expect(wxpay.v3.things.post({ json: { n: 1 } })).rejects.toBeInstanceOf(RequestError);
    expect(arrived('/v3/things', 'POST')).toBe(1);
  });
});

describe('the pooled socket was dead before a byte of the request was written', () => {
  // A merchant's own keep-alive agent, whose pooled socket is closed for writing under it: the
  // request is handed that socket and cannot write to it, so it provably never left.
  async function deadPooledSocket(retry: typeof fast | false) {
    const agent = new HttpAgent({ keepAlive: true });
    const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, httpAgent: agent, retry }));
    await wxpay.v3.things._id_.get({ id: 'A' });
    const pooled = Object.values(agent.freeSockets).flat() as Socket[];
    expect(pooled).toHaveLength(1);
    pooled[0]!.end();
    return { wxpay, agent };
  }

  test('retries on: even a write without a request number is sent at once on a new connection, and reaches the server once', async () => {
    const { wxpay, agent } = await deadPooledSocket(fast);
    const retries: RetryEvent[] = [];
    wxpay.on('retry', (event) => retries.push(event));
    try {
      expect((await wxpay.v3.things.post({ json: { n: 2 } })).data).toEqual({ created: true });
      expect(arrived('/v3/things', 'POST')).toBe(1);
      expect(retries).toMatchObject([{ reason: 'stale keep-alive socket', delayMs: 0 }]);
    } finally {
      agent.destroy();
    }
  });

  test('retry: false: not resent; the server saw nothing', async () => {
    const { wxpay, agent } = await deadPooledSocket(false);
    try {
      await expect(wxpay.v3.things._id_.get({ id: 'D' })).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(arrived('/v3/things/D')).toBe(0);
    } finally {
      agent.destroy();
    }
  });
});
