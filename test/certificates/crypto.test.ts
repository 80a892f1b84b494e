// AEAD_AES_256_GCM and RSA-OAEP checked against an implementation we did not write
// (wechatpay-axios-plugin's Aes.AesGcm and Rsa), in both directions, and against tampering.
import { constants, privateDecrypt } from 'node:crypto';
import { Aes, Rsa } from 'wechatpay-axios-plugin';
import { DecryptionError, decryptAesGcm, decryptAesGcmText, encryptAesGcm, rsaOaepDecrypt, rsaOaepEncrypt } from '../../src/index.js';
import { rsaKeyPair } from '../../src/mock/identity.js';
import { APIV3_KEY } from './helpers.js';

const keys = rsaKeyPair();
const text = '{"name":"张三","id_card":"110101199003077777","mobile":"+86 138 0013 8000"}';
const nonce = 'abcdef123456';

function decryptionError(run: () => unknown): DecryptionError {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DecryptionError);
  return error as DecryptionError;
}

describe('AEAD_AES_256_GCM', () => {
  test('the peer encrypts, we decrypt; we encrypt, the peer decrypts', () => {
    const theirs = Aes.AesGcm.encrypt(text, APIV3_KEY, nonce, 'transaction');
    expect(decryptAesGcmText(APIV3_KEY, { ciphertext: theirs, nonce, associatedData: 'transaction' })).toBe(text);
    const ours = encryptAesGcm(APIV3_KEY, text, 'certificate', nonce);
    expect(ours.ciphertext).toBe(Aes.AesGcm.encrypt(text, APIV3_KEY, nonce, 'certificate'));
    expect(Aes.AesGcm.decrypt(ours.ciphertext, APIV3_KEY, nonce, 'certificate')).toBe(text);
    // Empty associated data, and a Buffer key, both as WeChat Pay may send them.
    const empty = Aes.AesGcm.encrypt(text, APIV3_KEY, nonce, '');
    expect(decryptAesGcm(Buffer.from(APIV3_KEY), { ciphertext: empty, nonce }).toString()).toBe(text);
  });

  test('a changed ciphertext byte, tag byte, nonce or associated data is rejected by the tag', () => {
    const sealed = encryptAesGcm(APIV3_KEY, text, 'certificate', nonce);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    const flipped = (index: number) => {
      const copy = Buffer.from(bytes);
      copy[index]! ^= 0x01;
      return copy.toString('base64');
    };
    for (const input of [
      { ...sealed, ciphertext: flipped(0) },
      { ...sealed, ciphertext: flipped(bytes.length - 1) },
      { ...sealed, nonce: 'abcdef123457' },
      { ...sealed, associatedData: 'certificatf' },
    ]) {
      const error = decryptionError(() => decryptAesGcm(APIV3_KEY, input));
      expect(error.code).toBe('AUTHENTICATION_FAILED');
      expect(error.message).toContain('tag mismatch');
    }
    expect(decryptionError(() => decryptAesGcm('x'.repeat(32), sealed)).code).toBe('AUTHENTICATION_FAILED');
    expect(decryptionError(() => decryptAesGcm(APIV3_KEY, { ...sealed, ciphertext: 'AAAA' })).code).toBe('BAD_INPUT');
    expect(decryptionError(() => decryptAesGcm('short', sealed)).code).toBe('BAD_KEY');
  });
});

describe('RSA-OAEP sensitive fields', () => {
  test('we encrypt, the peer decrypts; the peer encrypts, we decrypt', () => {
    const ours = rsaOaepEncrypt('张三', keys.publicKey);
    expect(Rsa.decrypt(ours, keys.privateKeyPem)).toBe('张三');
    const theirs = Rsa.encrypt('110101199003077777', keys.publicKeyPem);
    expect(rsaOaepDecrypt(theirs, keys.privateKey)).toBe('110101199003077777');
    // SHA-1 OAEP, as WeChat Pay specifies: node's own decryption with that padding agrees.
    expect(privateDecrypt({ key: keys.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(ours, 'base64')).toString()).toBe('张三');
    // Randomised padding: the same text never encrypts the same way twice.
    expect(rsaOaepEncrypt('张三', keys.publicKey)).not.toBe(ours);
  });

  test('a ciphertext for another key, or altered, is a DecryptionError that quotes nothing', () => {
    const other = rsaKeyPair();
    const ours = rsaOaepEncrypt('张三', other.publicKey);
    const error = decryptionError(() => rsaOaepDecrypt(ours, keys.privateKey));
    expect(error.code).toBe('AUTHENTICATION_FAILED');
    expect(error.message).not.toContain(ours.slice(0, 20));
    expect(decryptionError(() => rsaOaepDecrypt('', keys.privateKey)).code).toBe('BAD_INPUT');
  });
});
