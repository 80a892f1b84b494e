// codegen/overrides.ts in the mock (#14.10): a call that follows an override (one order
// identifier where the table marks both required) is accepted, and the conflict with the
// documentation's table is reported in the request log instead of refusing the call.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Model } from '../../codegen/model';
import type { UntypedWechatpayClient } from '../../src/client-types.js';
import type { MockServer } from '../../src/mock/server.js';
import { withMockClient } from '../helpers/mock-client.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;
withMockClient((m, w) => {
  mock = m;
  wxpay = w;
});

const order = () => ({ appid: 'wxd678efh567hg6787', mch_id: mock.clientConfig.mchid, out_trade_no: '20150806125346' });

test('one identifier is accepted; the table it contradicts is named in the log', async () => {
  const r = await wxpay.v2.pay.orderquery.post({ xml: order() });
  expect(r.data).toMatchObject({ return_code: 'SUCCESS' });
  expect(mock.requests.at(-1)!.conflicts).toEqual([
    'xml.transaction_id: absent, which the table marks required; accepted per codegen/overrides.ts (openapi/v2/pay/orderquery.md)',
  ]);
});

test('a call that satisfies the table too reports nothing', async () => {
  await wxpay.v2.pay.orderquery.post({ xml: { ...order(), transaction_id: '1009660380201506130728806387' } });
  expect(mock.requests.at(-1)!.conflicts).toBeUndefined();
});

test('the model keeps what the table said on every overridden field', () => {
  const model = JSON.parse(readFileSync(resolve(__dirname, '../../src/generated/model.json'), 'utf8')) as Model;
  const xml = model.endpoints.find((e) => e.template === 'v2/pay/orderquery')!.operations[0]!.request.fields.find((f) => f.name === 'xml')!;
  const tid = xml.children!.find((f) => f.name === 'transaction_id')!;
  expect(tid.required).toBeUndefined();
  expect(tid.override).toEqual({ page: 'openapi/v2/pay/orderquery.md', required: true });
});
