// Each fault the mock can inject reaches the caller as the typed error a real failure would be.
import { ApiError, RequestError, VerificationError, type UntypedWechatpayClient } from '../../src/index.js';
import type { MockServer } from '../../src/mock/server.js';
import { withMockClient } from '../helpers/mock-client.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;

withMockClient((m, w) => {
  mock = m;
  wxpay = w;
});

const pause = () => wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: { stock_creator_mchid: '8956000' } });
const start = () => wxpay.v3.marketing.favor.stocks._stock_id_.start.post({ stock_id: 'S1', json: { stock_creator_mchid: '8956000' } });

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
}

test('latency: the answer is late; a client timeout turns it into a RequestError', async () => {
  mock.fault({ kind: 'latency', ms: 300 });
  const began = Date.now();
  expect((await pause()).verified).toBe(true);
  expect(Date.now() - began).toBeGreaterThanOrEqual(290);
  mock.fault({ kind: 'latency', ms: 500 });
  const error = await thrown(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: { stock_creator_mchid: '1' } }, { timeout: 100 }));
  expect(error).toBeInstanceOf(RequestError);
  expect((error as RequestError).code).toBe('ECONNABORTED');
});

test('5xx: signed by default (verified ApiError), or unsigned like a gateway', async () => {
  mock.fault({ kind: 'status', status: 503, code: 'SYSTEM_ERROR' });
  const signed = await thrown(pause());
  expect(signed).toBeInstanceOf(ApiError);
  expect(signed).toMatchObject({ httpStatus: 503, code: 'SYSTEM_ERROR', verified: true });
  mock.fault({ kind: 'status', status: 502, unsigned: true });
  const unsigned = await thrown(pause());
  expect(unsigned).toMatchObject({ httpStatus: 502, verified: false });
});

test('connection reset: a RequestError, and the request did reach the server', async () => {
  mock.fault({ kind: 'reset' });
  const error = await thrown(pause());
  expect(error).toBeInstanceOf(RequestError);
  expect((error as RequestError).code).toMatch(/ECONNRESET|ERR_BAD_RESPONSE|socket hang up/);
  expect(mock.requests.at(-1)!.fault).toBe('reset');
  expect(mock.requests.at(-1)!.status).toBeUndefined();
});

test('truncated body: the client never hands over half an answer', async () => {
  mock.fault({ kind: 'truncate' });
  const error = await thrown(pause());
  expect(error).toBeInstanceOf(RequestError);
});

test.each([
  ['bad-signature', 'BAD_SIGNATURE'],
  ['stale-timestamp', 'TIMESTAMP_SKEW'],
  ['unknown-serial', 'UNKNOWN_SERIAL'],
  ['signtest', 'SIGNTEST_PROBE'],
] as const)('%s: a VerificationError %s, the body is not returned', async (kind, code) => {
  mock.fault({ kind });
  const error = await thrown(pause());
  expect(error).toBeInstanceOf(VerificationError);
  expect((error as VerificationError).code).toBe(code);
  // The fault was for one request only: the next one verifies.
  expect((await pause()).verified).toBe(true);
});

test('per route: only that template misbehaves, until cleared', async () => {
  const handle = mock.fault({ kind: 'status', status: 500 }, { template: 'v3/marketing/favor/stocks/{stock_id}/pause' });
  expect(await thrown(pause())).toMatchObject({ httpStatus: 500 });
  expect(await thrown(pause())).toMatchObject({ httpStatus: 500 });
  expect((await start()).status).toBe(200);
  expect(handle.remaining).toBe(Infinity);
  handle.clear();
  expect((await pause()).status).toBe(200);
});

test('for the next N requests, whatever their route', async () => {
  const handle = mock.fault({ kind: 'bad-signature' }, { times: 2 });
  expect(await thrown(start())).toMatchObject({ code: 'BAD_SIGNATURE' });
  expect(handle.remaining).toBe(1);
  expect(await thrown(pause())).toMatchObject({ code: 'BAD_SIGNATURE' });
  expect(handle.remaining).toBe(0);
  expect((await pause()).verified).toBe(true);
  expect(mock.requests.map((r) => r.fault)).toEqual(['bad-signature', 'bad-signature', undefined]);
});

test('faults never cover for a bad request: a rejected request is answered as such', async () => {
  mock.fault({ kind: 'status', status: 500 });
  const error = await thrown(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} }));
  expect(error).toMatchObject({ httpStatus: 400, code: 'PARAM_ERROR' });
  // …and the fault is still waiting for the next accepted request.
  expect(await thrown(pause())).toMatchObject({ httpStatus: 500 });
});
