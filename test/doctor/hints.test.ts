// The one-line diagnoses the errors carry and the doctor reports, held against WeChat Pay's own
// SIGN_ERROR answers as others published them (fixtures/sign-errors.json, with their sources), and
// each error class's hint: made from what the error knows, and never holding a secret.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateError } from '../../src/certificates/errors.js';
import { DecryptionError } from '../../src/crypto/errors.js';
import { diagnoseSignError, signedRequest, signInformation } from '../../src/hints.js';
import { ApiError, ConfigError, VerificationError, Wechatpay, WebhookError } from '../../src/index.js';
import { checkAuthorization, nonceLedger } from '../../src/mock/authorization.js';
import { makeIdentities } from '../helpers/keys.js';

interface Published {
  source: string;
  answer: { code: string; message: string; detail: unknown };
  signed: { method: string; url: string; timestamp: string; nonce: string; body?: string; bodyStart?: string; bodyLength?: number };
}

const published = (JSON.parse(readFileSync(join(__dirname, 'fixtures', 'sign-errors.json'), 'utf8')) as { answers: Published[] }).answers;

function signedAs(given: Published['signed'], change: Partial<Published['signed']> = {}) {
  const s = { ...given, ...change };
  const body = s.body ?? (s.bodyStart ?? '').padEnd(s.bodyLength ?? 0, 'x');
  return signedRequest(s.method, s.url, s.timestamp, s.nonce, body, '5E3F00AB', '1900000001');
}

describe.each(published.map((p) => [p.source.slice(0, 60), p] as const))("WeChat Pay's answer: %s…", (_source, p) => {
  test('read in either shape; the message length is computed as WeChat Pay computes it', () => {
    const info = signInformation(p.answer.detail)!;
    expect(info.method).toBe(p.signed.method);
    expect(signedAs(p.signed).length).toBe(info.sign_message_length);
  });

  test('the same request signed: the private key is wrong for the serial', () => {
    const found = diagnoseSignError(p.answer.message, p.answer.detail, signedAs(p.signed));
    expect(found.cause).toBe('wrong-key');
    expect(found.message).toContain('privateKey is not the private key of merchant API certificate 5E3F00AB (mchid 1900000001)');
  });

  test('another path, another timestamp, another body signed: changed in transit, and what changed', () => {
    expect(diagnoseSignError(p.answer.message, p.answer.detail, signedAs(p.signed, { url: `/gateway${p.signed.url}` })).message).toMatch(/changed in transit \(path or query\)$/);
    expect(diagnoseSignError(p.answer.message, p.answer.detail, signedAs(p.signed, { timestamp: '1700000000' })).message).toMatch(/changed in transit \(Authorization header\)$/);
    const body = p.signed.body !== undefined ? { body: '{"a":1}' } : { bodyLength: (p.signed.bodyLength ?? 0) + 9 };
    expect(diagnoseSignError(p.answer.message, p.answer.detail, signedAs(p.signed, body)).cause).toBe('altered');
  });
});

test("the mock's SIGN_ERROR detail is laid out as WeChat Pay's answers of today", () => {
  const { merchant } = makeIdentities();
  const merchants = new Map([['1900000001', { mchid: '1900000001', serial: merchant.serial, publicKey: merchant.publicKey }]]);
  const timestamp = Math.floor(Date.now() / 1000);
  const header = `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="N1",signature="AAAA",timestamp="${timestamp}",serial_no="${merchant.serial}"`;
  const rejected = checkAuthorization({ method: 'GET', url: '/v3/certificates', body: Buffer.alloc(0), authorization: header }, merchants, nonceLedger());
  expect(rejected).toMatchObject({ status: 401, code: 'SIGN_ERROR', message: '签名错误' });
  const today = published[1]!.answer.detail as Record<string, Record<string, unknown>>;
  const mine = (rejected as unknown as { detail: Record<string, Record<string, unknown>> }).detail;
  expect(Object.keys(mine).sort()).toEqual(Object.keys(today).sort());
  expect(Object.keys(mine.sign_information!).sort()).toEqual(Object.keys(today.sign_information!).sort());
  const message = `GET\n/v3/certificates\n${timestamp}\nN1\n\n`;
  expect(mine.sign_information).toEqual({ method: 'GET', url: '/v3/certificates', sign_message_length: Buffer.byteLength(message), truncated_sign_message: message });
});

describe('each error carries the hint its code and ids allow', () => {
  test('VerificationError: by code, naming the key id', () => {
    expect(new VerificationError('UNKNOWN_SERIAL', 'x', 200, undefined, 'PUB_KEY_ID_0114').hint).toMatch(/^signed by the WeChat Pay public key PUB_KEY_ID_0114, which this client does not hold; fix: add certs\["PUB_KEY_ID_0114"\]/);
    expect(new VerificationError('UNKNOWN_SERIAL', 'x', 200, undefined, '7A0F').hint).toMatch(/^signed by platform certificate 7A0F.*give apiv3Key/);
    expect(new VerificationError('BAD_SIGNATURE', 'x', 200, undefined, '7A0F').hint).toContain("express.raw({ type: '*/*' })");
    expect(new VerificationError('SIGNTEST_PROBE', 'x').hint).toMatch(/refusing it is correct/);
    expect(new VerificationError('TIMESTAMP_SKEW', 'x').hint).toMatch(/NTP/);
    expect(new VerificationError('MISSING_HEADERS', 'response is not signed: missing Wechatpay-Signature').hint).toMatch(/proxy, gateway or CDN/);
    // APIv2 has no key ids: its sign is the APIv2 key's.
    expect(new VerificationError('BAD_SIGNATURE', 'the APIv2 answer sign does not match its fields under the APIv2 key').hint).toMatch(/^the sign does not match under the APIv2 key; fix: set apiv2Key/);
    expect(new VerificationError('MISSING_HEADERS', 'APIv2 notification has no sign').hint).toBeUndefined();
  });

  test('the hint is in the message and in toJSON, once', () => {
    const error = new VerificationError('UNKNOWN_SERIAL', 'Wechatpay-Serial X is not held', 200, 'R1', 'X');
    expect(error.message).toBe(`Wechatpay-Serial X is not held (hint: ${error.hint})`);
    expect(error.toJSON()).toMatchObject({ code: 'UNKNOWN_SERIAL', keyId: 'X', hint: error.hint, requestId: 'R1' });
    const plain = new ApiError({ status: 400, code: 'PARAM_ERROR', message: 'bad', verified: true, data: {} });
    expect(plain.hint).toBeUndefined();
    expect(plain.toJSON()).not.toHaveProperty('hint');
  });

  test('DecryptionError and CertificateError: which key failed', () => {
    expect(new DecryptionError('AUTHENTICATION_FAILED', 'AEAD_AES_256_GCM tag mismatch: the APIv3 key is wrong').hint).toMatch(/^apiv3Key is not the APIv3 key/);
    expect(new DecryptionError('AUTHENTICATION_FAILED', 'RSA-OAEP decryption failed: not encrypted for this key, or altered').hint).toMatch(/this merchant's private key/);
    expect(new DecryptionError('AUTHENTICATION_FAILED', 'req_info could not be decrypted: the APIv2 key is wrong').hint).toMatch(/^apiv2Key is not the APIv2 key/);
    expect(new DecryptionError('BAD_INPUT', 'x').hint).toBeUndefined();
    expect(new CertificateError('DECRYPT_FAILED', 'x', 'ABCD').hint).toMatch(/^apiv3Key is not the APIv3 key/);
  });

  test('WebhookError: the adapter to use when a body parser got there first', () => {
    expect(new WebhookError('BODY_CONSUMED', 'x').hint).toContain('express.json({ verify: keepRawBody })');
    expect(new WebhookError('BODY_TOO_LARGE', 'x').hint).toBeUndefined();
  });

  test('ConfigError: what the field holds, from the field alone; never the value', () => {
    const key = makeIdentities().merchant;
    let error: unknown;
    try {
      new Wechatpay({ mchid: '1900000001', serial: key.serial, privateKey: key.certificatePem, certs: { ABCD: key.certificatePem } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).hint).toMatch(/^privateKey is the merchant API private key: apiclient_key.pem/);
    const body = key.certificatePem.split('\n')[1]!;
    expect(JSON.stringify(error) + String(error)).not.toContain(body);
  });
});
