// Type tests for the generated catalogue beyond the seeds: v2/XML, path-parameter spellings,
// no-content and file-stream responses, webhooks.
import type { Nodes, Paths, Root, WebhookEvents } from '../../src/generated/index.js';
import type { WechatpayClient } from '../../src/client-types.js';

declare const client: WechatpayClient;

export async function more(): Promise<void> {
  // APIv2: xml options, enums, security/nonceless literals
  await client.v2.pay.micropay.post({ xml: { appid: 'a', mch_id: 'm', body: 'b', out_trade_no: 'o', total_fee: 1, spbill_create_ip: '127.0.0.1', auth_code: 'c', sign_type: 'HMAC-SHA256' } });
  // @ts-expect-error wrong enum value in XML
  await client.v2.pay.micropay.post({ xml: { appid: 'a', mch_id: 'm', body: 'b', out_trade_no: 'o', total_fee: 1, spbill_create_ip: '127.0.0.1', auth_code: 'c', sign_type: 'SHA1' } });
  // a node can be reached by every spelling the runtime accepts
  const a: Nodes['v3/marketing/favor/stocks/{stock_id}'] = client.v3.marketing.favor.stocks._stock_id_;
  const b: Nodes['v3/marketing/favor/stocks/{stock_id}'] = client.v3.marketing.favor.stocks.$stock_id$;
  void a;
  void b;
  const root: Root = client;
  void root;
}

// no-content endpoints answer `undefined`, downloads a Buffer
type NoContent = { [K in keyof Paths]: { [M in keyof Paths[K]]: Paths[K][M] extends { response: undefined } ? K : never }[keyof Paths[K]] }[keyof Paths];
export const someNoContent: NoContent[] = [];
type Download = Paths['v3/billdownload/file']['get']['response'];
export const isBuffer: Download extends Buffer ? true : false = true;

// webhooks: event_type -> decrypted resource
export function onRefund(resource: WebhookEvents['REFUND.SUCCESS']): string {
  return resource.out_refund_no;
}
// @ts-expect-error unknown event type
export type Nope = WebhookEvents['NO.SUCH_EVENT'];
