// Bad options are a ParameterError naming the field, raised before anything is sent.
import { ParameterError, Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;
beforeAll(async () => {
  mock = await startMockServer();
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', () => ({ json: {} }));
  wxpay = untyped(new Wechatpay(mock.clientConfig));
});
afterAll(() => mock.close());

const pause = (options: Record<string, unknown>) => wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ json: {}, ...options });

async function rejected(promise: Promise<unknown>): Promise<ParameterError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ParameterError);
  return error as ParameterError;
}

test.each([
  ['missing', {}, /missing path parameter/],
  ['undefined', { stock_id: undefined }, /missing path parameter/],
  ['null', { stock_id: null }, /missing path parameter/],
  ['empty', { stock_id: '' }, /empty/],
  ['an object', { stock_id: { id: 1 } }, /string or number/],
  ['an array', { stock_id: ['a'] }, /an array/],
  ['a boolean', { stock_id: true }, /string or number/],
  ['NaN', { stock_id: Number.NaN }, /finite/],
  ['a traversal', { stock_id: '../../v3/pay' }, /change the path/],
  ['a slash', { stock_id: 'a/b' }, /change the path/],
  ['a query', { stock_id: 'a?b=1' }, /change the path/],
  ['a fragment', { stock_id: 'a#b' }, /change the path/],
  ['a dot-dot', { stock_id: '..' }, /change the path/],
  ['a backslash', { stock_id: 'a\\b' }, /change the path/],
])('path parameter %s', async (_name, options, message) => {
  const error = await rejected(pause(options));
  expect(error.field).toBe('stock_id');
  expect(error.message).toMatch(message);
});

test('an option the endpoint does not have (a misspelled path parameter) is named', async () => {
  const error = await rejected(pause({ stockid: 'S1' }));
  expect(error.field).toBe('stockid');
  expect(error.message).toContain('stock_id');
});

test('json on a GET, a query that is not an object, a nested query value, a bad header, a bad base_uri', async () => {
  expect((await rejected(wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '1', json: { a: 1 } }))).field).toBe('json');
  expect((await rejected(wxpay.v3.certificates.get({ query: 'a=1' as never }))).field).toBe('query');
  expect((await rejected(wxpay.v3.certificates.get({ query: { a: { b: 1 } } }))).field).toBe('query.a');
  expect((await rejected(pause({ stock_id: 'S1', headers: { Authorization: 'x' } }))).field).toBe('headers.Authorization');
  expect((await rejected(pause({ stock_id: 'S1', headers: { 'X-N': 1 } }))).field).toBe('headers.X-N');
  expect((await rejected(pause({ stock_id: 'S1', base_uri: 'apihk.mch.weixin.qq.com' }))).field).toBe('base_uri');
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  expect((await rejected(pause({ stock_id: 'S1', json: cycle }))).field).toBe('json');
});

test('nothing reached the server for any of them', () => {
  expect(mock.requests).toHaveLength(0);
});

test('safe characters are encoded, not refused', async () => {
  await pause({ stock_id: 'A B&C%' });
  expect(mock.requests.at(-1)!.url).toBe('/v3/marketing/favor/stocks/A%20B%26C%25/pause');
  await pause({ stock_id: 12345 });
  expect(mock.requests.at(-1)!.url).toBe('/v3/marketing/favor/stocks/12345/pause');
});
