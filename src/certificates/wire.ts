// The `GET /v3/certificates` answer, and (for mocks and tests) how WeChat Pay builds it.
import { X509Certificate } from 'node:crypto';
import { encryptAesGcm, type AeadKey } from '../crypto/aead.js';

export interface EncryptedCertificate {
  algorithm: 'AEAD_AES_256_GCM' | string;
  nonce: string;
  associated_data: string;
  /** base64(ciphertext || 16-byte tag) of the certificate PEM. */
  ciphertext: string;
}

export interface CertificateEntry {
  serial_no: string;
  /** RFC 3339, e.g. `2024-06-08T10:34:56+08:00`. */
  effective_time: string;
  expire_time: string;
  encrypt_certificate: EncryptedCertificate;
}

export interface CertificateList {
  data: CertificateEntry[];
}

/** `2024-06-08T10:34:56+08:00`: WeChat Pay's RFC 3339 in Beijing time. */
export function beijingTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** One entry of the list, as WeChat Pay would send it, for a certificate PEM. */
export function sealCertificate(apiv3Key: AeadKey, certificatePem: string, associatedData = 'certificate'): CertificateEntry {
  const x509 = new X509Certificate(certificatePem);
  return {
    serial_no: x509.serialNumber.toUpperCase(),
    effective_time: beijingTime(new Date(x509.validFrom)),
    expire_time: beijingTime(new Date(x509.validTo)),
    encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', ...renameAad(encryptAesGcm(apiv3Key, certificatePem, associatedData)) },
  };
}

function renameAad(envelope: { ciphertext: string; nonce: string; associatedData: string }) {
  return { nonce: envelope.nonce, associated_data: envelope.associatedData, ciphertext: envelope.ciphertext };
}

/** The whole answer body for a set of certificate PEMs. */
export function sealCertificateList(apiv3Key: AeadKey, certificatePems: string[]): CertificateList {
  return { data: certificatePems.map((pem) => sealCertificate(apiv3Key, pem)) };
}
