// Deadlines (issue #15 M2): `timeout` is the whole call, so a server dripping its answer cannot
// stretch it; a call without one still has a finite default; a connection that does not complete
// fails after `connectTimeout`. Timer-driven cases run on jest's clock.
import { Agent } from 'node:http';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RequestError, Wechatpay, untyped } from '../../src/index.js';
import { armsConnectTimeout, KeepAliveHttpAgent } from '../../src/request/agents.js';
import { CALL_TIMEOUT_MS } from '../../src/request/limits.js';
import { makeIdentities } from '../helpers/keys.js';

const { merchant, platform } = makeIdentities();
const client = (baseURL: string, extra: Record<string, unknown> = {}) =>
  untyped(new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, baseURL, ...extra }));

/** A server that answers a head promising 1000 bytes, then drips one byte every `every` ms. */
async function drippingServer(every: number): Promise<{ url: string; dripped: () => number; requests: () => number; close(): Promise<void> }> {
  let dripped = 0;
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((socket) => {
    socket.once('data', () => {
      requests++;
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
      const timer = setInterval(() => {
        if (socket.destroyed) return clearInterval(timer);
        dripped++;
        socket.write(' ');
      }, every);
      timers.add(timer);
      socket.on('close', () => clearInterval(timer));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    dripped: () => dripped,
    requests: () => requests,
    close: () => {
      for (const timer of timers) clearInterval(timer);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  return error as RequestError;
}

test('a server dripping a byte every 50 ms cannot stretch a 400 ms timeout (per client and per call)', async () => {
  const drip = await drippingServer(50);
  try {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const rss = process.memoryUsage().rss;
    const perClient = await failure(client(drip.url, { timeout: 400, retry: false }).v3.pay.transactions.native.post({ json: {} }));
    histogram.disable();
    expect(process.memoryUsage().rss - rss).toBeLessThan(32 * 1024 * 1024);
    expect(histogram.max / 1e6).toBeLessThan(500);
    expect(perClient.code).toBe('ECONNABORTED');
    expect(perClient.message).toContain('timeout of 400ms exceeded');
    // An idle-socket timeout would never fire here: 1000 bytes at one per 50 ms is 50 s.
    expect(drip.dripped()).toBeLessThan(40);
    const before = drip.dripped();
    const perCall = await failure(client(drip.url, { retry: false }).v3.pay.transactions.native.post({ json: {} }, { timeout: 300 }));
    expect(perCall.code).toBe('ECONNABORTED');
    expect(drip.dripped() - before).toBeLessThan(40);
  } finally {
    await drip.close();
  }
});

test("the same whole-call deadline on calls handed to axios's own adapter", async () => {
  const drip = await drippingServer(50);
  try {
    const lookup = (_host: string, _options: object, done: (error: null, address: string, family: 4) => void) => done(null, '127.0.0.1', 4);
    const wxpay = client(drip.url.replace('127.0.0.1', 'wxpay.test'), { lookup, timeout: 400, retry: false });
    const error = await failure(wxpay.v3.pay.transactions.native.post({ json: {} }));
    expect(error.code).toBe('ECONNABORTED');
    expect(drip.dripped()).toBeLessThan(40);
  } finally {
    await drip.close();
  }
});

const apiv2Key = 'a'.repeat(32);
const defaultDeadlineCalls: Array<[string, (url: string) => Promise<unknown>]> = [
  ['APIv3', (url) => client(url, { retry: false }).v3.pay.transactions.native.post({ json: {} })],
  ['APIv2', (url) => client(url, { retry: false, apiv2Key }).v2.pay.orderquery.post({ xml: { appid: 'wx1', mch_id: '1900000001', out_trade_no: 'T1' } })],
];

test.each(defaultDeadlineCalls)(`without a timeout an %s call still ends: the default whole-call deadline (${CALL_TIMEOUT_MS} ms), on jest's clock`, async (_name, call) => {
  const drip = await drippingServer(60_000);
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  try {
    let settled = false;
    const pending = failure(call(drip.url)).finally(() => (settled = true));
    while (drip.requests() === 0) await new Promise((resolve) => setImmediate(resolve));
    jest.advanceTimersByTime(CALL_TIMEOUT_MS - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    const error = await pending;
    expect(error.code).toBe('ECONNABORTED');
    expect(error.message).toContain(`timeout of ${CALL_TIMEOUT_MS}ms exceeded`);
  } finally {
    jest.useRealTimers();
    await drip.close();
  }
});

// An agent whose connections never complete their handshake (a black-holed address).
class BlackHoleAgent extends Agent {
  override createConnection(): Socket {
    const socket = new Socket();
    (socket as unknown as { connecting: boolean }).connecting = true;
    return socket;
  }
}

test('a connection that does not complete fails after connectTimeout, per client and per call, with its own code', async () => {
  const httpAgent = new BlackHoleAgent();
  const perClient = await failure(client('http://192.0.2.1/', { httpAgent, connectTimeout: 50, retry: false }).v3.pay.transactions.native.post({ json: {} }));
  expect(perClient.code).toBe('ECONNECT_TIMEOUT');
  expect(perClient.message).toContain('connect timeout of 50ms exceeded');
  const perCall = await failure(client('http://192.0.2.1/', { httpAgent, retry: false }).v3.pay.transactions.native.post({ json: {} }, { connectTimeout: 30 }));
  expect(perCall.code).toBe('ECONNECT_TIMEOUT');
});

test("the client's own agents arm connectTimeout once per new connection, with the same code", async () => {
  // The client's agent class, with only its way of opening a connection replaced by a black hole.
  class BlackHoleKeepAlive extends KeepAliveHttpAgent {
    protected override connect(): Socket {
      const socket = new Socket();
      (socket as unknown as { connecting: boolean }).connecting = true;
      return socket;
    }
  }
  const httpAgent = new BlackHoleKeepAlive();
  expect(armsConnectTimeout(httpAgent)).toBe(true);
  const error = await failure(client('http://192.0.2.1/', { httpAgent, connectTimeout: 40, retry: false }).v3.pay.transactions.native.post({ json: {} }));
  expect(error.code).toBe('ECONNECT_TIMEOUT');
  expect(error.message).toContain('connect timeout of 40ms exceeded');
});
