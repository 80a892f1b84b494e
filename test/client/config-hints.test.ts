// Configuration mistakes merchants really make get an error that names the right field and the
// fix: the merchant serial and a platform serial swapped, a PEM from an environment variable with
// literal \n, a certificate given as the private key, an APIv3 key with a trailing newline, a
// misspelled key in plain JavaScript; and no config value lands in axios's defaults where
// console.log(wxpay) would print it. A misspelled path (plain JavaScript) names the nearest one.
import { inspect } from 'node:util';
import { ApiError, untyped, Wechatpay, type WechatpayConfig } from '../../src/index.js';
import { startMockServer } from '../../src/mock/server.js';
import { configError } from '../helpers/config-error.js';
import { makeIdentities } from '../helpers/keys.js';

const { merchant, platform, wechatpayPublicKey } = makeIdentities();
const good: WechatpayConfig = {
  mchid: '1900000001',
  serial: merchant.serial,
  privateKey: merchant.privateKeyPem,
  certs: { [platform.serial]: platform.certificatePem },
};

describe('the merchant serial and the platform serial mixed up', () => {
  test('the platform certificate\'s serial given as serial: the error is about serial, and says what serial and certs each are', () => {
    const error = configError({ ...good, serial: platform.serial });
    expect(error.field).toBe('serial');
    expect(error.message).toContain(`${platform.serial} is the serial of the WeChat Pay platform certificate in certs`);
    expect(error.message).toMatch(/serial is the serial number of your merchant API certificate.*certs holds WeChat Pay's platform certificates/);
  });

  test('the WeChat Pay public key id given as serial: the error is about serial', () => {
    const error = configError({ ...good, serial: wechatpayPublicKey.id, certs: { [wechatpayPublicKey.id]: wechatpayPublicKey.publicKeyPem } });
    expect(error.field).toBe('serial');
    expect(error.message).toContain(`${wechatpayPublicKey.id} is the id of the WeChat Pay public key, which goes in certs`);
  });

  test("the merchant's own certificate put into certs: the error is about certs", () => {
    const error = configError({ ...good, certs: { [merchant.serial]: merchant.certificatePem } });
    expect(error.field).toBe(`certs["${merchant.serial}"]`);
    expect(error.message).toContain('this is your merchant API certificate');
  });

  test('a platform certificate keyed by the merchant serial: the error is about the certs key', () => {
    const error = configError({ ...good, certs: { [merchant.serial]: platform.certificatePem } });
    expect(error.field).toBe(`certs["${merchant.serial}"]`);
    expect(error.message).toContain(`key the platform certificate by its own serial (${platform.serial})`);
  });

  test('merchantCertificate of another serial: the error is about serial', () => {
    const error = configError({ ...good, serial: 'ABCDEF0123', merchantCertificate: merchant.certificatePem });
    expect(error.field).toBe('serial');
    expect(error.message).toContain(`ABCDEF0123 is not the serial of merchantCertificate (${merchant.serial})`);
  });
});

describe('keys as they arrive from files and environment variables', () => {
  test('a PEM with literal \\n sequences gets the replace hint', () => {
    const flattened = merchant.privateKeyPem.trim().replace(/\n/g, '\\n');
    const error = configError({ ...good, privateKey: flattened });
    expect(error.field).toBe('privateKey');
    expect(error.message).toContain('literal \\n sequences instead of line breaks');
    expect(error.message).not.toContain(flattened.slice(40, 80));
    const certificate = configError({ ...good, certs: { [platform.serial]: platform.certificatePem.trim().replace(/\n/g, '\\n') } });
    expect(certificate.message).toContain('literal \\n sequences');
  });

  test('a certificate given as privateKey says which file belongs there', () => {
    const error = configError({ ...good, privateKey: merchant.certificatePem });
    expect(error.field).toBe('privateKey');
    expect(error.message).toContain('this is a certificate (apiclient_cert.pem, or a platform certificate), not the merchant private key: give apiclient_key.pem');
  });

  test('an APIv3 key with a trailing newline or spaces says to trim it, without quoting it', () => {
    const key = 'Abcdefghijklmnopqrstuvwxyz012345';
    for (const padded of [`${key}\n`, `${key} `, ` ${key}\r\n`]) {
      const error = configError({ ...good, apiv3Key: padded });
      expect(error.field).toBe('apiv3Key');
      expect(error.message).toContain('has whitespace around its 32 characters');
      expect(error.message).not.toContain(key);
    }
    expect(configError({ ...good, apiv3Key: 'short' }).message).toContain('expected 32 bytes');
  });
});

describe('unknown keys in plain JavaScript', () => {
  test.each([
    ['apiV3Key', 'apiv3Key'],
    ['privatekey', 'privateKey'],
    ['mchId', 'mchid'],
    ['certificate', 'certificates'],
    ['baseUrl', 'baseURL'],
    ['timout', 'timeout'],
  ])('%s is refused: did you mean %s?', (given, meant) => {
    const error = configError({ ...good, [given]: 'x' });
    expect(error.field).toBe(given);
    expect(error.message).toBe(`${given}: not a configuration key; did you mean ${meant}?`);
  });

  test('a key near nothing known is refused too; axios settings still pass through', () => {
    expect(configError({ ...good, somethingElse: 1 }).message).toContain('not a configuration key of new Wechatpay()');
    expect(() => new Wechatpay({ ...good, timeout: 1000, proxy: false, maxRedirects: 0, headers: { 'X-Shop': '1' } })).not.toThrow();
  });

  test('console.log(wxpay) shows no axios default (headers, auth, proxy), so no config value', () => {
    const wxpay = new Wechatpay({ ...good, auth: { username: 'u', password: 'SECRET-PASSWORD' }, headers: { 'X-Token': 'SECRET-TOKEN' }, apiv3Key: 'Abcdefghijklmnopqrstuvwxyz012345' });
    const printed = inspect(wxpay, { depth: 8 }) + JSON.stringify(wxpay);
    for (const secret of ['SECRET-PASSWORD', 'SECRET-TOKEN', 'Abcdefghijklmnopqrstuvwxyz012345', 'PRIVATE KEY']) expect(printed).not.toContain(secret);
    // Still there for interceptors.
    expect(wxpay.axios.defaults.headers['X-Token']).toBe('SECRET-TOKEN');
  });
});

test('a path the documentation does not have, answered 404, names the nearest documented template', async () => {
  const mock = await startMockServer();
  try {
    const wxpay = untyped(new Wechatpay(mock.clientConfig));
    const error = await wxpay.v3.pay.transaction.native.post({ json: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toContain('v3/pay/transaction/native is not a documented URI template; did you mean v3/pay/transactions/native?');
    const documented = await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no: 'NONE', query: { mchid: mock.merchant.mchid } }).catch((e: unknown) => e);
    expect((documented as ApiError).message).not.toContain('not a documented URI template');
  } finally {
    await mock.close();
  }
});
