// Type tests for the runtime's edges: verb-named segments, the loose fallback, untyped().
import { untyped } from '../../src/index.js';
import type { WechatpayClient } from '../../src/client-types.js';

declare const client: WechatpayClient;

export async function edges(): Promise<void> {
  // `delete` as the last segment of a documented path, reached through the chain.
  await client.v3.profitsharing.receivers.delete.post({ json: { appid: 'wx8888888888888888', type: 'MERCHANT_ID', account: '86693852' } });
  // @ts-expect-error the delete receiver call takes a json body with its required fields
  await client.v3.profitsharing.receivers.delete.post({ json: {} });

  // Undocumented paths: loose through untyped(client).chain(), untyped data.
  const loose = await untyped(client).chain('v3/not/documented/{id}').post({ id: '1', json: { anything: true } });
  // @ts-expect-error the typed declarative style takes documented paths only (typo protection)
  void client.chain('v3/not/documented/{id}');
  const data: unknown = loose.data;
  void data;
  // @ts-expect-error undocumented paths are not on the typed chain
  void client.v3.not_documented_at_all;

  // The untyped view accepts anything and types data as unknown.
  const u = untyped(client);
  const r = await u.v3.whatever.segment._id_.get({ id: 1, query: { a: 1 } });
  // @ts-expect-error data is unknown in the untyped view
  void r.data.field;
}
