// Why a platform certificate download, or a certificate in it, was not accepted.
import { WechatpayError } from '../errors.js';
import { certificateHint } from '../hints.js';

export type CertificateCode =
  /** The envelope did not open under the APIv3 key (wrong key, or altered ciphertext/nonce/associated_data). */
  | 'DECRYPT_FAILED'
  /** The answer is not the documented `{ data: [ … ] }`. */
  | 'BAD_RESPONSE'
  /** `encrypt_certificate.algorithm` is not AEAD_AES_256_GCM. */
  | 'BAD_ALGORITHM'
  /** The decrypted text is not an RSA X.509 certificate. */
  | 'BAD_CERTIFICATE'
  /** `serial_no` is not the certificate's own serial. */
  | 'SERIAL_MISMATCH'
  /** `effective_time`/`expire_time` are not the certificate's own validity. */
  | 'VALIDITY_MISMATCH'
  /** The certificate's validity has ended. */
  | 'EXPIRED'
  /** A CA was configured and did not issue this certificate. */
  | 'UNTRUSTED_ISSUER'
  /** The download held no certificate that passed every check. */
  | 'NO_VALID_CERTIFICATE'
  /** No platform certificate or public key to encrypt sensitive fields with. */
  | 'NO_ENCRYPTION_KEY'
  /** `v3/certificates` answered 404 RESOURCE_NOT_EXISTS: the merchant must use the WeChat Pay public key. */
  | 'NO_PLATFORM_CERTIFICATE';

export class CertificateError extends WechatpayError {
  constructor(
    readonly code: CertificateCode,
    message: string,
    /** The certificate serial concerned, when there is one. */
    readonly serial?: string,
  ) {
    super(serial ? `${serial}: ${message}` : message, certificateHint(code));
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serial: this.serial };
  }
}
