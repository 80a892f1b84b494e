// The Proxy chain: segment rules, caching, and never being mistaken for a Promise.
import { inspect } from 'node:util';
import { Wechatpay, untyped } from '../../src/index.js';
import { normalizeSegment } from '../../src/request/uri.js';
import { makeIdentities } from '../helpers/keys.js';

const { merchant, platform } = makeIdentities();
const wxpay = untyped(
  new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem } }),
);

test.each([
  ['couponStocks', ['coupon-stocks']],
  ['Marketing', ['marketing']],
  ['V3', ['v3']],
  ['_stock_id_', ['{stock_id}']],
  ['$stock_id$', ['{stock_id}']],
  ['{stock_id}', ['{stock_id}']],
  ['coupon-stocks', ['coupon-stocks']],
  ['mch_operate', ['mch_operate']],
  ['v3/marketing/{stock_id}', ['v3', 'marketing', '{stock_id}']],
  ['/v3//pay/', ['v3', 'pay']],
])('normalizeSegment(%p)', (property, segments) => {
  expect(normalizeSegment(property)).toEqual(segments);
});

test('every spelling of a path is the same cached node', () => {
  const a = wxpay.v3.marketing.favor.stocks._stock_id_.pause;
  expect(wxpay.v3.marketing.favor.stocks.$stock_id$.pause).toBe(a);
  expect(wxpay.chain('v3/marketing/favor/stocks/{stock_id}/pause')).toBe(a);
  expect(wxpay['v3/marketing/favor/stocks/{stock_id}/pause']).toBe(a);
  expect(wxpay.chain('v3/marketing').favor.stocks['{stock_id}'].pause).toBe(a);
  expect(a.post).toBe(a.post);
  expect(wxpay.v3).not.toBe(wxpay.v2);
});

test('a chain node is not a thenable: awaiting it sends nothing and resolves to the node', async () => {
  const node = wxpay.v3.pay;
  expect((node as unknown as { then?: unknown }).then).toBeUndefined();
  await expect(Promise.resolve(node)).resolves.toBe(node);
  expect((wxpay as unknown as { then?: unknown }).then).toBeUndefined();
});

test('symbols, string conversion, JSON and util.inspect behave', () => {
  const node = wxpay.v3.marketing.favor.couponStocks;
  expect(String(node)).toBe('v3/marketing/favor/coupon-stocks');
  expect(`${node}`).toBe('v3/marketing/favor/coupon-stocks');
  expect(JSON.stringify({ node })).toBe('{"node":"v3/marketing/favor/coupon-stocks"}');
  expect(inspect(node)).toContain("path: 'v3/marketing/favor/coupon-stocks'");
  expect((node as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
  expect(Object.prototype.toString.call(node)).toBe('[object Object]');
});

test('nodes cannot be written to', () => {
  expect(() => {
    (wxpay.v3 as unknown as Record<string, unknown>).pay = 1;
  }).toThrow(TypeError);
});

test('the root exposes the client members and is an instance of Wechatpay', () => {
  expect(wxpay.mchid).toBe('1900000001');
  expect(typeof wxpay.request).toBe('function');
  expect(wxpay).toBeInstanceOf(Wechatpay);
  expect(() => (Wechatpay as unknown as (c: unknown) => unknown)({})).toThrow(TypeError);
});
