// Sensitive fields: encrypted by the client under the platform certificate or public key with
// `Wechatpay-Serial` naming that same key, decrypted by the mock with the platform private key;
// and the reverse for responses. Mixing keys is refused before anything is sent.
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { Rsa } from 'wechatpay-axios-plugin';
import { CertificateError, DecryptionError, ParameterError, Wechatpay, untyped } from '../../src/index.js';
import type { MockServer } from '../../src/mock/server.js';
import { caught, downloadingClient, makeKeys, startMock } from './helpers.js';

const keys = makeKeys();
const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const;
let mock: MockServer;

/** The mock's side: open every `*_encrypted` field with `privateKey` and echo the header. */
function openingRoute(server: MockServer, privateKeyFor: (id: string) => KeyObject) {
  server.route('POST', 'v3/sensitive', (request) => {
    const serial = String(request.headers['wechatpay-serial'] ?? '');
    const json = request.json as Record<string, string>;
    const opened = Object.fromEntries(
      Object.entries(json).map(([name, value]) => [name, privateDecrypt({ key: privateKeyFor(serial), ...OAEP }, Buffer.from(value, 'base64')).toString()]),
    );
    return { json: { serial, opened } };
  });
}

beforeEach(async () => {
  mock = await startMock(keys);
  openingRoute(mock, (id) => (id === keys.publicKey.id ? keys.publicKey.privateKey : keys.platform.privateKey));
});
afterEach(() => mock.close());

test('certificate mode: fields encrypted by the client open under the platform private key; Wechatpay-Serial is set', async () => {
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  const sealer = await wxpay.encryptor();
  expect(sealer.id).toBe(keys.platform.serial);
  const response = await wxpay.v3.sensitive.post({ json: { name: sealer.encrypt('张三'), id_card: sealer.encrypt('110101199003077777') } });
  expect(response.data).toEqual({ serial: keys.platform.serial, opened: { name: '张三', id_card: '110101199003077777' } });
  // The peer SDK opens our ciphertext too.
  expect(Rsa.decrypt(await wxpay.encrypt('13800138000'), keys.platform.privateKeyPem)).toBe('13800138000');
});

test('public-key mode: the PUB_KEY_ID_ is the header; a client holding both (migration) prefers the public key', async () => {
  const signedByPublicKey = await startMock(keys, { mode: 'public-key' });
  try {
    openingRoute(signedByPublicKey, () => keys.publicKey.privateKey);
    const wxpay = untyped(new Wechatpay(signedByPublicKey.clientConfig));
    const response = await wxpay.v3.sensitive.post({ json: { name: await wxpay.encrypt('孙八') } });
    expect(response.data).toEqual({ serial: keys.publicKey.id, opened: { name: '孙八' } });
    expect(response.headers['wechatpay-serial']).toBe(keys.publicKey.id);
  } finally {
    await signedByPublicKey.close();
  }
  const both = untyped(
    new Wechatpay({ ...mock.clientConfig, certs: { [keys.platform.serial]: keys.platform.certificatePem, [keys.publicKey.id]: keys.publicKey.publicKeyPem } }),
  );
  const response = await both.v3.sensitive.post({ json: { name: await both.encrypt('李四') } });
  expect(response.data).toEqual({ serial: keys.publicKey.id, opened: { name: '李四' } });
  // And a chosen certificate, when the merchant asks for one.
  const byCertificate = await both.encryptor(keys.platform.serial);
  expect((await both.v3.sensitive.post({ json: { name: byCertificate.encrypt('王五') } })).data).toEqual({ serial: keys.platform.serial, opened: { name: '王五' } });
  expect(((await caught(both.encryptor('NO_SUCH_KEY'))) as ParameterError).field).toBe('id');
});

test('fields encrypted under two keys, or a header naming another key, are refused before sending', async () => {
  const wxpay = untyped(
    new Wechatpay({ ...mock.clientConfig, certs: { [keys.platform.serial]: keys.platform.certificatePem, [keys.publicKey.id]: keys.publicKey.publicKeyPem } }),
  );
  const byPublicKey = await wxpay.encryptor();
  const byCertificate = await wxpay.encryptor(keys.platform.serial);
  const sent = mock.requests.length;
  const mixed = (await caught(wxpay.v3.sensitive.post({ json: { name: byPublicKey.encrypt('a'), nested: [{ id: byCertificate.encrypt('b') }] } }))) as ParameterError;
  expect(mixed).toBeInstanceOf(ParameterError);
  expect(mixed.field).toBe('json');
  expect(mixed.message).toContain(keys.publicKey.id);
  expect(mixed.message).toContain(keys.platform.serial);
  const conflicting = (await caught(
    wxpay.v3.sensitive.post({ json: { name: byPublicKey.encrypt('a') }, headers: { 'wechatpay-serial': keys.platform.serial } }),
  )) as ParameterError;
  expect(conflicting).toBeInstanceOf(ParameterError);
  expect(conflicting.field).toBe('headers.wechatpay-serial');
  expect(mock.requests.length).toBe(sent);
  // A header that agrees is kept as given; a body without encrypted fields gets no header.
  const agreeing = await wxpay.v3.sensitive.post({ json: { name: byPublicKey.encrypt('a') }, headers: { 'Wechatpay-Serial': keys.publicKey.id } });
  expect(agreeing.data).toMatchObject({ serial: keys.publicKey.id });
  mock.route('POST', 'v3/plain', (request) => ({ json: { serial: request.headers['wechatpay-serial'] ?? null } }));
  // No sealed field: the client's default, the preferred key (the public key here).
  expect((await wxpay.v3.plain.post({ json: { name: 'not secret' } })).data).toEqual({ serial: keys.publicKey.id });
});

test('responses: a field the mock encrypts under the merchant certificate opens with decrypt()', async () => {
  mock.route('GET', 'v3/sensitive', () => ({
    json: { name: publicEncrypt({ key: keys.merchant.publicKey, ...OAEP }, Buffer.from('赵六')).toString('base64'), peer: Rsa.encrypt('钱七', keys.merchant.publicKeyPem) },
  }));
  const wxpay = untyped(new Wechatpay(mock.clientConfig));
  const { data } = (await wxpay.v3.sensitive.get()) as { data: { name: string; peer: string } };
  expect(wxpay.decrypt(data.name)).toBe('赵六');
  expect(wxpay.decrypt(data.peer)).toBe('钱七');
  expect(() => wxpay.decrypt(Rsa.encrypt('x', keys.platform.publicKeyPem))).toThrow(DecryptionError);
});

test('a client with only an apiv3Key downloads a certificate to encrypt with; too long a text is a ParameterError', async () => {
  const wxpay = downloadingClient(mock);
  const sealer = await wxpay.encryptor();
  expect(sealer.id).toBe(keys.platform.serial);
  expect(mock.requests.map((request) => request.url)).toEqual(['/v3/certificates']);
  expect(() => sealer.encrypt('长'.repeat(100))).toThrow(ParameterError);
});

test('an empty download leaves nothing to encrypt with: a CertificateError, not a crash', async () => {
  mock.route('GET', 'v3/certificates', () => ({ json: { data: [] } }));
  const wxpay = downloadingClient(mock);
  const error = (await caught(wxpay.encryptor())) as CertificateError;
  expect(error).toBeInstanceOf(CertificateError);
  expect(error.code).toBe('NO_VALID_CERTIFICATE');
});
