// Bounded answers (issue #15 H1, M1): every answer is read against a decoded-size bound, a coding
// the call did not ask for is refused instead of decoded, decoding is streamed so a compression
// bomb stops at the bound, and every such failure is the call's typed rejection (a throw in the
// adapter's `end` listener used to end the process). Memory and event-loop stall are asserted.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { RequestError, Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { signedHeaders } from '../../src/mock/respond.js';
import { makeIdentities } from '../helpers/keys.js';
import { startRawServer, type RawAnswer, type RawServer } from '../helpers/raw-server.js';

const { merchant, platform } = makeIdentities();
const platformKey = { id: platform.serial, privateKey: platform.privateKey };
let next: () => RawAnswer;
let server: RawServer;
let wxpay: UntypedWechatpayClient;

// 64 gzip members of 16 MiB of zeros each: ~1 MiB on the wire, 1 GiB once decoded.
const zeros = gzipSync(Buffer.alloc(16 * 1024 * 1024));
const gzipBomb = Buffer.concat(Array.from({ length: 64 }, () => zeros));
const brotliBomb = brotliCompressSync(Buffer.alloc(32 * 1024 * 1024));

beforeAll(async () => {
  server = await startRawServer(() => next());
  wxpay = untyped(
    new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, baseURL: server.url }),
  );
});
afterAll(() => server.close());

const asking = (encoding: string) => ({ stock_id: 'S1', json: {}, headers: { 'Accept-Encoding': encoding } });

async function requestError(promise: Promise<unknown>): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  return error as RequestError;
}

/** Runs `work`, returning its result with the RSS growth and the longest event-loop stall it caused. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; rssGrowth: number; maxStallMs: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, rssGrowth: peak - before, maxStallMs: histogram.max / 1e6 };
  } finally {
    clearInterval(sampler);
    histogram.disable();
  }
}

const MiB = 1024 * 1024;

test('a 1 MiB gzip answer that decodes to 1 GiB, asked for: rejected at the 4 MiB default, memory and event loop unharmed', async () => {
  next = () => ({ headers: { 'Content-Encoding': 'gzip' }, body: gzipBomb });
  const { result, rssGrowth, maxStallMs } = await measured(() => requestError(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(asking('gzip'))));
  expect(result.code).toBe('ERR_ANSWER_TOO_LARGE');
  expect(result.message).toContain('4194304');
  expect(rssGrowth).toBeLessThan(96 * MiB);
  expect(maxStallMs).toBeLessThan(500);
});

test('a brotli bomb is stopped the same way', async () => {
  next = () => ({ headers: { 'Content-Encoding': 'br' }, body: brotliBomb });
  const { result, rssGrowth } = await measured(() => requestError(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(asking('gzip, br'))));
  expect(result.code).toBe('ERR_ANSWER_TOO_LARGE');
  expect(rssGrowth).toBeLessThan(96 * MiB);
});

test('an encoding the call did not ask for is refused, not decoded', async () => {
  next = () => ({ headers: { 'Content-Encoding': 'gzip' }, body: gzipBomb });
  const { result, rssGrowth } = await measured(() => requestError(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} })));
  expect(result.code).toBe('ERR_BAD_ENCODING');
  expect(result.message).toMatch(/gzip-encoded, which this call did not ask for/);
  expect(rssGrowth).toBeLessThan(32 * MiB);
  // Asked for br only (or gzip refused with q=0), a gzip answer is still refused.
  expect((await requestError(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(asking('br')))).code).toBe('ERR_BAD_ENCODING');
  expect((await requestError(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(asking('gzip;q=0, br')))).code).toBe('ERR_BAD_ENCODING');
});

test("a caller's maxContentLength counts decoded bytes", async () => {
  const json = JSON.stringify({ padding: 'x'.repeat(200_000) });
  next = () => ({ headers: { 'Content-Encoding': 'gzip' }, body: gzipSync(json) });
  expect(gzipSync(json).length).toBeLessThan(100_000);
  const error = await requestError(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(asking('gzip'), { maxContentLength: 100_000 }));
  expect(error.code).toBe('ERR_ANSWER_TOO_LARGE');
});

test('an uncompressed answer over the default bound is refused as it arrives, memory and event loop unharmed', async () => {
  const huge = Buffer.alloc(64 * MiB, 0x20);
  next = () => ({ body: huge });
  const { result, rssGrowth, maxStallMs } = await measured(() => requestError(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} })));
  expect(result.code).toBe('ERR_ANSWER_TOO_LARGE');
  // The server's own 64 MiB buffer is already counted; the client kept at most the 4 MiB bound.
  expect(rssGrowth).toBeLessThan(48 * MiB);
  expect(maxStallMs).toBeLessThan(500);
});

test('a gzip answer that does not decode is a typed rejection', async () => {
  next = () => ({ headers: { 'Content-Encoding': 'gzip' }, body: Buffer.concat([zeros.subarray(0, 100), Buffer.from('garbage')]) });
  const error = await requestError(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(asking('gzip')));
  expect(error.code).toBe('ERR_BAD_ENCODING');
});

test('a signed gzip answer that was asked for decodes and verifies over the decoded body', async () => {
  const body = JSON.stringify({ stock_id: 'S1' });
  next = () => ({ headers: { ...signedHeaders(platformKey, body), 'Content-Encoding': 'gzip' }, body: gzipSync(body) });
  const answer = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(asking('gzip'));
  expect(answer.verified).toBe(true);
  expect(answer.data).toEqual({ stock_id: 'S1' });
});

test('APIv2: a gzip bomb to an XML call is rejected at the bound, memory unharmed', async () => {
  const v2 = untyped(
    new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, baseURL: server.url, apiv2Key: 'k'.repeat(32) }),
  );
  next = () => ({ headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/xml' }, body: gzipBomb });
  const { result, rssGrowth } = await measured(() =>
    requestError(v2.v2.pay.orderquery.post({ xml: { appid: 'wx1', mch_id: '1900000001', out_trade_no: 'T1' }, headers: { 'Accept-Encoding': 'gzip' } })),
  );
  expect(result.code).toBe('ERR_ANSWER_TOO_LARGE');
  expect(rssGrowth).toBeLessThan(96 * MiB);
  next = () => ({ headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/xml' }, body: gzipBomb });
  expect((await requestError(v2.v2.pay.orderquery.post({ xml: { appid: 'wx1', mch_id: '1900000001', out_trade_no: 'T1' } }))).code).toBe('ERR_BAD_ENCODING');
});
