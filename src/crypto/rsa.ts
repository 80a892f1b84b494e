// Sensitive fields (names, ID numbers, phone numbers): RSA-OAEP as WeChat Pay specifies it,
// i.e. RSA_PKCS1_OAEP_PADDING with the default SHA-1 digest and MGF1-SHA1, base64 on the wire.
// Requests are encrypted under the platform certificate or WeChat Pay public key; responses
// arrive encrypted under the merchant's API certificate and are opened with its private key.
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { DecryptionError } from './errors.js';

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const;

/** RSA-OAEP(SHA-1) encryption of UTF-8 text; base64 out. At most 214 bytes under a 2048-bit key. */
export function rsaOaepEncrypt(plaintext: string, publicKey: KeyObject): string {
  return publicEncrypt({ key: publicKey, ...OAEP }, Buffer.from(plaintext, 'utf8')).toString('base64');
}

/** RSA-OAEP(SHA-1) decryption of base64 text to UTF-8. */
export function rsaOaepDecrypt(ciphertext: string, privateKey: KeyObject): string {
  if (typeof ciphertext !== 'string' || ciphertext === '') throw new DecryptionError('BAD_INPUT', 'expected base64 ciphertext text');
  try {
    return privateDecrypt({ key: privateKey, ...OAEP }, Buffer.from(ciphertext, 'base64')).toString('utf8');
  } catch {
    throw new DecryptionError('AUTHENTICATION_FAILED', 'RSA-OAEP decryption failed: not encrypted for this key, or altered');
  }
}
