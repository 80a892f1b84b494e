// Sensitive fields and the `Wechatpay-Serial` header that must name the key they were encrypted
// under. The client remembers which key produced each ciphertext it made; when a request body
// carries any of them, the header is set from that same key. A body mixing two keys, or a
// caller's header naming another key, is refused before anything is sent.
import type { KeyObject } from 'node:crypto';
import { ParameterError } from '../errors.js';
import type { PlatformKey } from '../signing/keys.js';
import type { Sealed } from '../typing.js';
import { rsaOaepEncrypt } from './rsa.js';

/** Encrypts sensitive fields under one platform certificate or WeChat Pay public key. */
export interface Encryptor {
  /** The certificate serial or `PUB_KEY_ID_…` that `Wechatpay-Serial` will carry. */
  readonly id: string;
  /** RSA-OAEP ciphertext (base64) of `text`, to put in a request field typed `Sealed`. */
  encrypt(text: string): Sealed;
}

const HEADER = 'wechatpay-serial';

/** Ciphertext → key id of the ciphertexts a client produced, the most recent `limit` of them. */
export class SealedFields {
  readonly #byCiphertext = new Map<string, string>();
  constructor(readonly limit = 4096) {}

  get size(): number {
    return this.#byCiphertext.size;
  }

  /** An encryptor bound to `key`: everything it encrypts is recorded under `key.id`. */
  encryptor(key: PlatformKey): Encryptor {
    const record = (ciphertext: string) => {
      if (this.#byCiphertext.size >= this.limit) this.#byCiphertext.delete(this.#byCiphertext.keys().next().value!);
      this.#byCiphertext.set(ciphertext, key.id);
    };
    const publicKey: KeyObject = key.key;
    return Object.freeze({
      id: key.id,
      encrypt(text: string): Sealed {
        if (typeof text !== 'string') throw new ParameterError('encrypt', 'expected the sensitive field as a string');
        let ciphertext: string;
        try {
          ciphertext = rsaOaepEncrypt(text, publicKey);
        } catch {
          throw new ParameterError('encrypt', `text of ${Buffer.byteLength(text)} bytes is too long for RSA-OAEP under a ${publicKey.asymmetricKeyDetails?.modulusLength ?? '?'}-bit key`);
        }
        record(ciphertext);
        return ciphertext as Sealed;
      },
    });
  }

  /** The key id the body's encrypted fields were made under, if any; throws when they disagree. */
  keyIdOf(json: unknown): string | undefined {
    const ids = new Set<string>();
    const seen = new Set<object>();
    const walk = (value: unknown): void => {
      if (typeof value === 'string') {
        const id = value.length >= 64 ? this.#byCiphertext.get(value) : undefined;
        if (id !== undefined) ids.add(id);
      } else if (typeof value === 'object' && value !== null && !seen.has(value)) {
        seen.add(value);
        for (const item of Array.isArray(value) ? value : Object.values(value)) walk(item);
      }
    };
    walk(json);
    if (ids.size > 1) {
      throw new ParameterError(
        'json',
        `sensitive fields were encrypted under different keys (${[...ids].join(', ')}); encrypt every field of one request with one encryptor`,
      );
    }
    return ids.values().next().value;
  }

  /**
   * Sets `Wechatpay-Serial` in `headers` to the key the body's fields were encrypted under.
   * A caller's own `Wechatpay-Serial` must agree with it.
   */
  stamp(json: unknown, headers: Record<string, string>): void {
    const id = this.keyIdOf(json);
    if (id === undefined) return;
    const given = Object.keys(headers).find((name) => name.toLowerCase() === HEADER);
    if (given !== undefined) {
      if (headers[given] !== id) {
        throw new ParameterError(
          `headers.${given}`,
          `names ${headers[given]}, but the request's sensitive fields were encrypted under ${id}; leave the header out and the client sets it`,
        );
      }
      return;
    }
    headers['Wechatpay-Serial'] = id;
  }
}
