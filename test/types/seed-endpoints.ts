// Type tests (compiled by test/types/compile.test.ts, never run): the seed endpoints in all
// three calling styles. Every `@ts-expect-error` must meet an error, or the compile fails.
import type { WechatpayClient } from '../../src/client-types.js';
import { untyped } from '../../src/index.js';

declare const client: WechatpayClient;

const pause = { stock_id: '1234567', json: { stock_creator_mchid: '8956000' } };

export async function chainStyle(): Promise<void> {
  const r = await client.v3.marketing.favor.stocks._stock_id_.pause.post(pause);
  const when: string = r.data.pause_time;
  void when;
  await client.v3.marketing.favor.stocks.$stock_id$.start.postAsync({ stock_id: '1', json: { stock_creator_mchid: '1' } });
  await client.v3.marketing.favor.stocks['{stock_id}'].pause.post(pause);
  const created = await client.v3.marketing.favor.couponStocks.post({ json: couponStock() });
  const id: string = created.data.stock_id;
  void id;
  await client.v3.marketing.favor['coupon-stocks'].postAsync({ json: couponStock() });
  const d = await client.v3.marketing.busifavor.coupons.deactivate.post({ json: { coupon_code: 'c', stock_id: 's', deactivate_request_no: 'n' } });
  const t: string = d.data.wechatpay_deactivate_time;
  void t;

  // @ts-expect-error misspelled field
  await client.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: '1', json: { stock_creator_mchidd: '1' } });
  // @ts-expect-error missing required field
  await client.v3.marketing.favor.stocks._stock_id_.start.post({ stock_id: '1', json: {} });
  // @ts-expect-error missing path parameter
  await client.v3.marketing.favor.stocks._stock_id_.pause.post({ json: { stock_creator_mchid: '1' } });
  // @ts-expect-error wrong enum value
  await client.v3.marketing.favor.couponStocks.post({ json: { ...couponStock(), stock_type: 'NORMALLY' } });
  // @ts-expect-error the response is typed: no such field
  void r.data.pause_tim;
  // @ts-expect-error undocumented segment on the typed chain
  void client.v3.marketing.favor.nonexistent;
}

export async function attributeStyle(): Promise<void> {
  const r = await client['v3/marketing/favor/stocks/{stock_id}/pause'].post(pause);
  const s: string = r.data.stock_id;
  void s;
  await client['v3/marketing/favor/stocks/{stock_id}/start'].postAsync({ stock_id: '1', json: { stock_creator_mchid: '1' } });
  await client['v3/marketing/favor/coupon-stocks'].post({ json: couponStock() });
  await client['v3/marketing/busifavor/coupons/deactivate'].post({ json: { coupon_code: 'c', stock_id: 's', deactivate_request_no: 'n', deactivate_reason: 'r' } });

  // @ts-expect-error misspelled field
  await client['v3/marketing/busifavor/coupons/deactivate'].post({ json: { coupon_code: 'c', stock_id: 's', deactivate_request_no: 'n', deactivate_reasn: 'r' } });
  // @ts-expect-error missing required field
  await client['v3/marketing/busifavor/coupons/deactivate'].post({ json: { coupon_code: 'c', stock_id: 's' } });
  // @ts-expect-error missing path parameter
  await client['v3/marketing/favor/stocks/{stock_id}/start'].post({ json: { stock_creator_mchid: '1' } });
  // @ts-expect-error wrong enum value
  await client['v3/marketing/favor/coupon-stocks'].post({ json: { ...couponStock(), stock_type: 'normal' } });
}

export async function declarativeStyle(): Promise<void> {
  const r = await client.chain('v3/marketing/favor/stocks/{stock_id}/pause').post(pause);
  const s: string = r.data.pause_time;
  void s;
  await client.chain('v3/marketing/favor/stocks/{stock_id}/start').post({ stock_id: '1', json: { stock_creator_mchid: '1' } });
  await client.chain('v3/marketing/favor/coupon-stocks').postAsync({ json: couponStock() });
  await client.chain('v3/marketing/busifavor/coupons/deactivate').post({ json: { coupon_code: 'c', stock_id: 's', deactivate_request_no: 'n' } });

  // @ts-expect-error misspelled field
  await client.chain('v3/marketing/favor/coupon-stocks').post({ json: { ...couponStock(), stock_nam: 'x' } });
  // @ts-expect-error missing required field
  await client.chain('v3/marketing/favor/stocks/{stock_id}/pause').post({ stock_id: '1' });
  // @ts-expect-error missing path parameter
  await client.chain('v3/marketing/favor/stocks/{stock_id}/pause').post({ json: { stock_creator_mchid: '1' } });
  // @ts-expect-error wrong enum value
  await client.chain('v3/marketing/favor/coupon-stocks').post({ json: { ...couponStock(), stock_type: 'EXCHANGE_' } });

  // undocumented paths still work, loosely typed, with one explicit word
  const loose = await untyped(client).chain('v3/not/documented/{id}').post({ id: '1', json: { anything: [1, 2] } });
  // @ts-expect-error a misspelled path is a compile error in the declarative style too
  await client.chain('v3/pay/transaction/native').post({ json: {} });
  const data: unknown = loose.data;
  void data;
}

function couponStock() {
  return {
    stock_name: 'demo',
    available_begin_time: '2025-01-01T00:00:00+08:00',
    available_end_time: '2025-02-01T00:00:00+08:00',
    stock_use_rule: { max_coupons: 100, max_amount: 10000, max_coupons_per_user: 1, natural_person_limit: false, prevent_api_abuse: false },
    no_cash: false,
    stock_type: 'NORMAL' as const,
    belong_merchant: '8956000',
    coupon_use_rule: {
      coupon_available_time: { available_time_after_receive: 1440 },
      fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 101 },
      available_merchants: ['8956000'],
    },
    out_request_no: '89560002019101000121',
  };
}
