// Wechatpay-Serial filled by the client: the preferred verification key by default, a configured
// id or none, the sealing key for sealed fields, the caller's own header first; and the
// certificate download's 404 RESOURCE_NOT_EXISTS explained as "use the public key".
import { CertificateError, Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.requests.splice(0);
  mock.clearFaults();
});

const order = (mchid: string) => ({
  json: {
    appid: 'wxd678efh567hg6787', mchid, description: 'serial', out_trade_no: `S${Date.now()}`,
    notify_url: 'https://example.com/notify', amount: { total: 1, currency: 'CNY' },
  },
});

const sentSerial = () => mock.requests.at(-1)!.headers['wechatpay-serial'];

test('a Native order without a hand-set header carries the platform certificate serial and is accepted', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  const answer = await wxpay.v3.pay.transactions.native.post(order(mock.merchant.mchid));
  expect(answer.status).toBe(200);
  expect(sentSerial()).toBe(mock.platform.serial);
});

test('with the WeChat Pay public key configured, its PUB_KEY_ID_ is preferred over a certificate', async () => {
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, certs: { ...mock.clientConfig.certs, [mock.publicKey.id]: mock.publicKey.publicKeyPem } }));
  await wxpay.v3.pay.transactions.native.post(order(mock.merchant.mchid));
  expect(sentSerial()).toBe(mock.publicKey.id);
  expect(mock.publicKey.id).toMatch(/^PUB_KEY_ID_/);
});

test('config chooses another id, or turns the header off; a caller-set header wins', async () => {
  const chosen = untyped(new Wechatpay({ ...mock.clientConfig, wechatpaySerial: 'ABCDEF0123' }));
  await chosen.v3.pay.transactions.native.post(order(mock.merchant.mchid));
  expect(sentSerial()).toBe('ABCDEF0123');

  const off = untyped(new Wechatpay({ ...mock.clientConfig, wechatpaySerial: false }));
  await off.v3.pay.transactions.native.post(order(mock.merchant.mchid)).catch(() => undefined);
  expect(sentSerial()).toBeUndefined();

  const auto = untyped(new Wechatpay(mock.clientConfig));
  await auto.v3.pay.transactions.native.post({ ...order(mock.merchant.mchid), headers: { 'wechatpay-serial': 'F00D' } });
  expect(sentSerial()).toBe('F00D');
  await auto.v3.pay.transactions.native.post(order(mock.merchant.mchid), { headers: { 'Wechatpay-Serial': 'BEEF' } });
  expect(sentSerial()).toBe('BEEF');

  expect(() => new Wechatpay({ ...mock.clientConfig, wechatpaySerial: 'not a serial!' })).toThrow(/wechatpaySerial/);
});

test('sealed fields keep the id of the key that sealed them, even when another key is preferred', async () => {
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, certs: { ...mock.clientConfig.certs, [mock.publicKey.id]: mock.publicKey.publicKeyPem } }));
  const seal = await wxpay.encryptor(mock.platform.serial);
  mock.route('POST', 'v3/sealed', () => ({ json: {} }));
  await wxpay.v3.sealed.post({ json: { name: seal.encrypt('张三') } });
  expect(sentSerial()).toBe(mock.platform.serial);
  await wxpay.v3.sealed.post({ json: { name: 'plain' } });
  expect(sentSerial()).toBe(mock.publicKey.id);
});

test('a client with only the APIv3 key downloads the certificates once, then sends the newest serial', async () => {
  const wxpay = untyped(new Wechatpay({ ...mock.clientConfig, certs: {}, apiv3Key: mock.apiv3Key }));
  await wxpay.v3.pay.transactions.native.post(order(mock.merchant.mchid));
  await wxpay.v3.pay.transactions.native.post(order(mock.merchant.mchid));
  expect(mock.requests.map((r) => r.template)).toEqual(['v3/certificates', 'v3/pay/transactions/native', 'v3/pay/transactions/native']);
  expect(sentSerial()).toBe(mock.platform.serial);
});

test('the choice is kept between calls but follows a rotation: the next call after the new certificate arrives names it', async () => {
  const rotating = await startMockServer();
  try {
    const wxpay = new Wechatpay({ ...rotating.clientConfig, certs: {}, apiv3Key: rotating.apiv3Key });
    await wxpay.v3.pay.transactions.native.post(order(rotating.merchant.mchid));
    const first = rotating.platform.serial;
    expect(rotating.requests.at(-1)!.headers['wechatpay-serial']).toBe(first);
    rotating.rotatePlatformCertificate();
    // The answer is signed with the new certificate: its serial is unknown, so the client downloads
    // the list (and trusts the newer certificate, issued now, as its preferred key).
    await wxpay.v3.pay.transactions.native.post(order(rotating.merchant.mchid));
    expect(rotating.platform.serial).not.toBe(first);
    await wxpay.v3.pay.transactions.native.post(order(rotating.merchant.mchid));
    expect(rotating.requests.at(-1)!.headers['wechatpay-serial']).toBe(rotating.platform.serial);
  } finally {
    await rotating.close();
  }
});

describe('a merchant without platform certificates', () => {
  let other: MockServer;
  beforeAll(async () => {
    other = await startMockServer({ mode: 'public-key' });
    other.route('GET', 'v3/certificates', () => ({ status: 404, json: { code: 'RESOURCE_NOT_EXISTS', message: '无可用的平台证书' } }));
  });
  afterAll(() => other.close());

  test('the download and a direct call fail with a CertificateError that names the fix', async () => {
    const onlyKey = untyped(new Wechatpay({ ...other.clientConfig, certs: {}, apiv3Key: other.apiv3Key }));
    const viaCall = await onlyKey.v3.pay.transactions.native.post(order(other.merchant.mchid)).catch((e: unknown) => e);
    expect(viaCall).toBeInstanceOf(CertificateError);
    expect(viaCall).toMatchObject({ code: 'NO_PLATFORM_CERTIFICATE' });
    expect((viaCall as Error).message).toMatch(/no platform certificate.*PUB_KEY_ID_/);

    const direct = await untyped(new Wechatpay(other.clientConfig)).v3.certificates.get().catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(CertificateError);
    expect(direct).toMatchObject({ code: 'NO_PLATFORM_CERTIFICATE' });
  });
});
