// APIv3 and the shared cryptography against what others published: AEAD_AES_256_GCM and RSA-OAEP
// vectors, a signed notification, certificate-download answers, request and pay signatures made
// with published test keys. Through the public API only; vectors a client must refuse (a stale
// timestamp, a 16-byte key) are asserted refused, and their pinned-clock twins accepted.
import { createDecipheriv, createPrivateKey, createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { Hash } from 'wechatpay-axios-plugin';
import { CertificateError, ConfigError, DecryptionError, PayParams, VerificationError, Wechatpay, Webhooks, decryptAesGcmText, openCertificateList, rsaOaepDecrypt, rsaOaepEncrypt, untyped } from '../../src/index.js';
import { AUTH_SCHEME } from '../../src/index.js';
import { startRawServer } from '../helpers/raw-server.js';
import { expectSourced, pem, pinClock, vectors, type Source } from './vectors.js';

afterEach(() => jest.restoreAllMocks());

interface KeyEntry { file: string; source: Source; serial?: string; pairs?: string }
const { keys } = vectors<{ keys: KeyEntry[] }>('keys.json');
const keyFile = (name: string) => pem(`keys/${name}.pem`);

test('every key is sourced, and every certificate has the serial its source states', () => {
  for (const entry of keys) {
    expectSourced(entry.source);
    if (entry.serial && keyFile(entry.file.slice(5, -4)).includes('CERTIFICATE')) expect(new X509Certificate(pem(entry.file)).serialNumber).toBe(entry.serial);
  }
});

describe('AEAD_AES_256_GCM', () => {
  interface Aead { name: string; source: Source; key: string; nonce: string; associatedData: string; ciphertext: string; plaintext?: string; refused?: string; plaintextUnder16ByteKey?: string }
  const { vectors: aead } = vectors<{ vectors: Aead[] }>('aead.json');

  test.each(aead)('$name', (vector) => {
    expectSourced(vector.source);
    const open = () => decryptAesGcmText(vector.key, { ciphertext: vector.ciphertext, nonce: vector.nonce, associatedData: vector.associatedData });
    if (vector.refused) {
      expect(open).toThrow(DecryptionError);
      expect(open).toThrow(expect.objectContaining({ code: vector.refused }));
    } else {
      expect(open()).toBe(vector.plaintext);
    }
  });

  test('the 16-byte-key vector is genuine (AES-128-GCM opens it), and a client refuses such a key at construction', () => {
    const vector = aead.find((v) => v.plaintextUnder16ByteKey)!;
    const bytes = Buffer.from(vector.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-128-gcm', Buffer.from(vector.key), Buffer.from(vector.nonce));
    decipher.setAAD(Buffer.from(vector.associatedData));
    decipher.setAuthTag(bytes.subarray(-16));
    expect(Buffer.concat([decipher.update(bytes.subarray(0, -16)), decipher.final()]).toString()).toBe(vector.plaintextUnder16ByteKey);
    expect(() => new Wechatpay({ mchid: '1900000001', serial: '0A', privateKey: keyFile('java-merchant-private-key'), certs: {}, apiv3Key: vector.key })).toThrow(ConfigError);
  });
});

describe('RSA-OAEP', () => {
  interface Oaep { name: string; source: Source; privateKey: string; ciphertext: string; plaintext?: string; refused?: string }
  const { vectors: oaep } = vectors<{ vectors: Oaep[] }>('rsa-oaep.json');

  test.each(oaep)('$name', (vector) => {
    expectSourced(vector.source);
    const key = createPrivateKey(pem(vector.privateKey));
    if (vector.refused) {
      expect(() => rsaOaepDecrypt(vector.ciphertext, key)).toThrow(expect.objectContaining({ code: vector.refused }));
    } else {
      expect(rsaOaepDecrypt(vector.ciphertext, key)).toBe(vector.plaintext);
      // The client's own decrypt, configured with the published merchant key, opens it too.
      const wxpay = new Wechatpay({ mchid: '1234567891', serial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115', privateKey: pem(vector.privateKey), certs: { '440024045C4A427599D09BB4E3DE0279F2E813FD': keyFile('java-wechatpay-certificate') } });
      expect(wxpay.decrypt(vector.ciphertext)).toBe(vector.plaintext);
    }
  });

  test.each([
    ['java-wechatpay-public-key', 'java-wechatpay-private-key'],
    ['go-test-public-key', 'go-test-private-key'],
    ['gopay-pkcs1-public-key', 'gopay-pkcs1-private-key'],
  ])('sealed to the published %s, opened by its published private key', (publicName, privateName) => {
    const sealed = rsaOaepEncrypt('张三 13800138000', createPublicKey(keyFile(publicName)));
    expect(rsaOaepDecrypt(sealed, createPrivateKey(keyFile(privateName)))).toBe('张三 13800138000');
  });
});

describe('a signed APIv3 notification (wechatpay-go)', () => {
  interface V3Notification { name: string; source: Source; headers: Record<string, string>; body: string; certificate: string; apiv3Key: string; resource: Record<string, string> }
  const [vector] = vectors<{ vectors: V3Notification[] }>('notifications-v3.json').vectors;
  const serial = vector!.headers['Wechatpay-Serial']!;
  const platformKey = new X509Certificate(pem(vector!.certificate)).publicKey;
  const keysFor = () => new Map([[serial, { id: serial, key: platformKey }]]);
  const timestamp = Number(vector!.headers['Wechatpay-Timestamp']);

  test('sourced; at its own time, its signature verifies', async () => {
    expectSourced(vector!.source);
    pinClock(timestamp + 1);
    // The signature is good: what stops it is the key, 16 bytes where WeChat Pay's APIv3 keys have 32.
    await expect(new Webhooks({ keys: keysFor(), apiv3Key: vector!.apiv3Key }).parse({ headers: vector!.headers, body: vector!.body })).rejects.toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
    await expect(new Webhooks({ keys: keysFor(), apiv3Key: 'k'.repeat(32) }).parse({ headers: vector!.headers, body: vector!.body })).rejects.toThrow(expect.objectContaining({ code: 'AUTHENTICATION_FAILED' }));
  });

  test('now, years later, it is refused as stale before anything else', async () => {
    await expect(new Webhooks({ keys: keysFor(), apiv3Key: 'k'.repeat(32) }).parse({ headers: vector!.headers, body: vector!.body })).rejects.toThrow(expect.objectContaining({ code: 'TIMESTAMP_SKEW' }));
  });

  test('one byte changed, or another certificate, and it is refused at its own time too', async () => {
    pinClock(timestamp);
    await expect(new Webhooks({ keys: keysFor(), apiv3Key: 'k'.repeat(32) }).parse({ headers: vector!.headers, body: vector!.body.replace('签约成功', '签约失败') })).rejects.toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
    const other = new Map([[serial, { id: serial, key: createPublicKey(keyFile('java-wechatpay-public-key')) }]]);
    await expect(new Webhooks({ keys: other, apiv3Key: 'k'.repeat(32) }).parse({ headers: vector!.headers, body: vector!.body })).rejects.toThrow(VerificationError);
  });

  test('the same bytes as an answer: verified by a client at its own time, refused now', async () => {
    const origin = await startRawServer(() => ({ headers: vector!.headers, body: vector!.body }));
    try {
      const wxpay = untyped(new Wechatpay({ mchid: '1234567890', serial: 'BE6DCDA7A5931FA0', privateKey: keyFile('go-mock-merchant-private-key'), certs: { [serial]: pem(vector!.certificate) }, baseURL: origin.url }));
      await expect(wxpay.v3.payscore.permissions._authorization_code_.get({ authorization_code: 'A1', query: { service_id: 'S1' } })).rejects.toThrow(expect.objectContaining({ code: 'TIMESTAMP_SKEW' }));
      pinClock(timestamp);
      const response = await wxpay.v3.payscore.permissions._authorization_code_.get({ authorization_code: 'A1', query: { service_id: 'S1' } });
      expect(response.verified).toBe(true);
      expect(response.data).toMatchObject({ id: '3119dfba-e649-5eec-ab1e-3412bc4d2e17', event_type: 'PAYSCORE.USER_OPEN_SERVICE' });
    } finally {
      await origin.close();
    }
  });
});

describe('certificate-download answers', () => {
  interface Download { name: string; source: Source; apiv3Key: string; body: string; serials?: string[]; validFrom?: string; validTo?: string; refused?: string }
  const { vectors: downloads } = vectors<{ vectors: Download[] }>('certificates.json');
  const wechatpaySerial = '440024045C4A427599D09BB4E3DE0279F2E813FD';
  const wechatpayKey = createPrivateKey(keyFile('java-wechatpay-private-key'));

  test.each(downloads)('$name', (vector) => {
    expectSourced(vector.source);
    const now = Date.parse('2024-06-01T00:00:00Z');
    if (vector.refused === 'CONFIG_ERROR') {
      expect(() => new Wechatpay({ mchid: '1234567890', serial: 'BE6DCDA7A5931FA0', privateKey: keyFile('go-mock-merchant-private-key'), certs: {}, apiv3Key: vector.apiv3Key })).toThrow(ConfigError);
      return;
    }
    const open = () => openCertificateList(JSON.parse(vector.body), { apiv3Key: Buffer.from(vector.apiv3Key), now });
    if (vector.refused) {
      expect(open).toThrow(CertificateError);
      expect(open).toThrow(expect.objectContaining({ code: vector.refused }));
      return;
    }
    const { accepted, rejected } = open();
    expect(rejected).toEqual([]);
    expect(accepted.map((key) => key.id)).toEqual(vector.serials);
    expect(new Date(accepted[0]!.certificate!.validFrom).toISOString()).toBe(vector.validFrom);
    expect(new Date(accepted[0]!.certificate!.validTo).toISOString()).toBe(vector.validTo);
  });

  test('the wechatpay-java answer, downloaded by a client: the request signed with the published merchant key, the certificate it delivers trusted', async () => {
    const vector = downloads[0]!;
    pinClock(Date.parse('2024-06-01T00:00:00Z') / 1000);
    const merchant = new X509Certificate(keyFile('java-merchant-certificate')).publicKey;
    const seen: boolean[] = [];
    const origin = await startRawServer((request) => {
      seen.push(authorized(request, merchant, '5F1C72E2A8931B72A2E13AF8DEE92471EB397115'));
      return { headers: answerHeaders(vector.body, wechatpayKey, wechatpaySerial), body: vector.body };
    });
    try {
      const wxpay = new Wechatpay({ mchid: '1234567891', serial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115', privateKey: keyFile('java-merchant-private-key'), certs: { [wechatpaySerial]: keyFile('java-wechatpay-certificate') }, apiv3Key: vector.apiv3Key, certificates: { refreshInterval: 0 }, baseURL: origin.url });
      await wxpay.certificates!.refresh();
      expect(wxpay.keyring.ids()).toEqual(expect.arrayContaining(vector.serials!));
      expect(seen).toEqual([true]);
      wxpay.certificates!.stop();
    } finally {
      await origin.close();
    }
  });
});

describe('request signatures made with published test keys', () => {
  const merchants = [
    { key: 'java-merchant-private-key', serial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115', verifyWith: () => new X509Certificate(keyFile('java-merchant-certificate')).publicKey },
    { key: 'go-test-private-key', serial: 'D7CE59D1F522D701', verifyWith: () => new X509Certificate(keyFile('go-test-certificate')).publicKey },
    { key: 'go-mock-merchant-private-key', serial: 'BE6DCDA7A5931FA0', verifyWith: () => createPublicKey(keyFile('go-mock-merchant-private-key')) },
    { key: 'gopay-pkcs1-private-key', serial: '1A2B', verifyWith: () => createPublicKey(keyFile('gopay-pkcs1-public-key')) },
    { key: 'axios-apiclient-key', serial: '898DBAD30F416EC7', verifyWith: () => new X509Certificate(keyFile('axios-apiclient-cert')).publicKey },
  ];
  const wechatpaySerial = '440024045C4A427599D09BB4E3DE0279F2E813FD';

  test.each(merchants)('$key: WeChat Pay (here, its published public half) accepts what the client signs', async ({ key, serial, verifyWith }) => {
    pinClock(Date.parse('2024-06-01T00:00:00Z') / 1000);
    const publicKey = verifyWith();
    const verdicts: boolean[] = [];
    const origin = await startRawServer((request) => {
      verdicts.push(authorized(request, publicKey, serial));
      const body = JSON.stringify({ stock_id: 'S1' });
      return { headers: answerHeaders(body, createPrivateKey(keyFile('java-wechatpay-private-key')), wechatpaySerial), body };
    });
    try {
      const wxpay = untyped(new Wechatpay({ mchid: '1900000109', serial, privateKey: keyFile(key), certs: { [wechatpaySerial]: keyFile('java-wechatpay-certificate') }, baseURL: origin.url }));
      await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: { stock_creator_mchid: '1900000109', note: '中文 & ?=/' } });
      await wxpay.v3.marketing.favor.stocks.get({ query: { offset: 0, limit: 10, stock_creator_mchid: '1900000109' } });
      expect(verdicts).toEqual([true, true]);
    } finally {
      await origin.close();
    }
  });
});

describe('pay signatures', () => {
  interface PaySign { name: string; source: Source; builder: 'jsapi' | 'app' | 'v2.jsapi' | 'v2.app'; input: Record<string, string>; package: string; message?: string; apiv2Key?: string }
  const { vectors: paySigns } = vectors<{ vectors: PaySign[] }>('pay-sign.json');
  const signers = ['java-merchant-private-key', 'go-test-private-key', 'gopay-pkcs1-private-key'];

  test.each(paySigns.filter((v) => !v.builder.startsWith('v2')))('$name: the signature is over the documented text, under every published key', (vector) => {
    expectSourced(vector.source);
    for (const name of signers) {
      const privateKey = createPrivateKey(keyFile(name));
      const params = new PayParams({ mchid: '1900000109', privateKey });
      const built = (vector.builder === 'app' ? params.app(vector.input as never) : params.jsapi(vector.input as never)) as unknown as Record<string, string>;
      expect(built.package).toBe(vector.package);
      const signature = built.paySign ?? built.sign!;
      expect(verify('sha256', Buffer.from(vector.message!), createPublicKey(privateKey), Buffer.from(signature, 'base64'))).toBe(true);
    }
  });

  test.each(paySigns.filter((v) => v.builder.startsWith('v2')))('$name: the sign is the one the peer SDK computes over the same fields', (vector) => {
    expectSourced(vector.source);
    const params = new PayParams({ mchid: '1900000109', apiv2Key: vector.apiv2Key });
    const built = (vector.builder === 'v2.app' ? params.v2.app(vector.input as never) : params.v2.jsapi(vector.input as never)) as unknown as Record<string, string>;
    const { paySign, sign, ...fields } = built;
    expect(fields.package).toBe(vector.package);
    const algorithm = fields.signType === 'HMAC-SHA256' ? Hash.ALGO_HMAC_SHA256 : Hash.ALGO_MD5;
    expect(paySign ?? sign).toBe(Hash.sign(algorithm, fields, vector.apiv2Key!));
  });
});

// The server's side of WECHATPAY2-SHA256-RSA2048: the signature over METHOD\nPATH\nTIME\nNONCE\nBODY\n.
function authorized(request: { method: string; url: string; headers: Record<string, unknown>; body: Buffer }, publicKey: KeyObject, serial: string): boolean {
  const header = String(request.headers.authorization);
  const fields = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const message = `${request.method}\n${request.url}\n${fields.timestamp}\n${fields.nonce_str}\n${request.body.toString()}\n`;
  return header.startsWith(`${AUTH_SCHEME} `) && fields.serial_no === serial && verify('sha256', Buffer.from(message), publicKey, Buffer.from(fields.signature!, 'base64'));
}

function answerHeaders(body: string, privateKey: KeyObject, serial: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
  const { sign } = require('node:crypto') as typeof import('node:crypto');
  const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), privateKey).toString('base64');
  return { 'Content-Type': 'application/json', 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Nonce': nonce, 'Wechatpay-Signature': signature, 'Wechatpay-Serial': serial };
}
