// Why a download did not deliver a verified file. Raised before anything is sent (a bad source),
// or as the stream's error (nothing of a file target is left behind).
import { WechatpayError } from '../errors.js';

export type DownloadCode =
  /** The source is not a download link, apply answer or statement request this client can use. */
  | 'BAD_SOURCE'
  /** The bytes did not hash to the `hash_value` of the signed apply answer (or to `Wechatpay-Statement-Sha1`). */
  | 'DIGEST_MISMATCH'
  /** The connection ended before the whole file arrived. */
  | 'TRUNCATED'
  /** More than `maxBytes` arrived. */
  | 'TOO_LARGE'
  /** The file decodes (gunzip) to more than `maxDecodedBytes`, or expands more than `maxRatio` times. */
  | 'DECODED_TOO_LARGE'
  /** No byte arrived for `idleTimeout` milliseconds. */
  | 'IDLE_TIMEOUT'
  /** A sealed sub-merchant bill did not open (its key, nonce or GCM tag). */
  | 'DECRYPT_FAILED'
  /** The gzip data is corrupt. */
  | 'BAD_GZIP'
  /** A statement without `Wechatpay-Statement-Sha1`, or without a valid signature over it. */
  | 'UNSIGNED_DIGEST'
  /** The file is not what the endpoint serves (a fapiao that is not a PDF). */
  | 'BAD_FORMAT'
  /** The transfer failed on the network. */
  | 'NETWORK';

/** The download option whose bound a TOO_LARGE or DECODED_TOO_LARGE error crossed (raise it to accept the file). */
export type DownloadBound = 'maxBytes' | 'maxDecodedBytes' | 'maxRatio';

export class DownloadError extends WechatpayError {
  constructor(
    readonly code: DownloadCode,
    message: string,
    readonly bound?: DownloadBound,
  ) {
    super(message);
  }
}
