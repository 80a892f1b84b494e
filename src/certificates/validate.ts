// What makes a downloaded (or stored) platform certificate acceptable. Each check is a
// CertificateError code; see docs/certificates.md for why these and not more.
import { X509Certificate } from 'node:crypto';
import { decryptAesGcmText } from '../crypto/aead.js';
import { DecryptionError } from '../crypto/errors.js';
import type { PlatformKey } from '../signing/keys.js';
import { CertificateError } from './errors.js';
import type { CertificateEntry } from './wire.js';

export interface Validity {
  notBefore: number;
  notAfter: number;
}

const validities = new WeakMap<X509Certificate, Validity>();

/** The certificate's validity window in epoch milliseconds (node 20's X509Certificate gives text). */
export function validity(certificate: X509Certificate): Validity {
  let known = validities.get(certificate);
  if (!known) {
    known = { notBefore: Date.parse(certificate.validFrom), notAfter: Date.parse(certificate.validTo) };
    validities.set(certificate, known);
  }
  return known;
}

/** Serial numbers compared as numbers: case and leading zeros do not matter. */
export function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toUpperCase().replace(/^0+/, '');
  return norm(a) === norm(b);
}

export interface CheckOptions {
  now: number;
  /** When given, the certificate must be issued (and signed) by this CA. */
  ca?: X509Certificate | undefined;
}

/** A PEM that claims to be the platform certificate `serial`; throws unless it is, and is in date. */
export function checkCertificate(serial: string, pem: string, options: CheckOptions): PlatformKey {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new CertificateError('BAD_CERTIFICATE', 'the decrypted text is not an X.509 certificate', serial);
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    throw new CertificateError('BAD_CERTIFICATE', `expected an RSA certificate, got ${certificate.publicKey.asymmetricKeyType}`, serial);
  }
  if (!sameSerial(certificate.serialNumber, serial)) {
    throw new CertificateError('SERIAL_MISMATCH', `the certificate's own serial is ${certificate.serialNumber}`, serial);
  }
  const { notBefore, notAfter } = validity(certificate);
  if (!(notAfter > options.now)) {
    throw new CertificateError('EXPIRED', `expired at ${new Date(notAfter).toISOString()}`, serial);
  }
  if (options.ca && !(certificate.checkIssued(options.ca) && certificate.verify(options.ca.publicKey))) {
    throw new CertificateError('UNTRUSTED_ISSUER', `not issued by the configured CA (${options.ca.subject.replace(/\n/g, ', ')})`, serial);
  }
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter)) {
    throw new CertificateError('BAD_CERTIFICATE', 'unreadable validity dates', serial);
  }
  return { id: serial.toUpperCase(), key: certificate.publicKey, certificate };
}

export interface OpenOptions extends CheckOptions {
  apiv3Key: Buffer;
}

export interface Opened {
  accepted: PlatformKey[];
  /** Entries that failed a check, each with its reason; a rejected entry is never trusted. */
  rejected: CertificateError[];
}

/**
 * Decrypts and checks every entry of a `v3/certificates` answer body. An entry that does not
 * decrypt fails the whole download (the APIv3 key is wrong, or the answer was altered); an
 * entry that decrypts but fails a check is set aside, and the others are kept.
 */
export function openCertificateList(body: unknown, options: OpenOptions): Opened {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new CertificateError('BAD_RESPONSE', 'expected { data: [ … ] } from v3/certificates');
  const accepted: PlatformKey[] = [];
  const rejected: CertificateError[] = [];
  for (const item of data as Partial<CertificateEntry>[]) {
    const serial = typeof item?.serial_no === 'string' ? item.serial_no : undefined;
    const envelope = item?.encrypt_certificate;
    if (!serial || !/^[0-9A-Fa-f]+$/.test(serial) || typeof envelope !== 'object' || envelope === null) {
      throw new CertificateError('BAD_RESPONSE', 'an entry lacks serial_no or encrypt_certificate');
    }
    if (envelope.algorithm !== 'AEAD_AES_256_GCM') {
      rejected.push(new CertificateError('BAD_ALGORITHM', `unsupported algorithm ${String(envelope.algorithm)}`, serial));
      continue;
    }
    let pem: string;
    try {
      pem = decryptAesGcmText(options.apiv3Key, {
        ciphertext: envelope.ciphertext,
        nonce: envelope.nonce,
        associatedData: envelope.associated_data ?? '',
      });
    } catch (error) {
      const reason = error instanceof DecryptionError && error.code === 'AUTHENTICATION_FAILED'
        ? 'AEAD_AES_256_GCM tag mismatch: apiv3Key is not the APIv3 key set in the merchant platform, or the answer was altered'
        : `cannot decrypt the certificate: ${(error as Error).message}`;
      throw new CertificateError('DECRYPT_FAILED', reason, serial);
    }
    try {
      const key = checkCertificate(serial, pem, options);
      const { notBefore, notAfter } = validity(key.certificate!);
      // The certificate itself (authenticated by the AEAD tag) is what counts: listed times are
      // compared when the answer carries them readably, and their absence refuses nothing.
      const differs = (listed: unknown, actual: number) => {
        const time = typeof listed === 'string' ? Date.parse(listed) : NaN;
        return Number.isFinite(time) && Math.floor(time / 1000) !== Math.floor(actual / 1000);
      };
      if (differs(item.effective_time, notBefore) || differs(item.expire_time, notAfter)) {
        throw new CertificateError(
          'VALIDITY_MISMATCH',
          `listed as ${String(item.effective_time)} – ${String(item.expire_time)}, but the certificate says ${new Date(notBefore).toISOString()} – ${new Date(notAfter).toISOString()}`,
          serial,
        );
      }
      accepted.push(key);
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      rejected.push(error);
    }
  }
  return { accepted, rejected };
}
