// An upload endpoint (multipart in the model, whether documented or inferred, #14.6) called
// without its file is refused by the mock, as WeChat Pay refuses it.
import { ApiError } from '../../src/index.js';
import type { UntypedWechatpayClient } from '../../src/client-types.js';
import type { MockServer } from '../../src/mock/server.js';
import { withMockClient } from '../helpers/mock-client.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;
withMockClient((m, w) => {
  mock = m;
  wxpay = w;
});

test('a JSON call to an upload endpoint is a PARAM_ERROR naming body.file', async () => {
  const error = await wxpay.v3.merchant.media.upload.post({ json: { filename: 'a.png' } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe('PARAM_ERROR');
  expect(JSON.stringify((error as ApiError).data)).toContain('body.file');
  expect(mock.requests).toHaveLength(1);
});

test('the same endpoint with a file and meta is accepted', async () => {
  const r = await wxpay.v3.merchant.media.upload.post({ body: { file: Buffer.from('png'), meta: { filename: 'a.png' } } });
  expect(r.status).toBe(200);
});
