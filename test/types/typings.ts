// Type tests for issue #14 (typings that never lie), compiled by compile.test.ts: each block is
// the documented call as a merchant writes it, and the lie it used to compile.
import type { WechatpayClient } from '../../src/client-types.js';
import type { Sealed } from '../../src/index.js';
import { jsonDecode, jsonEncode } from '../../src/index.js';
import type { Paths, WebhookEvents } from '../../src/generated/index.js';
import type { NotificationOf, Paths as PathsFromRoot, RequestOf, ResponseOf, V3PayTransactionsNativePostJson, V3PayTransactionsNativePostJsonAmount, TransactionSuccessResource, TransactionSuccessResourceAmount } from '../../src/index.js';

declare const client: WechatpayClient;

const order = { appid: 'wxd678efh567hg6787', mchid: '1230000109', description: 'Image', out_trade_no: '1217752501201407033233368018', notify_url: 'https://example.com/notify', amount: { total: 100 } };

// #14.3 the client fills Wechatpay-Serial: an order needs no headers object, and may still set it
export async function ordersWithoutHeaders(): Promise<void> {
  await client.v3.pay.transactions.native.post({ json: order });
  await client['v3/pay/transactions/jsapi'].post({ json: { ...order, payer: { openid: 'o' } } });
  await client.chain('v3/pay/transactions/h5').post({ json: { ...order, scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } } } });
  await client.v3.pay.transactions.native.post({ json: order, headers: { 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000000000000000000000' } });
}

// #14.2 keys the client has no option for are not typed (they were required, and refused at run time)
export async function noPhantomOptions(): Promise<void> {
  await client.v3.global.papay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'o', query: { sub_mchid: '1' } });
  // @ts-expect-error transaction_id was a misspelled path parameter, not an option
  await client.v3.global.papay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'o', transaction_id: 't', query: { sub_mchid: '1' } });
  await client.chain('v2/xdc/apiv2sandbox/pay/orderquery').post({ xml: { appid: 'a', mch_id: 'm', out_trade_no: 'o' } }, { timeout: 5000 });
  // @ts-expect-error a timeout is a call setting (the second argument), not an option
  await client.chain('v2/xdc/apiv2sandbox/pay/orderquery').post({ timeout: 5000, xml: { appid: 'a', mch_id: 'm', out_trade_no: 'o' } });
}

// #14.4 notification resources are what arrives

export function payment(r: TransactionSuccessResource): number {
  const id: string = r.transaction_id;
  void id;
  // scenario-only fields (partner, profit sharing, parking) are optional
  // @ts-expect-error sp_mchid is only in the partner scenario
  const sp: string = r.sp_mchid;
  void sp;
  // @ts-expect-error receiver is only in the profit-sharing scenario
  void r.receiver.account;
  return r.amount.total; // lost by the table, restored from the order-query answer
}

// the profit-sharing pages declare TRANSACTION.SUCCESS too: the event's resource is one of three
export function paymentOrShare(r: WebhookEvents['TRANSACTION.SUCCESS']): number {
  const id: string = r.transaction_id; // in all three
  void id;
  // @ts-expect-error a profit-sharing resource has no amount object
  void r.amount.total;
  return 'trade_state' in r ? r.amount.total : r.receiver.amount;
}

export function withdrawal(r: WebhookEvents['MCHWITHDRAW.CHANGE']): string {
  // @ts-expect-error the decrypted object has no original_data wrapper
  void r.original_data;
  // in every scenario: required; in some: optional (the e-commerce scenario has total_amount)
  const type: string = r.account_type;
  const amount: number | undefined = r.amount;
  void type;
  void amount;
  // @ts-expect-error not in every scenario
  const always: number = r.amount;
  void always;
  // @ts-expect-error sub_mchid is only in the e-commerce scenarios
  const sub: string = r.sub_mchid;
  void sub;
  return r.withdraw_id;
}

export function rechargeClosed(r: WebhookEvents['RECHARGE.CLOSED']): string | undefined {
  // @ts-expect-error openid belongs to qr_recharge_info, not the resource
  void r.openid;
  const channels: string[] | undefined = r.available_recharge_channels;
  void channels;
  return r.qr_recharge_info?.openid;
}

// #14.7 enums: what the client receives is open, what the caller sends is closed
export function refundStatus(r: WebhookEvents['REFUND.SUCCESS']): string {
  switch (r.refund_status) {
    case 'SUCCESS':
      return 'ok';
    case 'CLOSED':
    case 'ABNORMAL':
      return 'no';
    default:
      return r.refund_status; // a status WeChat Pay adds later is still a string, not `never`
  }
}
// @ts-expect-error an answer's enum is not a closed union any more
export const closed: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' = ({} as WebhookEvents['REFUND.SUCCESS']).refund_status;
export const later: WebhookEvents['REFUND.SUCCESS']['refund_status'] = 'A_STATUS_ADDED_LATER';
export async function closedRequestEnum(): Promise<void> {
  // @ts-expect-error a request enum stays closed
  await client.v3.pay.transactions.native.post({ json: { ...order, limit_pay: ['no_cash'] } });
}
// discount_mode: symbolic values on a field documented as a number are a string enum (kept, open: an answer)
type DiscountMode = Paths['v3/gov/subsidy/zhejiang/authcode/try']['post']['response']['discount_mode'];
export const mode: DiscountMode = 'DIS_FLAG';
// @ts-expect-error not a number
export const notMode: DiscountMode = 1;

// #14.1 APIv2 answers are typed as they arrive: numbers as numeric text
export async function v2Numbers(): Promise<void> {
  const r = await client.v2.pay.orderquery.post({ xml: { appid: 'a', mch_id: 'm', out_trade_no: 'o' } });
  const fee: `${number}` | undefined = r.data.total_fee;
  // @ts-expect-error total_fee arrives as "1", not 1
  const wrong: number | undefined = r.data.total_fee;
  void fee;
  void wrong;
}

// #14.9 names: Paths, RequestOf / ResponseOf / NotificationOf, and named nested interfaces

export function amountOf(total: number): V3PayTransactionsNativePostJsonAmount {
  return { total, currency: 'CNY' };
}
export const sameAmount: RequestOf<'v3/pay/transactions/native', 'post'>['json']['amount'] = amountOf(1);
export const body: V3PayTransactionsNativePostJson = { ...order, amount: amountOf(1) };
export async function create(json: RequestOf<'v3/pay/transactions/native', 'post'>['json']): Promise<ResponseOf<'v3/pay/transactions/native', 'post'>> {
  return (await client.v3.pay.transactions.native.post({ json })).data;
}
export function paid(n: NotificationOf<'TRANSACTION.SUCCESS'>): number {
  if (!('trade_state' in n.resource)) return 0; // a profit-sharing notification
  const r: TransactionSuccessResource = n.resource;
  const a: TransactionSuccessResourceAmount = r.amount;
  return a.total;
}
export type Known = keyof PathsFromRoot;
// @ts-expect-error RequestOf takes documented templates only
export type Typo = RequestOf<'v3/pay/transaction/native', 'post'>;
// @ts-expect-error and the template's documented methods only
export type NoGet = RequestOf<'v3/pay/transactions/native', 'get'>;
// @ts-expect-error a named interface keeps required members
export const noTotal: V3PayTransactionsNativePostJsonAmount = { currency: 'CNY' };

// #14.6 uploads: the file is its bytes, meta an object (sha256 computed when left out) or its JSON text
declare const imageBuffer: Buffer;
export async function upload(): Promise<void> {
  await client.v3.merchant.media.upload.post({ body: { file: imageBuffer, meta: { filename: 'logo.png' } } });
  await client.chain('v3/merchant/media/upload').post({ body: { file: new Uint8Array(4), meta: '{"filename":"a.png","sha256":"00"}' } });
  // @ts-expect-error meta needs the file name
  await client.v3.merchant.media.upload.post({ body: { file: imageBuffer, meta: { sha256: '00' } } });
  // @ts-expect-error the file is bytes, not a path
  await client.v3.merchant.media.upload.post({ body: { file: '/tmp/logo.png', meta: { filename: 'logo.png' } } });
  // @ts-expect-error an upload without a file
  await client.v3.merchant.media.upload.post({ body: { meta: { filename: 'logo.png' } } });
}

// #14.5 JSON-encoded strings carry their structure: jsonEncode checks it going out, jsonDecode types it coming in
export async function encodedFields(): Promise<void> {
  const xml = { appid: 'a', mch_id: 'm', body: 'b', out_trade_no: 'o', total_fee: 1, spbill_create_ip: '127.0.0.1', auth_code: 'c' };
  await client.v2.pay.micropay.post({ xml: { ...xml, scene_info: jsonEncode({ store_info: { id: 'SZTX001' } }) } });
  // @ts-expect-error a hand-written string is not known to carry the structure
  await client.v2.pay.micropay.post({ xml: { ...xml, scene_info: '{"store_info":{"id":"SZTX001"}}' } });
  // @ts-expect-error the inner structure is checked: store_info needs its id
  await client.v2.pay.micropay.post({ xml: { ...xml, scene_info: jsonEncode({ store_info: { name: 'x' } }) } });
  // a bare list where the table names its items (inner: 'list')
  const r = await client.v2.secapi.pay.multiprofitsharing.post({
    security: true,
    xml: { mch_id: 'm', appid: 'a', sign_type: 'HMAC-SHA256', transaction_id: 't', out_order_no: 'o', receivers: jsonEncode([{ type: 'MERCHANT_ID', account: '190001', amount: 100, description: 'd' }]) },
  });
  const receivers = r.data.receivers ? jsonDecode(r.data.receivers) : [];
  const first: string = receivers[0]!.receiver_account;
  void first;
}

// #14.8 sensitive fields: only a sealed ciphertext goes into an encrypted field; decrypting an answer's is one call
export async function sensitive(): Promise<void> {
  const sealer = await client.encryptor();
  const json = { mchid: '1900000001', bal_account_no: sealer.encrypt('6222000000000000'), out_request_no: 'r1', reduction_type: 'FINANCIAL_PENALTY' as const, amount: 1 };
  const r = await client.v3.aggracctBc.wbChannel.specialReduction.post({ json });
  // @ts-expect-error a plaintext account number in an encrypted field
  await client.v3.aggracctBc.wbChannel.specialReduction.post({ json: { ...json, bal_account_no: '6222000000000000' } });
  await client['v3/aggracct-bc/wb-channel/special-reduction'].post({ json: { ...json, bal_account_no: await client.encrypt('6222000000000000') } });
  const account: Sealed | undefined = r.data.bal_account_no;
  const plain: string | undefined = account && client.decrypt(account);
  void plain;
}
