// Each way a response can fail to prove its origin is a VerificationError with a stable code,
// and the body is never handed over.
import { ApiError, VerificationError, Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { signedHeaders } from '../../src/mock/respond.js';
import { makeIdentities } from '../helpers/keys.js';
import { startRawServer, type RawAnswer, type RawServer } from '../helpers/raw-server.js';

const { merchant, platform, wechatpayPublicKey } = makeIdentities();
const platformKey = { id: platform.serial, privateKey: platform.privateKey };
const body = JSON.stringify({ stock_id: 'S1', pause_time: 'now' });
let next: () => RawAnswer;
let server: RawServer;
let wxpay: UntypedWechatpayClient;

beforeAll(async () => {
  server = await startRawServer(() => next());
  wxpay = untyped(
    new Wechatpay({
      mchid: '1900000001',
      serial: merchant.serial,
      privateKey: merchant.privateKeyPem,
      certs: { [platform.serial]: platform.certificatePem, [wechatpayPublicKey.id]: wechatpayPublicKey.publicKeyPem },
      baseURL: server.url,
    }),
  );
});
afterAll(() => server.close());

const call = () => wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} });

async function failure(): Promise<VerificationError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VerificationError);
  return error as VerificationError;
}

test('a correctly signed answer verifies, in certificate mode and in public-key mode', async () => {
  next = () => ({ body, headers: signedHeaders(platformKey, body) });
  expect((await call()).data).toEqual(JSON.parse(body));
  next = () => ({ body, headers: signedHeaders({ id: wechatpayPublicKey.id, privateKey: wechatpayPublicKey.privateKey }, body) });
  expect((await call()).verified).toBe(true);
});

test('MISSING_HEADERS: a 2xx answer without signature headers', async () => {
  next = () => ({ body });
  const error = await failure();
  expect(error.code).toBe('MISSING_HEADERS');
  expect(error.message).toContain('Wechatpay-Signature');
});

test('MISSING_HEADERS: one header of the four absent', async () => {
  next = () => {
    const headers = signedHeaders(platformKey, body);
    delete (headers as Record<string, string>)['Wechatpay-Nonce'];
    return { body, headers };
  };
  const error = await failure();
  expect(error.code).toBe('MISSING_HEADERS');
  expect(error.message).toContain('Wechatpay-Nonce');
});

test('TIMESTAMP_SKEW: more than 300 s off, either way', async () => {
  for (const offset of [-301, 301]) {
    next = () => ({ body, headers: signedHeaders(platformKey, body, Math.floor(Date.now() / 1000) + offset) });
    expect((await failure()).code).toBe('TIMESTAMP_SKEW');
  }
  next = () => ({ body, headers: signedHeaders(platformKey, body, Math.floor(Date.now() / 1000) - 290) });
  expect((await call()).verified).toBe(true);
});

test('BAD_TIMESTAMP: not a number', async () => {
  next = () => ({ body, headers: { ...signedHeaders(platformKey, body), 'Wechatpay-Timestamp': 'yesterday' } });
  expect((await failure()).code).toBe('BAD_TIMESTAMP');
});

test('UNKNOWN_SERIAL: signed by a key the client was not given', async () => {
  const stranger = makeIdentities().platform;
  next = () => ({ body, headers: signedHeaders({ id: stranger.serial, privateKey: stranger.privateKey }, body) });
  const error = await failure();
  expect(error.code).toBe('UNKNOWN_SERIAL');
  expect(error.message).toContain(stranger.serial);
});

test('SIGNTEST_PROBE: WeChat Pay probe signatures are refused', async () => {
  next = () => {
    const headers = signedHeaders(platformKey, body);
    return { body, headers: { ...headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${headers['Wechatpay-Signature']}` } };
  };
  expect((await failure()).code).toBe('SIGNTEST_PROBE');
});

test('BAD_SIGNATURE: body changed after signing, wrong key under a known serial, garbage signature', async () => {
  next = () => ({ body: body.replace('S1', 'S2'), headers: signedHeaders(platformKey, body) });
  expect((await failure()).code).toBe('BAD_SIGNATURE');
  next = () => ({ body, headers: signedHeaders({ id: platform.serial, privateKey: wechatpayPublicKey.privateKey }, body) });
  expect((await failure()).code).toBe('BAD_SIGNATURE');
  next = () => ({ body, headers: { ...signedHeaders(platformKey, body), 'Wechatpay-Signature': 'not base64 at all!' } });
  expect((await failure()).code).toBe('BAD_SIGNATURE');
});

test('a signed error answer is an ApiError with verified: true and its details', async () => {
  const error = JSON.stringify({ code: 'PARAM_ERROR', message: '参数错误', detail: { field: 'stock_id' } });
  next = () => ({ status: 400, body: error, headers: { ...signedHeaders(platformKey, error), 'Request-ID': 'req-1' } });
  const thrown = await call().catch((e: unknown) => e);
  expect(thrown).toBeInstanceOf(ApiError);
  expect(thrown).toMatchObject({ httpStatus: 400, code: 'PARAM_ERROR', message: expect.stringContaining('参数错误'), detail: { field: 'stock_id' }, requestId: 'req-1', verified: true });
});

test('an unsigned error answer is an ApiError with verified: false', async () => {
  next = () => ({ status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } });
  const thrown = (await call().catch((e: unknown) => e)) as ApiError;
  expect(thrown).toBeInstanceOf(ApiError);
  expect(thrown.verified).toBe(false);
  expect(thrown.httpStatus).toBe(502);
  expect(thrown.message).toContain('unsigned');
});

test('a forged signature on an error answer is a VerificationError, not an ApiError', async () => {
  const error = JSON.stringify({ code: 'SYSTEM_ERROR', message: 'x' });
  next = () => ({ status: 500, body: error, headers: signedHeaders({ id: platform.serial, privateKey: merchant.privateKey }, error) });
  expect((await failure()).code).toBe('BAD_SIGNATURE');
});

test('documented file downloads skip verification by rule and return a Buffer', async () => {
  const file = Buffer.from('交易时间,公众账号ID\n`2026-11-23,`wx8888\n');
  next = () => ({ body: file, headers: { 'Content-Type': 'application/octet-stream' } });
  const response = await wxpay.v3.billdownload.file.get({ query: { token: 'abc' } });
  expect(response.verified).toBe(false);
  expect(Buffer.isBuffer(response.data)).toBe(true);
  expect(response.data).toEqual(file);
  // The same unsigned answer on an ordinary endpoint is refused.
  next = () => ({ body: file.toString(), headers: {} });
  expect((await failure()).code).toBe('MISSING_HEADERS');
});
