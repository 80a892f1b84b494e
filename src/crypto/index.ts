export { decryptAesGcm, decryptAesGcmText, encryptAesGcm, type AeadInput, type AeadKey } from './aead.js';
export { DecryptionError, type DecryptionCode } from './errors.js';
export { rsaOaepDecrypt, rsaOaepEncrypt } from './rsa.js';
export type { Encryptor } from './sealed.js';
