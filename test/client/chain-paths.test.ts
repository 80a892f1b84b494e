// chain() and the attribute style take path templates: a URL or a path carrying its query is a
// ParameterError before anything is sent (it used to go out as `GET /https:/…`).
import { ParameterError, Wechatpay, untyped } from '../../src/index.js';
import { makeIdentities } from '../helpers/keys.js';
import { startRawServer, type RawServer } from '../helpers/raw-server.js';

const { merchant, platform } = makeIdentities();
let server: RawServer;
beforeAll(async () => {
  server = await startRawServer(() => ({ status: 200, body: '{}' }));
});
afterAll(() => server.close());

const client = () => untyped(new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, baseURL: server.url }));

test.each([
  'https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc',
  'http://127.0.0.1/v3/pay',
  '//api.mch.weixin.qq.com/v3/billdownload/file',
  'v3/billdownload/file?token=abc',
  'v3/pay#x',
])('chain(%p) is a ParameterError naming the fix, and nothing is sent', (path) => {
  const wxpay = client();
  const error = (() => {
    try {
      wxpay.chain(path);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(ParameterError);
  expect((error as ParameterError).field).toBe('path');
  expect((error as ParameterError).message).toMatch(/query/);
  expect(() => Reflect.get(wxpay, path)).toThrow(ParameterError);
  expect(server.requests).toHaveLength(0);
});

test('a path template still works, with the query as options', async () => {
  const wxpay = client();
  await wxpay.chain('/v3/billdownload/file').get({ query: { token: 'abc' } }).catch(() => undefined);
  expect(server.requests.at(-1)!.url).toBe('/v3/billdownload/file?token=abc');
});
