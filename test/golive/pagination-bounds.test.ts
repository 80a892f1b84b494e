// Pagination ends, whatever the server does: a page that repeats the previous one, a token seen
// before, a total that is not a number are refused (NO_PROGRESS, BAD_PAGE); a list that never ends
// stops at maxPages (1000 by default); toArray() holds at most maxItems (100 000 by default).
// Each error names the setting to raise. Against the mock over loopback.
import { PaginationError, Wechatpay, type WechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer, type RecordedRequest } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: WechatpayClient;
beforeAll(async () => {
  mock = await startMockServer({ sandbox: false });
  wxpay = new Wechatpay(mock.clientConfig);
});
afterAll(() => mock.close());
beforeEach(() => mock.requests.splice(0));

const BLOCKS = 'v3/transaction-block/transaction-block-records/sub-mchid/{sub_mchid}';
const TOKENS = 'v3/marketing/partner/product-coupon/product-coupons/{product_coupon_id}/stocks';
const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ block_record_id: `B${from + i}`, block_reason: 'r' }));
const sent = () => mock.requests.filter((r) => r.template === BLOCKS || r.template === TOKENS).length;

test('a server that repeats the same full page (offset ignored) is refused after the second page', async () => {
  mock.route('GET', BLOCKS, () => ({ json: { offset: 0, limit: 10, total_count: 1_000_000, data: page(0, 10) } }));
  const error = await wxpay.paginate(BLOCKS, { sub_mchid: '1' }).toArray().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PaginationError);
  expect(error).toMatchObject({ code: 'NO_PROGRESS' });
  expect(sent()).toBe(2);
}, 10_000);

test('a token seen before (t1 → t2 → t1) is refused', async () => {
  const next: Record<string, string> = { '': 't1', t1: 't2', t2: 't1' };
  mock.route('GET', TOKENS, (r: RecordedRequest) => {
    const token = r.query.page_token ?? '';
    return { json: { total_count: 100, next_page_token: next[token], stock_list: [{ stock_id: `S-${token}` }] } };
  });
  const error = await wxpay.paginate(TOKENS, { product_coupon_id: 'P', query: { brand_id: 'B' } }).toArray().catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'NO_PROGRESS' });
  expect(sent()).toBe(3);
}, 10_000);

test('a total that is not a number is refused, not taken as "unknown, keep going"', async () => {
  mock.route('GET', BLOCKS, (r: RecordedRequest) => ({ json: { offset: Number(r.query.offset ?? 0), limit: 10, total_count: 'many', data: page(Number(r.query.offset ?? 0), 10) } }));
  const error = await wxpay.paginate(BLOCKS, { sub_mchid: '1' }).toArray().catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'BAD_PAGE' });
  expect((error as Error).message).toMatch(/total_count/);
  expect(sent()).toBe(1);
}, 10_000);

describe('a list that never ends (new full pages for ever)', () => {
  beforeEach(() => mock.route('GET', BLOCKS, (r: RecordedRequest) => ({ json: { offset: Number(r.query.offset ?? 0), limit: Number(r.query.limit), data: page(Number(r.query.offset ?? 0), Number(r.query.limit)) } })));

  test('stops at maxPages, with an error naming it', async () => {
    let seen = 0;
    const error = await (async () => {
      for await (const _item of wxpay.paginate(BLOCKS, { sub_mchid: '1' }, { maxPages: 5 })) seen++;
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TOO_MANY_PAGES' });
    expect((error as Error).message).toMatch(/maxPages/);
    expect(seen).toBe(50);
    expect(sent()).toBe(5);
  }, 10_000);

  test('by default at 1000 pages', async () => {
    const pages = wxpay.paginate(BLOCKS, { sub_mchid: '1' }, { pageSize: 1 });
    const error = await (async () => {
      for await (const _item of pages) void _item;
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TOO_MANY_PAGES' });
    expect(pages.requests).toBe(1000);
  }, 60_000);

  test('toArray() holds at most maxItems (an error, not a silently short list); toArray({ limit }) is a cap the caller chose', async () => {
    const error = await wxpay.paginate(BLOCKS, { sub_mchid: '1' }, { maxItems: 25 }).toArray().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TOO_MANY_ITEMS' });
    expect((error as Error).message).toMatch(/maxItems/);
    expect(await wxpay.paginate(BLOCKS, { sub_mchid: '1' }, { maxItems: 25 }).toArray({ limit: 20 })).toHaveLength(20);
  }, 10_000);
});
