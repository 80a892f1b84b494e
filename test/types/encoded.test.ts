// JSON-encoded fields (#14.5) at run time: jsonEncode/jsonDecode round-trip with clear errors, and
// the mock checks the structure inside an encoded string (a bare list where the table names items).
import { ApiError, jsonDecode, jsonEncode, ParameterError, type Encoded } from '../../src/index.js';
import type { UntypedWechatpayClient } from '../../src/client-types.js';
import type { MockServer } from '../../src/mock/server.js';
import { withMockClient } from '../helpers/mock-client.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;
withMockClient((m, w) => {
  mock = m;
  wxpay = w;
});

test('jsonEncode writes JSON text, jsonDecode reads it back typed', () => {
  const text = jsonEncode({ store_info: { id: 'SZTX001' } });
  expect(text).toBe('{"store_info":{"id":"SZTX001"}}');
  expect(jsonDecode(text).store_info.id).toBe('SZTX001');
  expect(() => jsonDecode('not json' as Encoded<unknown>)).toThrow(ParameterError);
  expect(() => jsonEncode(undefined)).toThrow(ParameterError);
});

const receiver = { type: 'MERCHANT_ID', account: '190001', amount: 100, description: 'd' };
const sharing = (receivers: string) => ({
  security: true,
  xml: { mch_id: mock.clientConfig.mchid, appid: 'wx8888888888888888', sign_type: 'HMAC-SHA256', transaction_id: '4208450740201411110007820472', out_order_no: 'P20150806125346', receivers },
});

test('the mock accepts an encoded bare list of the documented items, and refuses a wrong inner structure', async () => {
  const ok = await wxpay.v2.secapi.pay.profitsharing.post(sharing(jsonEncode([receiver])));
  expect(ok.data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
  const wrong = await wxpay.v2.secapi.pay.profitsharing.post(sharing(jsonEncode([{ ...receiver, amount: 'a hundred' }]))).catch((e: unknown) => e);
  expect(wrong).toBeInstanceOf(ApiError);
  expect((wrong as ApiError).message).toContain('xml.receivers[0].amount: expected number');
  // the wrapper the table shows ({ receiver: [...] }) is not what goes on the wire
  const wrapped = await wxpay.v2.secapi.pay.profitsharing.post(sharing(jsonEncode({ receiver: [receiver] }))).catch((e: unknown) => e);
  expect((wrapped as ApiError).message).toContain('xml.receivers: expected an array');
});
