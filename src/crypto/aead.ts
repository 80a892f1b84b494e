// AEAD_AES_256_GCM as WeChat Pay uses it (platform certificate download, notifications):
// key = the 32-byte APIv3 key, nonce = 12 ASCII characters, associated data as given, and the
// ciphertext sent as base64(ciphertext || 16-byte tag).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from './errors.js';

const TAG_LENGTH = 16;

export interface AeadInput {
  /** The base64 text WeChat Pay sends: ciphertext followed by the 16-byte GCM tag. */
  ciphertext: string;
  /** The `nonce` field (12 characters for WeChat Pay; any non-empty length is accepted). */
  nonce: string;
  /** The `associated_data` field; may be empty or absent. */
  associatedData?: string | undefined;
}

export type AeadKey = string | Buffer;

function aesKey(key: AeadKey): Buffer {
  const bytes = Buffer.isBuffer(key) ? key : Buffer.from(String(key), 'utf8');
  if (bytes.length !== 32) {
    throw new DecryptionError('BAD_KEY', `AEAD_AES_256_GCM needs the 32-byte APIv3 key, got ${bytes.length} bytes`);
  }
  return bytes;
}

/** Decrypts an AEAD_AES_256_GCM envelope; the GCM tag is checked before any plaintext is returned. */
export function decryptAesGcm(key: AeadKey, input: AeadInput): Buffer {
  const aes = aesKey(key);
  const { ciphertext, nonce, associatedData = '' } = input;
  if (typeof ciphertext !== 'string' || typeof nonce !== 'string' || nonce === '' || typeof associatedData !== 'string') {
    throw new DecryptionError('BAD_INPUT', 'expected ciphertext, nonce and associated_data as strings');
  }
  const bytes = Buffer.from(ciphertext, 'base64');
  if (bytes.length < TAG_LENGTH) throw new DecryptionError('BAD_INPUT', 'ciphertext is shorter than the 16-byte GCM tag');
  const decipher = createDecipheriv('aes-256-gcm', aes, Buffer.from(nonce, 'utf8'), { authTagLength: TAG_LENGTH });
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_LENGTH));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const plain = decipher.update(bytes.subarray(0, bytes.length - TAG_LENGTH));
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch {
    plain.fill(0);
    throw new DecryptionError(
      'AUTHENTICATION_FAILED',
      'AEAD_AES_256_GCM tag mismatch: the APIv3 key is wrong, or the ciphertext, nonce or associated_data was altered',
    );
  }
}

/** `decryptAesGcm` as UTF-8 text (a certificate PEM, a notification's resource JSON). */
export function decryptAesGcmText(key: AeadKey, input: AeadInput): string {
  return decryptAesGcm(key, input).toString('utf8');
}

/** The other direction, for mocks and tests: returns the envelope WeChat Pay would send. */
export function encryptAesGcm(
  key: AeadKey,
  plaintext: string | Buffer,
  associatedData = '',
  nonce = randomBytes(9).toString('base64url'),
): Required<AeadInput> {
  const cipher = createCipheriv('aes-256-gcm', aesKey(key), Buffer.from(nonce, 'utf8'), { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext: body.toString('base64'), nonce, associatedData };
}
