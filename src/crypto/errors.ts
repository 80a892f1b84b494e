// Failures of the sensitive-field and notification crypto. Like every SDK error, they carry
// no key material and no plaintext, so they are safe to log.
import { WechatpayError } from '../errors.js';
import { decryptionHint } from '../hints.js';

export type DecryptionCode = 'AUTHENTICATION_FAILED' | 'BAD_INPUT' | 'BAD_KEY';

/** A ciphertext could not be decrypted: wrong key, or it was changed after encryption. */
export class DecryptionError extends WechatpayError {
  constructor(
    readonly code: DecryptionCode,
    message: string,
  ) {
    super(message, decryptionHint(code, message));
  }
}
