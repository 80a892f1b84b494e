// The doctor from the configuration alone: each of the common key mix-ups made on purpose, with
// real keys made here, gets its finding naming the key by role and id, and the command exits 1;
// a healthy configuration exits 0. Nothing printed holds a secret.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';
import { run } from '../../src/cli/doctor.js';
import { DOCTOR_CODES, formatReport } from '../../src/doctor/index.js';
import { proxyFor } from '../../src/doctor/offline.js';
import { doctor, type DoctorReport, type WechatpayConfig } from '../../src/index.js';
import { certifiedKey, rsaKeyPair } from '../../src/mock/identity.js';
import { makeIdentities } from '../helpers/keys.js';

const { merchant, platform, wechatpayPublicKey } = makeIdentities();
const stranger = certifiedKey({ commonName: 'someone else' });
const apiv3Key = 'A3b4C5d6E7f8G9h0J1k2L3m4N5p6Q7r8';
const apiv2Key = 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4';
const dir = mkdtempSync(join(tmpdir(), 'wxpay-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const healthy: WechatpayConfig = {
  mchid: '1900000001',
  serial: merchant.serial,
  privateKey: merchant.privateKeyPem,
  merchantCertificate: merchant.certificatePem,
  certs: { [platform.serial]: platform.certificatePem, [wechatpayPublicKey.id]: wechatpayPublicKey.publicKeyPem },
  apiv3Key,
  apiv2Key,
};

/** The report for a configuration, and what `wxpay-chain doctor --config <it> --json` exits with and prints. */
async function both(config: unknown, env: NodeJS.ProcessEnv = {}): Promise<{ report: DoctorReport; exit: number; printed: DoctorReport }> {
  const report = await doctor(config as WechatpayConfig, { env });
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const out: string[] = [];
  const exit = await run(['--config', file, '--json'], { out: (t) => out.push(t), err: (t) => out.push(t), env });
  return { report, exit, printed: JSON.parse(out.join('')) as DoctorReport };
}

function secretsIn(text: string): string[] {
  const lines = [merchant.privateKeyPem, stranger.privateKeyPem].flatMap((pem) => pem.split('\n').filter((line) => line && !line.startsWith('-----')).slice(0, 3));
  return [...lines, apiv3Key, apiv2Key].filter((secret) => text.includes(secret));
}

test('a healthy configuration: nothing wrong, exit 0, keys listed by role, id and fingerprint only', async () => {
  const { report, exit, printed } = await both(healthy);
  expect(report.ok).toBe(true);
  expect(report.summary).toBe('nothing wrong');
  expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  expect(exit).toBe(0);
  expect(printed.ok).toBe(true);
  expect(report.keys.map((k) => [k.role, k.id])).toEqual([
    ['merchant private key', merchant.serial],
    ['merchant API certificate', merchant.serial],
    ['platform certificate', platform.serial],
    ['WeChat Pay public key', wechatpayPublicKey.id],
    ['APIv3 key', '1900000001'],
    ['APIv2 key', '1900000001'],
  ]);
  // The private key and its certificate show the same fingerprint: that is how a pair is recognised.
  expect(report.keys[0]!.fingerprint).toMatch(/^sha256:[0-9a-f]{16}$/);
  expect(report.keys[0]!.fingerprint).toBe(report.keys[1]!.fingerprint);
  expect(secretsIn(JSON.stringify(report) + formatReport(report))).toEqual([]);
});

test('an APIv2-only configuration (mchid + apiv2Key, the merchant pair only for mutual TLS) is healthy: no APIv3 material asked for, online check skipped', async () => {
  for (const config of [
    { mchid: '1900000001', apiv2Key },
    { mchid: '1900000001', apiv2Key, privateKey: merchant.privateKeyPem, merchantCertificate: merchant.certificatePem },
  ]) {
    const { report, exit } = await both(config);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.findings.map((f) => f.code)).toContain('APIV2_ONLY');
    expect(report.findings.map((f) => f.code)).not.toEqual(expect.arrayContaining(['PRIVATE_KEY_MISSING']));
    expect(exit).toBe(0);
  }
  const online = await doctor({ mchid: '1900000001', apiv2Key }, { env: {}, online: true });
  expect(online.findings.find((f) => f.check === 'online')).toMatchObject({ code: 'ONLINE_SKIPPED', severity: 'info' });
  expect(online.ok).toBe(true);
  // An APIv2 key of the wrong form is still found on such a client.
  expect((await doctor({ mchid: '1900000001', apiv2Key: 'short' }, { env: {} })).findings.map((f) => f.code)).toContain('APIV2_KEY_FORM');
});

const encryptedPkcs8 = merchant.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
const encryptedPkcs1 = merchant.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
const expired = certifiedKey({ commonName: 'Tenpay.com Root CA', notBefore: new Date(Date.now() - 400 * 86400_000), notAfter: new Date(Date.now() - 86400_000) });
const expiring = certifiedKey({ commonName: 'Tenpay.com Root CA', notAfter: new Date(Date.now() + 10 * 86400_000) });
const namedForMerchant = certifiedKey({ commonName: '1900000001' });
const other = rsaKeyPair();

function p12(): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(stranger.privateKeyPem), [forge.pki.certificateFromPem(stranger.certificatePem)], '1900000001', { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
const p12File = join(dir, 'apiclient_cert.p12');
writeFileSync(p12File, p12());

// [the mistake, the configuration, the code, what its message must name, the severity]
const mistakes: [string, () => unknown, string, string[], string?][] = [
  ['an encrypted PKCS#8 private key', () => ({ ...healthy, privateKey: encryptedPkcs8 }), 'PRIVATE_KEY_ENCRYPTED', ['encrypted PKCS#8 PEM', '1900000001']],
  ['an encrypted PKCS#1 private key', () => ({ ...healthy, privateKey: encryptedPkcs1 }), 'PRIVATE_KEY_ENCRYPTED', ['encrypted PKCS#1 RSA PEM']],
  ['a private key file that is not there', () => ({ ...healthy, privateKey: pathToFileURL(join(dir, 'nope.pem')).href }), 'PRIVATE_KEY_UNREADABLE', ['ENOENT']],
  ['a private key without its PEM lines', () => ({ ...healthy, privateKey: merchant.privateKeyPem.replace(/-----[A-Z ]+-----/g, '') }), 'PRIVATE_KEY_UNREADABLE', ['base64 without']],
  ['apiclient_cert.pem given as the private key', () => ({ ...healthy, privateKey: merchant.certificatePem }), 'PRIVATE_KEY_WRONG_KIND', [`certificate (serial ${merchant.serial})`]],
  ['the WeChat Pay public key given as the private key', () => ({ ...healthy, privateKey: wechatpayPublicKey.publicKeyPem }), 'PRIVATE_KEY_WRONG_KIND', ['public key']],
  ['no private key', () => ({ ...healthy, privateKey: undefined }), 'PRIVATE_KEY_MISSING', ['1900000001']],
  ['a merchant certificate whose serial is not serial', () => ({ ...healthy, merchantCertificate: stranger.certificatePem }), 'MERCHANT_CERT_SERIAL_MISMATCH', [stranger.serial, merchant.serial]],
  ['a merchant certificate whose key is not privateKey', () => ({ ...healthy, serial: stranger.serial, merchantCertificate: stranger.certificatePem }), 'MERCHANT_CERT_KEY_MISMATCH', [stranger.serial]],
  ['a PKCS#12 bundle whose serial is not serial', () => ({ ...healthy, privateKey: undefined, merchantCertificate: undefined, pkcs12: pathToFileURL(p12File).href }), 'MERCHANT_CERT_SERIAL_MISMATCH', [stranger.serial, merchant.serial]],
  ['a PKCS#12 bundle with the wrong passphrase', () => ({ ...healthy, privateKey: undefined, merchantCertificate: undefined, pkcs12: pathToFileURL(p12File).href, pkcs12Passphrase: 'wrong' }), 'PKCS12_UNREADABLE', ['wrong passphrase']],
  ['the platform serial given as serial', () => ({ ...healthy, merchantCertificate: undefined, serial: platform.serial }), 'SERIAL_IS_PLATFORM', [platform.serial]],
  ['a PUB_KEY_ID_ given as serial', () => ({ ...healthy, merchantCertificate: undefined, serial: wechatpayPublicKey.id }), 'SERIAL_IS_PUBLIC_KEY_ID', [wechatpayPublicKey.id]],
  ['apiclient_cert.pem passed as a platform certificate', () => ({ ...healthy, certs: { [merchant.serial]: merchant.certificatePem } }), 'PLATFORM_CERT_IS_MERCHANT', [merchant.serial, "merchant's own"]],
  ['a platform certificate whose subject names the merchant', () => ({ ...healthy, certs: { [namedForMerchant.serial]: namedForMerchant.certificatePem } }), 'PLATFORM_CERT_IS_MERCHANT', [namedForMerchant.serial, 'CN=1900000001']],
  ['an expired platform certificate', () => ({ ...healthy, apiv3Key: undefined, certs: { [expired.serial]: expired.certificatePem } }), 'PLATFORM_CERT_EXPIRED', [expired.serial]],
  ['a platform certificate expiring in 10 days', () => ({ ...healthy, apiv3Key: undefined, certs: { [expiring.serial]: expiring.certificatePem } }), 'PLATFORM_CERT_EXPIRING', [expiring.serial, 'in 10 days'], 'warning'],
  ['a certificate under a PUB_KEY_ID_', () => ({ ...healthy, certs: { [wechatpayPublicKey.id]: platform.certificatePem } }), 'PUBLIC_KEY_ID_NOT_PUBLIC_KEY', [wechatpayPublicKey.id, platform.serial]],
  ['a private key under a PUB_KEY_ID_', () => ({ ...healthy, certs: { [wechatpayPublicKey.id]: merchant.privateKeyPem } }), 'PLATFORM_KEY_IS_PRIVATE', [wechatpayPublicKey.id, "merchant's own private key"]],
  ['a public key under a certificate serial', () => ({ ...healthy, certs: { [platform.serial]: wechatpayPublicKey.publicKeyPem } }), 'PUBLIC_KEY_UNDER_SERIAL', [platform.serial]],
  ["the merchant's own public key as the WeChat Pay public key", () => ({ ...healthy, certs: { [wechatpayPublicKey.id]: merchant.publicKeyPem } }), 'PUBLIC_KEY_IS_MERCHANT', [wechatpayPublicKey.id]],
  ['a certificate under another serial', () => ({ ...healthy, certs: { ABCDEF: platform.certificatePem } }), 'PLATFORM_CERT_SERIAL_MISMATCH', ['ABCDEF', platform.serial]],
  ['no key to verify with, nothing to download with', () => ({ ...healthy, apiv3Key: undefined, certs: {} }), 'NO_VERIFICATION_KEY', ['1900000001']],
  ['an APIv3 key of 31 characters', () => ({ ...healthy, apiv3Key: apiv3Key.slice(1) }), 'APIV3_KEY_LENGTH', ['31 bytes', '1900000001']],
  ['an APIv3 key read from a file with its newline', () => ({ ...healthy, apiv3Key: `${apiv3Key}\n` }), 'APIV3_KEY_WHITESPACE', ['at an end', 'right 32 characters']],
  ['the APIv2 key given as the APIv3 key too', () => ({ ...healthy, apiv3Key: apiv2Key }), 'APIV3_KEY_IS_APIV2_KEY', ['1900000001']],
  ['an APIv2 key of the wrong form', () => ({ ...healthy, apiv2Key: 'short key' }), 'APIV2_KEY_FORM', ['whitespace']],
  ['a merchant id that is not digits', () => ({ ...healthy, mchid: 'shop-1' }), 'CONFIG_INVALID', ['mchid']],
];

test.each(mistakes)('%s: its finding names the key, and the command exits 1', async (_name, make, code, named, severity = 'error') => {
  const { report, exit, printed } = await both(make());
  const finding = report.findings.find((f) => f.code === code);
  expect(finding).toBeDefined();
  expect(finding!.severity).toBe(severity);
  for (const text of named) expect(finding!.message).toContain(text);
  expect(finding!.fix.length).toBeGreaterThan(10);
  expect(report.ok).toBe(false);
  expect(exit).toBe(1);
  expect(printed.findings.map((f) => f.code)).toContain(code);
  expect(secretsIn(JSON.stringify(report) + formatReport(report))).toEqual([]);
});

test('the findings carry the key by role and id', async () => {
  const { report } = await both({ ...healthy, serial: platform.serial, merchantCertificate: undefined });
  expect(report.findings.find((f) => f.code === 'SERIAL_IS_PLATFORM')).toMatchObject({ key: { role: 'platform certificate', id: platform.serial }, field: 'serial', check: 'config' });
  const v3 = (await both({ ...healthy, apiv3Key: apiv3Key.slice(2) })).report.findings.find((f) => f.code === 'APIV3_KEY_LENGTH');
  expect(v3).toMatchObject({ key: { role: 'APIv3 key', id: '1900000001' }, field: 'apiv3Key' });
});

test('with apiv3Key, an expiring platform certificate is only noted: the client downloads its successor', async () => {
  const { report, exit } = await both({ ...healthy, certs: { [expiring.serial]: expiring.certificatePem } });
  expect(report.findings.find((f) => f.code === 'PLATFORM_CERT_EXPIRING')?.severity).toBe('info');
  expect(exit).toBe(0);
});

describe('a proxy in the environment', () => {
  const env = { HTTPS_PROXY: 'http://user:hunter2@proxy.corp:3128' };

  test('named (without its password), with whether the client will use it; only noted', async () => {
    const { report, exit } = await both(healthy, env);
    const finding = report.findings.find((f) => f.code === 'PROXY')!;
    expect(finding.severity).toBe('info');
    expect(finding.message).toContain('go through the proxy http://***@proxy.corp:3128');
    expect(JSON.stringify(report)).not.toContain('hunter2');
    expect(exit).toBe(0);
    const bypassed = (await both(healthy, { ...env, NO_PROXY: '.weixin.qq.com' })).report.findings.find((f) => f.code === 'PROXY')!;
    expect(bypassed.message).toMatch(/is set, but not used for https:\/\/api\.mch\.weixin\.qq\.com\//);
    const off = (await both({ ...healthy, proxy: false }, env)).report.findings.find((f) => f.code === 'PROXY')!;
    expect(off.message).toContain('proxy: false: calls go directly');
  });

  test("the proxy axios would take, by its rules", () => {
    expect(proxyFor('https://api.mch.weixin.qq.com/', { https_proxy: 'proxy:8080' })).toBe('https://proxy:8080');
    expect(proxyFor('http://127.0.0.1:1/', { HTTPS_PROXY: 'http://p:1' })).toBeUndefined();
    expect(proxyFor('http://127.0.0.1:1/', { ALL_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1:1' })).toBeUndefined();
    expect(proxyFor('http://127.0.0.1:1/', { ALL_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1:2' })).toBe('http://p:1');
    expect(proxyFor('https://api.mch.weixin.qq.com/', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
  });
});

test('a configuration with several mistakes gets each of them, and the configuration error is not repeated', async () => {
  const { report } = await both({ ...healthy, serial: platform.serial, merchantCertificate: undefined, apiv3Key: `${apiv3Key} ` });
  const codes = report.findings.map((f) => f.code);
  expect(codes).toEqual(expect.arrayContaining(['SERIAL_IS_PLATFORM', 'APIV3_KEY_WHITESPACE']));
  // The client refuses this configuration (certs holds the serial): SERIAL_IS_PLATFORM already says why.
  expect(codes).not.toContain('CONFIG_INVALID');
  expect(report.summary).toBe('2 errors');
});

test('a config file: relative file: URLs are read from its folder', async () => {
  const folder = mkdtempSync(join(dir, 'keys-'));
  writeFileSync(join(folder, 'apiclient_key.pem'), merchant.privateKeyPem);
  writeFileSync(join(folder, 'pub_key.pem'), wechatpayPublicKey.publicKeyPem);
  writeFileSync(join(folder, 'apiclient_cert.pem'), merchant.certificatePem);
  const file = join(folder, 'client.json');
  writeFileSync(file, JSON.stringify({ mchid: '1900000001', serial: merchant.serial, privateKey: 'file:apiclient_key.pem', merchantCertificate: 'file:./apiclient_cert.pem', certs: { [wechatpayPublicKey.id]: 'file:pub_key.pem' }, apiv3Key }));
  const out: string[] = [];
  expect(await run(['--config', file], { out: (t) => out.push(t), err: (t) => out.push(t), env: {} })).toBe(0);
  expect(out.join('')).toMatch(/^wxpay-chain doctor: mchid 1900000001, merchant API certificate [0-9A-F]+/);
  expect(out.join('')).toContain(`WeChat Pay public key ${wechatpayPublicKey.id} (sha256:`);
  expect(out.join('')).toMatch(/OK: nothing wrong\n$/);
});

test('usage errors exit 2: a config file that is missing or not JSON, an unknown flag, a stray argument', async () => {
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, 'mchid=1');
  for (const argv of [['--config', join(dir, 'missing.json')], ['--config', notJson], ['--bogus'], ['extra'], ['--config', notJson, '--notification', join(dir, 'missing.txt')]]) {
    const err: string[] = [];
    expect(await run(argv, { out: () => undefined, err: (t) => err.push(t), env: {} })).toBe(2);
    expect(err.join('')).toMatch(/^wxpay-chain doctor: /);
  }
  const err: string[] = [];
  expect(await run([], { out: () => undefined, err: (t) => err.push(t), env: {} })).toBe(2);
  expect(err.join('')).toContain('no credentials');
});

test('docs/doctor.md explains every finding', () => {
  const text = readFileSync(join(__dirname, '../../docs/doctor.md'), 'utf8');
  const missing = Object.keys(DOCTOR_CODES).filter((code) => !new RegExp(`\`${code}\``).test(text));
  expect(missing).toEqual([]);
});
