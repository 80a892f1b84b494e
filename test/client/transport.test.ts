// The request path's own adapter and worker-thread signing: concurrent calls are signed (some
// off the main thread) and verified like single ones; timeouts, aborts and interceptors behave
// as axios documents them; the adapter falls back to axios's own for what it does not do.
import { AxiosHeaders, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { spawnSync } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApiError, RequestError, Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { startRawServer } from '../helpers/raw-server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', (r) => ({ json: { stock_id: r.params.stock_id } }));
});
afterAll(() => mock.close());

test('64 calls in flight: every request signature is accepted and every answer verified', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  const answers = await Promise.all(
    Array.from({ length: 64 }, (_, i) => wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: `S${i}`, json: { i } })),
  );
  answers.forEach((answer, i) => {
    expect(answer.verified).toBe(true);
    expect(answer.data).toEqual({ stock_id: `S${i}` });
  });
});

test('a merchant interceptor sees the request before signing and the verified answer after', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  const seen: string[] = [];
  wxpay.axios.interceptors.request.use((config) => {
    seen.push(`request ${String(config.headers.Authorization ?? 'unsigned')}`);
    config.headers.set('X-Trace', 't1');
    return config;
  });
  wxpay.axios.interceptors.response.use((response) => {
    seen.push(`response ${String((response as unknown as { verified: boolean }).verified)}`);
    return response;
  });
  await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} });
  expect(seen).toEqual(['request unsigned', 'response true']);
  expect(mock.requests.at(-1)!.headers['x-trace']).toBe('t1');
});

test("axios's defaults stay the merchant's to change: common and per-method headers set after construction reach the wire", async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  wxpay.axios.defaults.headers.common['X-Common'] = 'c';
  wxpay.axios.defaults.headers.post['X-Post'] = 'p';
  wxpay.axios.defaults.headers.get['X-Get'] = 'g';
  await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} });
  const sent = mock.requests.at(-1)!.headers;
  expect([sent['x-common'], sent['x-post'], sent['x-get']]).toEqual(['c', 'p', undefined]);
  wxpay.axios.defaults.headers.post = { 'X-Post': 'replaced' };
  await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} });
  expect(mock.requests.at(-1)!.headers['x-post']).toBe('replaced');
});

test('a returned response keeps its config and socket request readable but out of its own keys', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  const answer = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} });
  expect(Object.keys(answer)).not.toContain('config');
  expect(Object.keys(answer)).not.toContain('request');
  expect(answer.config.url).toBe('v3/marketing/favor/stocks/S1/pause');
  expect(typeof (answer.request as { end?: unknown }).end).toBe('function');
  expect(Object.keys(JSON.parse(JSON.stringify(answer)) as object).sort()).toEqual(['data', 'duration', 'headers', 'status', 'statusText', 'verified']);
});

test("response headers skip axios's normalize() only where it would change nothing: Node's parser already did it", async () => {
  // Raw bytes, so the header block holds what normalize() would strip or merge if Node let it through.
  const server = createNetServer((socket) => {
    socket.once('data', () => {
      socket.end(
        Buffer.concat([
          Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-MiXeD-Case:  padded value \t\r\nX-Tab: a\tb\r\nX-Dup: one\r\nx-dup: two\r\n'),
          Buffer.from('Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Empty:\r\nX-Obs: caf'),
          Buffer.from([0xe9]),
          Buffer.from('\r\nConnection: close\r\n\r\n{}'),
        ]),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const wxpay = new Wechatpay(mock.clientConfig);
    const adapter = wxpay.axios.defaults.adapter as AxiosAdapter;
    const { port } = server.address() as AddressInfo;
    const config = { url: 'v3/x', baseURL: `http://127.0.0.1:${port}/`, method: 'get', headers: new AxiosHeaders(), responseType: 'text' };
    const response = await adapter(config as unknown as InternalAxiosRequestConfig);
    const received = response.headers as AxiosHeaders;
    const byAxios = new AxiosHeaders();
    Object.assign(byAxios, received.toJSON());
    byAxios.normalize(false);
    expect(received.normalize(false).toJSON()).toEqual(byAxios.toJSON());
    expect(received.toJSON()).toMatchObject({ 'x-mixed-case': 'padded value', 'x-tab': 'a\tb', 'x-dup': 'one, two', 'set-cookie': ['a=1', 'b=2'], 'x-empty': '' });
    // With `format`, the names are rewritten exactly as axios does.
    expect(Object.keys(received.normalize(true).toJSON())).toContain('X-Mixed-Case');
  } finally {
    server.close();
  }
});

test('timeout and abort surface as RequestErrors with axios codes', async () => {
  const slow = await startRawServer(() => new Promise(() => undefined));
  try {
    const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: slow.url, timeout: 100 }));
    const timedOut = await wxpay.v3.pay.transactions.native.post({ json: {} }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(RequestError);
    expect((timedOut as RequestError).code).toBe('ECONNABORTED');
    const controller = new AbortController();
    const pending = wxpay.v3.pay.transactions.native.post({ json: {} }, { signal: controller.signal, timeout: 0 }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    expect(((await pending) as RequestError).code).toBe('ERR_CANCELED');
  } finally {
    await slow.close();
  }
});

test('a proxy setting is handed to axios’s own http adapter', async () => {
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, proxy: { host: '127.0.0.1', port: 9, protocol: 'http' } }));
  const error = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RequestError);
  expect((error as RequestError).code).toBe('ECONNREFUSED');
});

test("a call handed to axios's own adapter still gets the client's keep-alive agent and no redirects", async () => {
  const raw = await startRawServer((request) =>
    request.url.endsWith('/moved') ? { status: 302, headers: { Location: '/v3/elsewhere' } } : { status: 200, body: '{}' },
  );
  try {
    // A custom DNS lookup is one of the settings only axios's http adapter implements.
    const lookup = (_host: string, _options: object, done: (error: null, address: string, family: 4) => void) => done(null, '127.0.0.1', 4);
    const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: raw.url.replace('127.0.0.1', 'wxpay.test'), lookup }));
    for (let i = 0; i < 2; i++) {
      const error = await wxpay.v3.moved.get().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).httpStatus).toBe(302);
    }
    expect(raw.requests.map((r) => r.url)).toEqual(['/v3/moved', '/v3/moved']);
    expect(raw.connections).toBe(1);
  } finally {
    await raw.close();
  }
});

test('the instance keeps in its defaults only what changes a call: adapter, base URL, headers, and what the merchant gave', () => {
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, timeout: 1500 }));
  expect(Object.keys(wxpay.axios.defaults).sort()).toEqual(['adapter', 'baseURL', 'headers', 'timeout']);
  expect(Object.keys(wxpay.axios.defaults.headers)).toEqual(['User-Agent']);
});

test('a script that made concurrent calls exits on its own (signing workers do not hold it open)', () => {
  const script = `
    const { Wechatpay } = require('./src/index.ts');
    const { startMockServer } = require('./src/mock/server.ts');
    (async () => {
      const mock = await startMockServer();
      mock.route('POST', 'v3/x', () => ({ json: { ok: true } }));
      const wxpay = new Wechatpay(mock.clientConfig);
      const answers = await Promise.all(Array.from({ length: 16 }, () => wxpay.v3.x.post({ json: {} })));
      console.log(answers.every((a) => a.verified));
      await mock.close();
    })();`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '../..'), encoding: 'utf8', timeout: 20_000 });
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('true');
  expect(run.status).toBe(0);
});

test('APIv2 calls leave the in-flight count alone: concurrent APIv3 calls after them are still signed off the main thread', async () => {
  const pool = require('../../src/request/pool.js') as typeof import('../../src/request/pool.js');
  const offThread = jest.spyOn(pool, 'signOffThread');
  try {
    const wxpay = untyped(new Wechatpay(mock.clientConfig));
    const order = { appid: 'wxd678efh567hg6787', mch_id: mock.merchant.mchid, body: 'b', out_trade_no: 'o', total_fee: 1, spbill_create_ip: '1.1.1.1', auth_code: '120061098828009406' };
    for (let i = 0; i < 10; i++) await wxpay.v2.pay.micropay.post({ xml: order });
    expect(offThread).not.toHaveBeenCalled();
    await Promise.all(Array.from({ length: 8 }, (_, i) => wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: `S${i}`, json: {} })));
    expect(offThread).toHaveBeenCalled();
  } finally {
    offThread.mockRestore();
  }
});
