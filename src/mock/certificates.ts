// `GET v3/certificates`: the platform certificates, each encrypted with AEAD_AES_256_GCM under
// the merchant's APIv3 key (associated data `certificate`), as WeChat Pay sends them.
import { randomBytes } from 'node:crypto';
import { decryptAesGcmText, encryptAesGcm } from '../crypto/aead.js';
import type { CertifiedKey } from './identity.js';

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  nonce: string;
  associated_data: string;
  ciphertext: string;
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh APIv3 key: 32 ASCII letters and digits. */
export function apiv3Key(): string {
  return Array.from(randomBytes(32), (b) => NONCE_ALPHABET[b % NONCE_ALPHABET.length]).join('');
}

export function checkApiv3Key(key: string): void {
  if (typeof key !== 'string' || Buffer.byteLength(key) !== 32 || /[^\x21-\x7e]/.test(key)) {
    throw new TypeError('apiv3Key must be 32 printable ASCII characters');
  }
}

/** AES-256-GCM with a 12-character nonce; the ciphertext is base64(cipher text ‖ 16-byte tag). */
export function encryptResource(plaintext: string, key: string, associatedData: string): EncryptedResource {
  const nonce = Array.from(randomBytes(12), (b) => NONCE_ALPHABET[b % NONCE_ALPHABET.length]).join('');
  const sealed = encryptAesGcm(key, plaintext, associatedData, nonce);
  return { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: associatedData, ciphertext: sealed.ciphertext };
}

/** The inverse, for tests and for merchants' tooling. */
export function decryptResource(resource: Pick<EncryptedResource, 'nonce' | 'associated_data' | 'ciphertext'>, key: string): string {
  return decryptAesGcmText(key, { ciphertext: resource.ciphertext, nonce: resource.nonce, associatedData: resource.associated_data });
}

const rfc3339 = (date: Date) => {
  const shifted = new Date(date.getTime() + 8 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
};

export function certificatesAnswer(certificates: readonly CertifiedKey[], key: string, algorithm = 'RSA'): { data: unknown[] } {
  const wanted = algorithm.toUpperCase();
  // Every certificate the mock makes is RSA: an SM2 listing is empty.
  if (wanted === 'SM2') return { data: [] };
  return {
    data: certificates.map((certificate) => ({
      serial_no: certificate.serial,
      effective_time: rfc3339(certificate.notBefore),
      expire_time: rfc3339(certificate.notAfter),
      encrypt_certificate: encryptResource(certificate.certificatePem, key, 'certificate'),
    })),
  };
}
