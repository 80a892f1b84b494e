// Paged list endpoints: the set derived from the documentation's model, and the iterator over
// real loopback answers (offset/limit, page_index, page_token) with its cap.
import { ParameterError, Wechatpay, pagedEndpoints, type WechatpayClient } from '../../src/index.js';
import { loadModel } from '../../src/mock/model.js';
import { startMockServer, type MockServer, type RecordedRequest } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: WechatpayClient;
beforeAll(async () => {
  mock = await startMockServer();
  wxpay = new Wechatpay(mock.clientConfig);
});
afterAll(() => mock.close());
beforeEach(() => mock.requests.splice(0));

const records = Array.from({ length: 25 }, (_, i) => ({ block_record_id: `B${i}`, block_reason: 'r' }));
const offsetPage = (request: RecordedRequest) => {
  const offset = Number(request.query.offset ?? 0);
  const limit = Number(request.query.limit);
  return { json: { offset, limit, total_count: records.length, data: records.slice(offset, offset + limit) } };
};
const BLOCKS = 'v3/transaction-block/transaction-block-records/sub-mchid/{sub_mchid}';

test('the paged endpoints are derived from the model, each with its cursor, size and item field', () => {
  const paged = pagedEndpoints();
  expect(paged.get(BLOCKS)).toMatchObject({ style: 'offset', cursor: 'offset', size: 'limit', items: 'data', total: 'total_count' });
  expect(paged.get('v3/refunds')).toMatchObject({ style: 'offset', size: 'count', items: 'data', total: 'total_num' });
  expect(paged.get('v3/brand/card/card-links')).toMatchObject({ style: 'page', cursor: 'page_index', size: 'page_size', items: 'active_link_list' });
  expect(paged.get('v3/marketing/partner/product-coupon/product-coupons/{product_coupon_id}/stocks')).toMatchObject({ style: 'token', cursor: 'page_token', next: 'next_page_token', items: 'stock_list' });
  expect(paged.has('v3/pay/transactions/native')).toBe(false);
  // Checked against the model itself: every entry's GET documents its cursor and returns its list as an array.
  const model = loadModel();
  for (const [template, paging] of paged) {
    const get = model.endpoints.find((e) => e.template === template)!.operations.find((o) => o.method === 'get')!;
    const query = get.request.fields.find((f) => f.name === 'query')!.children!.map((f) => f.name);
    expect(query).toContain(paging.cursor);
    expect(get.response.fields.find((f) => f.name === paging.items)?.array).toBe(1);
  }
  expect(paged.size).toBeGreaterThan(50);
});

test('offset/limit: every item, in order, one request per page, typed from the model', async () => {
  mock.route('GET', BLOCKS, offsetPage);
  const seen: string[] = [];
  const pages = wxpay.paginate(BLOCKS, { sub_mchid: '1900000109' }, { pageSize: 10 });
  for await (const record of pages) {
    const id: string | undefined = record.block_record_id; // typed: the element of `data`
    seen.push(id!);
  }
  expect(seen).toEqual(records.map((r) => r.block_record_id));
  expect(pages.requests).toBe(3);
  expect(pages.total).toBe(25);
  expect(mock.requests.map((r) => [r.query.offset, r.query.limit])).toEqual([['0', '10'], ['10', '10'], ['20', '10']]);
});

test('toArray({ limit }) and max cap the items and the requests', async () => {
  mock.route('GET', BLOCKS, offsetPage);
  const paged = wxpay.paginate(BLOCKS, { sub_mchid: '1', query: { limit: 5 } });
  const twelve = await paged.toArray({ limit: 12 });
  expect(paged.requests).toBe(3); // what toArray did is told by the object it was called on
  expect(paged.total).toBe(25);
  expect(twelve.map((r) => r.block_record_id)).toEqual(records.slice(0, 12).map((r) => r.block_record_id));
  expect(mock.requests).toHaveLength(3); // pages of 5: 0, 5, 10
  mock.requests.splice(0);
  expect(await wxpay.paginate(BLOCKS, { sub_mchid: '1' }, { max: 3 }).toArray()).toHaveLength(3);
  expect(mock.requests).toHaveLength(1);
  expect(await wxpay.paginate(BLOCKS, { sub_mchid: '1' }).toArray({ limit: 0 })).toEqual([]);
});

test('page_token: follows next_page_token until it is empty', async () => {
  const template = 'v3/marketing/partner/product-coupon/product-coupons/{product_coupon_id}/stocks';
  const tokens: Record<string, { next: string; ids: string[] }> = { '': { next: 't1', ids: ['a', 'b'] }, t1: { next: 't2', ids: ['c', 'd'] }, t2: { next: '', ids: ['e'] } };
  mock.route('GET', template, (request) => {
    const page = tokens[request.query.page_token ?? '']!;
    return { json: { total_count: 5, next_page_token: page.next, stock_list: page.ids.map((stock_id) => ({ stock_id })) } };
  });
  const all = await wxpay.paginate(template, { product_coupon_id: 'P', query: { brand_id: 'B' } }, { pageSize: 2 }).toArray();
  expect(all.map((s) => s.stock_id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(mock.requests.map((r) => r.query.page_token)).toEqual([undefined, 't1', 't2']);
});

test('page_index: pages from 1 until the total is reached', async () => {
  const template = 'v3/brand/card/card-links';
  mock.route('GET', template, (request) => {
    const page = Number(request.query.page_index);
    const size = Number(request.query.page_size);
    const ids = Array.from({ length: 7 }, (_, i) => `L${i}`).slice((page - 1) * size, page * size);
    return { json: { total_num: 7, active_link_list: ids.map((link_id) => ({ link_id })) } };
  });
  const links = await wxpay.paginate(template, { query: { brand_id: 'B' } }, { pageSize: 3 }).toArray();
  expect(links).toHaveLength(7);
  expect(mock.requests.map((r) => r.query.page_index)).toEqual(['1', '2', '3']);
});

test('a template that does not page, or a bad page size, is a ParameterError before anything is sent', async () => {
  // @ts-expect-error not a paged endpoint
  expect(() => wxpay.paginate('v3/pay/transactions/native')).toThrow(ParameterError);
  await expect(wxpay.paginate(BLOCKS, { sub_mchid: '1' }, { pageSize: 0 }).toArray()).rejects.toBeInstanceOf(ParameterError);
  expect(mock.requests).toHaveLength(0);
});
