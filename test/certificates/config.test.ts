// The configuration this issue adds: apiv3Key, certificates.*, and apiclient_cert.p12.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';
import { Wechatpay, loadPkcs12, untyped, type WechatpayConfig } from '../../src/index.js';
import { makeKeys, startMock, APIV3_KEY } from './helpers.js';
import { configError } from '../helpers/config-error.js';

const keys = makeKeys();
const good: WechatpayConfig = { mchid: '1900000001', serial: keys.merchant.serial, privateKey: keys.merchant.privateKeyPem, certs: {}, apiv3Key: APIV3_KEY };


function p12(passphrase: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(keys.merchant.privateKeyPem),
    [forge.pki.certificateFromPem(keys.merchant.certificatePem)],
    passphrase,
    { algorithm: '3des', friendlyName: 'Tenpay Certificate' },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

test('apiv3Key lets certs be empty; a 32-byte Buffer works too; the schedule can be turned off', () => {
  const wxpay = untyped(new Wechatpay({ ...good, certificates: { refreshInterval: 0 } }));
  expect(wxpay.certificates).toBeDefined();
  expect(untyped(new Wechatpay({ ...good, apiv3Key: Buffer.alloc(32, 7) })).certificates).toBeDefined();
  expect(untyped(new Wechatpay({ ...good, certs: { [keys.platform.serial]: keys.platform.certificatePem }, apiv3Key: undefined })).certificates).toBeUndefined();
  wxpay.certificates!.stop();
});

test.each([
  ['apiv3Key', { apiv3Key: 'too short' }],
  ['apiv3Key', { apiv3Key: 32 }],
  ['certs', { apiv3Key: undefined }],
  ['certificates', { apiv3Key: undefined, certs: { [keys.platform.serial]: keys.platform.certificatePem }, certificates: {} }],
  ['certificates.refreshInterval', { certificates: { refreshInterval: -1 } }],
  ['certificates.refreshInterval', { certificates: { refreshInterval: '3h' } }],
  ['certificates.minInterval', { certificates: { minInterval: Infinity } }],
  ['certificates.store', { certificates: { store: {} } }],
  ['certificates.onError', { certificates: { onError: 'log' } }],
  ['certificates.ca', { certificates: { ca: 'not a certificate' } }],
])('%s: %p', (field, change) => {
  const error = configError({ ...good, ...change });
  expect(error.field).toBe(field);
  expect(error.message).not.toContain(APIV3_KEY);
});

test('apiclient_cert.p12: the private key and serial come from the bundle (passphrase: the merchant id), and calls are accepted', async () => {
  const mock = await startMock(keys);
  try {
    mock.route('GET', 'v3/hello', () => ({ json: { hello: true } }));
    const { privateKey, serial, ...rest } = mock.clientConfig;
    const wxpay = untyped(new Wechatpay({ ...rest, pkcs12: p12('1900000001') }));
    expect((await wxpay.v3.hello.get()).data).toEqual({ hello: true });
    const directory = mkdtempSync(join(tmpdir(), 'wxpay-p12-'));
    const file = join(directory, 'apiclient_cert.p12');
    writeFileSync(file, p12('changed'));
    const fromFile = untyped(new Wechatpay({ ...rest, pkcs12: pathToFileURL(file).href, pkcs12Passphrase: 'changed', serial }));
    expect((await fromFile.v3.hello.get()).verified).toBe(true);
    const loaded = loadPkcs12(pathToFileURL(file).href, 'changed');
    expect(loaded.serial).toBe(keys.merchant.serial);
    expect(loaded.privateKey.asymmetricKeyType).toBe('rsa');
    void privateKey;
  } finally {
    await mock.close();
  }
});

test('apiclient_cert.p12 problems are ConfigErrors naming the field', () => {
  const { privateKey: _key, serial: _serial, ...rest } = good;
  expect(configError({ ...rest, pkcs12: p12('wrong') }).field).toBe('pkcs12');
  expect(configError({ ...rest, pkcs12: p12('wrong') }).message).toContain('passphrase');
  expect(configError({ ...rest, pkcs12: Buffer.from('not der') }).field).toBe('pkcs12');
  expect(configError({ ...rest, pkcs12: 'apiclient_cert.p12' }).field).toBe('pkcs12');
  expect(configError({ ...rest, pkcs12: 'file:///nonexistent/apiclient_cert.p12' }).field).toBe('pkcs12');
  expect(configError({ ...rest, pkcs12: p12('1900000001'), serial: 'ABCDEF' }).field).toBe('serial');
  expect(configError({ ...good, pkcs12: p12('1900000001') }).field).toBe('privateKey');
});
