// Configuration problems surface at construction, as a ConfigError naming the field.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Wechatpay, type WechatpayConfig } from '../../src/index.js';
import { makeIdentities } from '../helpers/keys.js';
import { configError } from '../helpers/config-error.js';

const { merchant, platform, wechatpayPublicKey } = makeIdentities();
const good: WechatpayConfig = {
  mchid: '1900000001',
  serial: merchant.serial,
  privateKey: merchant.privateKeyPem,
  certs: { [platform.serial]: platform.certificatePem },
};


test('a good configuration builds a client; keys may be PEM, Buffer, KeyObject or file:// URL', () => {
  expect(() => new Wechatpay(good)).not.toThrow();
  expect(() => new Wechatpay({ ...good, privateKey: Buffer.from(merchant.privateKeyPem) })).not.toThrow();
  expect(() => new Wechatpay({ ...good, privateKey: merchant.privateKey })).not.toThrow();
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-'));
  const file = join(dir, 'apiclient_key.pem');
  writeFileSync(file, merchant.privateKeyPem);
  expect(() => new Wechatpay({ ...good, privateKey: pathToFileURL(file).href })).not.toThrow();
  expect(() => new Wechatpay({ ...good, certs: { [wechatpayPublicKey.id]: wechatpayPublicKey.publicKeyPem } })).not.toThrow();
  expect(() => new Wechatpay({ ...good, certs: { [wechatpayPublicKey.id]: wechatpayPublicKey.publicKey } })).not.toThrow();
});

test.each([
  ['mchid', { mchid: undefined }],
  ['mchid', { mchid: 'merchant' }],
  ['serial', { serial: undefined }],
  ['serial', { serial: 'not hex!' }],
  ['privateKey', { privateKey: 'not a key' }],
  ['privateKey', { privateKey: undefined }],
  ['privateKey', { privateKey: 'file:///nonexistent/apiclient_key.pem' }],
  ['certs', { certs: {} }],
  ['certs', { certs: undefined }],
  ['baseURL', { baseURL: 'api.mch.weixin.qq.com' }],
])('%s: %p', (field, change) => {
  const error = configError({ ...good, ...change });
  expect(error.field).toBe(field);
});

test("a certs entry holding the merchant's own serial, a broken certificate, a private key in certs", () => {
  expect(configError({ ...good, certs: { [merchant.serial]: merchant.certificatePem } }).field).toBe(`certs["${merchant.serial}"]`);
  expect(configError({ ...good, certs: { [merchant.serial.toLowerCase()]: platform.certificatePem } }).message).toContain("merchant's own serial");
  expect(configError({ ...good, certs: { X: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' } }).field).toBe('certs["X"]');
  expect(configError({ ...good, certs: { X: platform.privateKeyPem } }).message).toContain('must be public');
});

test('a non-RSA key is refused with the reason', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  expect(configError({ ...good, privateKey }).message).toContain('RSA');
});

test('the error message never quotes the key material it was given', () => {
  const broken = merchant.privateKeyPem.replace(/[A-Za-z]{8}/, '########');
  const error = configError({ ...good, privateKey: broken });
  const body = broken.split('\n')[1]!;
  expect(error.message).not.toContain(body);
  expect(JSON.stringify(error)).not.toContain(body);
});
