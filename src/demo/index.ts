// `npm start`: a local WeChat Pay on loopback, a client pointed at it, and the documented seed
// calls in all three styles, each answer verified before it is printed. No network needed.
import { Wechatpay } from '../index.js';
import { startMockServer } from '../mock/server.js';

async function main(): Promise<void> {
  // Every documented endpoint answers from its response table: no routes to write.
  const mock = await startMockServer();
  const wxpay = new Wechatpay(mock.clientConfig);
  console.log(`mock WeChat Pay at ${mock.url} (merchant ${mock.merchant.mchid}, platform certificate ${mock.platform.serial})\n`);
  const show = (style: string, label: string, response: { status: number; verified: boolean; data: unknown }) =>
    console.log(`${style.padEnd(12)} ${label.padEnd(26)} ${response.status} verified=${response.verified} ${JSON.stringify(response.data)}`);

  const stock = { stock_id: '9856000', json: { stock_creator_mchid: '8956000' } };
  show('chain', 'pause a stock', await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(stock));
  show('declarative', 'pause a stock', await wxpay.chain('v3/marketing/favor/stocks/{stock_id}/pause').postAsync(stock));
  show('attribute', 'pause a stock', await wxpay['v3/marketing/favor/stocks/{stock_id}/pause'].post(stock));
  show('chain', 'start a stock', await wxpay.v3.marketing.favor.stocks.$stock_id$.start.postAsync(stock));
  show('declarative', 'start a stock', await wxpay.chain('v3/marketing/favor/stocks/{stock_id}/start').post(stock));
  show('attribute', 'start a stock', await wxpay['v3/marketing/favor/stocks/{stock_id}/start'].postAsync(stock));

  const couponStock = {
    json: {
      stock_name: '微信支付代金券批次',
      available_begin_time: '2026-12-01T00:00:00.000+08:00',
      available_end_time: '2026-12-31T23:59:59.000+08:00',
      stock_use_rule: { max_coupons: 100, max_amount: 5000, max_coupons_per_user: 3, natural_person_limit: false, prevent_api_abuse: false },
      no_cash: false,
      stock_type: 'NORMAL' as const,
      belong_merchant: '98568865',
      coupon_use_rule: {
        coupon_available_time: { second_day_available: false },
        fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 100 },
        available_merchants: ['98568865'],
      },
      out_request_no: `demo-${Date.now()}`,
    },
  };
  show('chain', 'create a coupon stock', await wxpay.v3.marketing.favor.couponStocks.post(couponStock));
  show('declarative', 'create a coupon stock', await wxpay.chain('v3/marketing/favor/coupon-stocks').post(couponStock));
  show('attribute', 'create a coupon stock', await wxpay['v3/marketing/favor/coupon-stocks'].post(couponStock));

  const deactivate = { json: { coupon_code: 'sxxe34343434', stock_id: '1234567891', deactivate_request_no: '1002600620019090123143254436' } };
  show('chain', 'deactivate a coupon', await wxpay.v3.marketing.busifavor.coupons.deactivate.post(deactivate));
  show('declarative', 'deactivate a coupon', await wxpay.chain('v3/marketing/busifavor/coupons/deactivate').post(deactivate));
  show('attribute', 'deactivate a coupon', await wxpay['v3/marketing/busifavor/coupons/deactivate'].postAsync(deactivate));

  const query = { stock_id: '9856000', query: { stock_creator_mchid: '8956000' } };
  show('chain', 'get a stock (query)', await wxpay.v3.marketing.favor.stocks._stock_id_.get(query));
  show('declarative', 'get a stock (query)', await wxpay.chain('v3/marketing/favor/stocks/{stock_id}').getAsync(query));
  show('attribute', 'get a stock (query)', await wxpay['v3/marketing/favor/stocks/{stock_id}'].get(query));

  const refused = mock.requests.filter((r) => (r.status ?? 0) >= 400).length;
  console.log(`\n${mock.requests.length} requests reached the mock (${refused} refused), each answer signed by the mock and verified by the client.`);
  await mock.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
