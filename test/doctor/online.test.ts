// The doctor's one signed call, against the mock answering as WeChat Pay does for each kind of
// merchant (platform certificates, public key only, switching), with the mistakes made on
// purpose: the wrong private key, a gateway that rewrites requests, the wrong serial, a clock off,
// the APIv2 key for the APIv3 key, a key not held. The errors of ordinary calls carry the same hint.
import { createServer } from 'node:net';
import { ApiError, CertificateError, DecryptionError, VerificationError, Wechatpay, untyped, type DoctorReport, type WechatpayConfig } from '../../src/index.js';
import { certifiedKey, publicKeyId, rsaKeyPair } from '../../src/mock/identity.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { startRawServer } from '../helpers/raw-server.js';
import { startGateway } from './gateway.js';

let mock: MockServer;
let publicKeyOnly: MockServer;
let migrating: MockServer;
beforeAll(async () => {
  [mock, publicKeyOnly, migrating] = await Promise.all([startMockServer(), startMockServer({ mode: 'public-key' }), startMockServer({ mode: 'migrating' })]);
});
afterAll(() => Promise.all([mock.close(), publicKeyOnly.close(), migrating.close()]));

const env = {};
const pause = { stock_id: 'S1', json: { stock_creator_mchid: '8956000' } };

async function online(config: WechatpayConfig, options: { now?: () => number } = {}): Promise<DoctorReport> {
  return new Wechatpay(config).doctor({ online: true, env, ...options });
}

function finding(report: DoctorReport, code: string) {
  const found = report.findings.find((f) => f.code === code);
  if (!found) throw new Error(`no ${code} in ${JSON.stringify(report.findings.map((f) => f.code))}`);
  return found;
}

describe('a healthy client', () => {
  test.each([
    ['platform certificates', () => ({ ...mock.clientConfig, apiv3Key: mock.apiv3Key }), 'certificate'],
    ['the public key only', () => ({ ...publicKeyOnly.clientConfig, apiv3Key: publicKeyOnly.apiv3Key }), 'public-key'],
    ['both, while switching', () => ({ ...migrating.clientConfig, apiv3Key: migrating.apiv3Key }), 'migrating'],
  ])('%s: nothing wrong, and the mode as WeChat Pay answers it', async (_name, config, mode) => {
    const report = await online(config());
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.mode).toBe(mode);
    expect(Math.abs(report.clockSkew!)).toBeLessThanOrEqual(2);
    expect(report.checked).toEqual(['config', 'online']);
    expect(finding(report, 'MODE').message).toContain(mode === 'certificate' ? mock.platform.serial : mode === 'public-key' ? publicKeyOnly.publicKey.id : migrating.publicKey.id);
  });
});

describe('401 SIGN_ERROR, told apart by what WeChat Pay verified', () => {
  test('the wrong private key for the serial: WeChat Pay verified exactly what was signed', async () => {
    const stranger = certifiedKey({ commonName: 'someone else' });
    const config = { ...mock.clientConfig, privateKey: stranger.privateKeyPem, merchantCertificate: undefined };
    const report = await online(config);
    const wrong = finding(report, 'SIGN_ERROR_WRONG_KEY');
    expect(wrong.key).toEqual({ role: 'merchant private key', id: mock.merchant.serial });
    expect(wrong.message).toMatch(new RegExp(`verified exactly what the client signed \\(GET /v3/certificates \\(\\d+ bytes\\)\\).*privateKey is not the private key of merchant API certificate ${mock.merchant.serial} \\(mchid 1900000001\\)`));
    expect(report.ok).toBe(false);
    // An ordinary call's error says the same.
    const error = await untyped(new Wechatpay(config)).v3.marketing.favor.stocks._stock_id_.pause.post(pause).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).hint).toMatch(new RegExp(`privateKey is not the private key of merchant API certificate ${mock.merchant.serial}`));
    expect((error as ApiError).message).toContain('(hint: WeChat Pay verified exactly what the client signed (POST /v3/marketing/favor/stocks/S1/pause');
  });

  test('a gateway that strips a path prefix: the request was changed in transit', async () => {
    const gateway = await startGateway(mock.url, { path: (path) => path.replace(/^\/pay\//, '/') });
    try {
      const config = { ...mock.clientConfig, baseURL: `${gateway.url}pay/` };
      const altered = finding(await online(config), 'SIGN_ERROR_ALTERED');
      expect(altered.message).toMatch(/WeChat Pay verified GET \/v3\/certificates \(\d+ bytes\) but the client signed GET \/pay\/v3\/certificates \(\d+ bytes\): the request was changed in transit \(path or query\)/);
      expect(altered.fix).toContain('no prefix stripped');
      const error = (await untyped(new Wechatpay(config)).v3.marketing.favor.stocks._stock_id_.pause.post(pause).catch((e: unknown) => e)) as ApiError;
      expect(error.hint).toMatch(/changed in transit \(path or query\)/);
    } finally {
      await gateway.close();
    }
  });

  test('a gateway that re-encodes JSON bodies: changed in transit (body)', async () => {
    const gateway = await startGateway(mock.url, { body: (body) => Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2)) });
    try {
      const error = (await untyped(new Wechatpay({ ...mock.clientConfig, baseURL: gateway.url })).v3.marketing.favor.stocks._stock_id_.pause.post(pause).catch((e: unknown) => e)) as ApiError;
      expect(error).toMatchObject({ httpStatus: 401, code: 'SIGN_ERROR' });
      expect(error.hint).toMatch(/^WeChat Pay verified POST \/v3\/marketing\/favor\/stocks\/S1\/pause \(\d+ bytes\) but the client signed POST \/v3\/marketing\/favor\/stocks\/S1\/pause \(\d+ bytes\): the request was changed in transit \(body\)/);
    } finally {
      await gateway.close();
    }
  });

  test('a serial WeChat Pay does not know for the merchant', async () => {
    const serial = '5E3F0000000000000000000000000000000000AB';
    const report = await online({ ...mock.clientConfig, serial, merchantCertificate: undefined });
    const found = finding(report, 'SIGN_ERROR_SERIAL');
    expect(found.key).toEqual({ role: 'merchant API certificate', id: serial });
    expect(found.message).toContain(`does not accept serial ${serial} as an API certificate of mchid 1900000001 ("商户证书序列号有误。")`);
  });
});

describe("the clock against WeChat Pay's", () => {
  test("WeChat Pay's clock ten minutes ahead: the requests are refused, and the doctor says why", async () => {
    const ahead = await startMockServer({ clockOffset: 600, merchant: mock.merchant, platform: mock.platform });
    try {
      const report = await online(ahead.clientConfig);
      const skew = finding(report, 'CLOCK_SKEW');
      expect(skew.severity).toBe('error');
      expect(skew.message).toMatch(/^this machine's clock is 60\d s behind WeChat Pay's .*requests are refused/);
      expect(report.clockSkew).toBeLessThanOrEqual(-599);
      expect(finding(report, 'SIGN_ERROR_TIMESTAMP').message).toContain('Http头Authorization中的timestamp');
    } finally {
      await ahead.close();
    }
  });

  test('this machine two minutes ahead (an injected clock): a warning', async () => {
    const report = await online(mock.clientConfig, { now: () => Date.now() + 120_000 });
    expect(finding(report, 'CLOCK_SKEW')).toMatchObject({ severity: 'warning' });
    expect(report.clockSkew).toBeGreaterThanOrEqual(119);
    expect(report.clockSkew).toBeLessThanOrEqual(121);
    expect(report.ok).toBe(false);
  });
});

describe('the APIv3 key against the certificates WeChat Pay sends', () => {
  test('the APIv2 key given as the APIv3 key', async () => {
    const report = await online({ ...mock.clientConfig, apiv2Key: undefined, certs: {}, apiv3Key: mock.apiv2Key });
    const found = finding(report, 'CERTIFICATES_DECRYPT_FAILED');
    expect(found.key).toEqual({ role: 'APIv3 key', id: '1900000001' });
    expect(found.message).toContain('do not decrypt under apiv3Key of mchid 1900000001 (AEAD_AES_256_GCM tag mismatch): is this the APIv2 key');
    // The client's own download says the same.
    const error = await untyped(new Wechatpay({ ...mock.clientConfig, certs: {}, apiv3Key: mock.apiv2Key })).v3.marketing.favor.stocks._stock_id_.pause.post(pause).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).hint).toMatch(/^apiv3Key is not the APIv3 key set in the merchant platform; fix: copy the APIv3 key/);
  });

  test('the two keys swapped', async () => {
    const report = await online({ ...mock.clientConfig, apiv3Key: mock.apiv2Key, apiv2Key: mock.apiv3Key });
    expect(finding(report, 'CERTIFICATES_DECRYPT_FAILED').message).toContain('apiv3Key and apiv2Key are swapped');
    expect(finding(report, 'CERTIFICATES_DECRYPT_FAILED').fix).toBe('exchange the values of apiv3Key and apiv2Key');
  });
});

describe('keys WeChat Pay signs with, and the merchant mode', () => {
  test('a public-key merchant configured with platform certificates: 404 RESOURCE_NOT_EXISTS, configure the PUB_KEY_ID_', async () => {
    const config = { ...publicKeyOnly.clientConfig, certs: {}, apiv3Key: publicKeyOnly.apiv3Key };
    const report = await online(config);
    const found = finding(report, 'PUBLIC_KEY_MODE');
    expect(found.key).toEqual({ role: 'WeChat Pay public key', id: publicKeyOnly.publicKey.id });
    expect(found.message).toContain('GET /v3/certificates: 404 RESOURCE_NOT_EXISTS');
    expect(found.fix).toContain(`add certs["${publicKeyOnly.publicKey.id}"]`);
    expect(report.mode).toBe('public-key');
    const error = await untyped(new Wechatpay(config)).v3.marketing.favor.stocks._stock_id_.pause.post(pause).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NO_PLATFORM_CERTIFICATE' });
    expect((error as CertificateError).hint).toMatch(/WeChat Pay public key; fix: add certs\["PUB_KEY_ID_…"\]/);
  });

  test('answers signed by a PUB_KEY_ID_ the client does not hold: which id to add', async () => {
    const held = publicKeyId();
    const config = { ...publicKeyOnly.clientConfig, certs: { [held]: rsaKeyPair().publicKeyPem } };
    const found = finding(await online(config), 'ANSWER_UNKNOWN_KEY');
    expect(found.key).toEqual({ role: 'WeChat Pay public key', id: publicKeyOnly.publicKey.id });
    expect(found.message).toBe(`WeChat Pay signs mchid 1900000001's answers with the WeChat Pay public key ${publicKeyOnly.publicKey.id}, which this client does not hold (it holds ${held})`);
    const error = (await untyped(new Wechatpay(config)).v3.marketing.favor.stocks._stock_id_.pause.post(pause).catch((e: unknown) => e)) as VerificationError;
    expect(error).toMatchObject({ code: 'UNKNOWN_SERIAL', keyId: publicKeyOnly.publicKey.id });
    expect(error.hint).toContain(`add certs["${publicKeyOnly.publicKey.id}"]`);
  });

  test('a platform certificate no longer used: the one WeChat Pay signs with is named', async () => {
    const stale = certifiedKey({ commonName: 'Tenpay.com Root CA' });
    const report = await online({ ...mock.clientConfig, certs: { [stale.serial]: stale.certificatePem } });
    const found = finding(report, 'ANSWER_UNKNOWN_KEY');
    expect(found.key).toEqual({ role: 'platform certificate', id: mock.platform.serial });
    expect(found.fix).toContain('give apiv3Key');
    expect(finding(report, 'PLATFORM_CERT_NOT_LISTED').key).toEqual({ role: 'platform certificate', id: stale.serial });
  });

  test('a certs entry holding another key than the one of its id', async () => {
    const config = { ...publicKeyOnly.clientConfig, certs: { [publicKeyOnly.publicKey.id]: rsaKeyPair().publicKeyPem } };
    const found = finding(await online(config), 'ANSWER_BAD_SIGNATURE');
    expect(found.key).toEqual({ role: 'WeChat Pay public key', id: publicKeyOnly.publicKey.id });
    const error = (await untyped(new Wechatpay(config)).v3.marketing.favor.stocks._stock_id_.pause.post(pause).catch((e: unknown) => e)) as VerificationError;
    expect(error).toMatchObject({ code: 'BAD_SIGNATURE', keyId: publicKeyOnly.publicKey.id });
    expect(error.hint).toContain(`certs["${publicKeyOnly.publicKey.id}"] holds another key`);
  });

  test('a merchant switching to the public key, the client holding only its certificates', async () => {
    const config = { ...migrating.clientConfig, certs: { [migrating.platform.serial]: migrating.platform.certificatePem }, apiv3Key: migrating.apiv3Key };
    const report = await online(config);
    const found = finding(report, 'MIGRATION_INCOMPLETE');
    expect(found).toMatchObject({ severity: 'error', key: { role: 'WeChat Pay public key', id: migrating.publicKey.id } });
    expect(found.message).toContain(`switching from platform certificates (${migrating.platform.serial}) to the WeChat Pay public key ${migrating.publicKey.id}`);
    expect(report.mode).toBe('migrating');
    // Its own calls still pass (they ask for certificate signatures); its notifications would not.
    expect((await untyped(new Wechatpay(config)).v3.marketing.favor.stocks._stock_id_.pause.post(pause)).verified).toBe(true);
  });

  test('… or only the public key, with no way to get the certificates that may still sign', async () => {
    const config = { ...migrating.clientConfig, certs: { [migrating.publicKey.id]: migrating.publicKey.publicKeyPem } };
    const found = finding(await online(config), 'MIGRATION_INCOMPLETE');
    expect(found).toMatchObject({ severity: 'warning', key: { role: 'platform certificate', id: migrating.platform.serial } });
  });
});

describe('when something else answers', () => {
  test('nothing listening: unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const found = finding(await online({ ...mock.clientConfig, baseURL: `http://127.0.0.1:${port}/` }), 'ONLINE_UNREACHABLE');
    expect(found.message).toContain('ECONNREFUSED');
  });

  test('an unsigned page from a proxy', async () => {
    const proxy = await startRawServer(() => ({ status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html>Bad Gateway</html>' }));
    try {
      const found = finding(await online({ ...mock.clientConfig, baseURL: proxy.url }), 'UNSIGNED_ANSWER');
      expect(found.message).toMatch(/was answered 502 \(text\/html\) without a WeChat Pay signature/);
    } finally {
      await proxy.close();
    }
  });

  test('a certificate list that is not the documented one: said, not thrown', async () => {
    const odd = await startMockServer({ merchant: mock.merchant, platform: mock.platform });
    try {
      odd.route('GET', 'v3/certificates', () => ({ json: { data: [{ serial_no: 'ABC' }] } }));
      const report = await online({ ...odd.clientConfig, apiv3Key: odd.apiv3Key });
      expect(finding(report, 'ONLINE_API_ERROR').message).toBe('the platform certificates WeChat Pay sent could not be read: BAD_RESPONSE');
    } finally {
      await odd.close();
    }
  });

  test('another error answer from WeChat Pay', async () => {
    const refusing = await startMockServer({ merchant: mock.merchant, platform: mock.platform });
    try {
      refusing.route('GET', 'v3/certificates', () => ({ status: 403, json: { code: 'NO_AUTH', message: '商户无权限' } }));
      expect(finding(await online(refusing.clientConfig), 'ONLINE_API_ERROR').message).toContain('403 NO_AUTH: 商户无权限');
    } finally {
      await refusing.close();
    }
  });
});

test('a notification opened with the wrong APIv3 key: DecryptionError with the hint', async () => {
  const wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv2Key });
  const error = await wxpay.webhooks.parse(mock.notification('TRANSACTION.SUCCESS')).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DecryptionError);
  expect((error as DecryptionError).hint).toMatch(/^apiv3Key is not the APIv3 key set in the merchant platform; fix: /);
  expect((error as DecryptionError).toJSON()).toMatchObject({ code: 'AUTHENTICATION_FAILED', hint: (error as DecryptionError).hint });
});
