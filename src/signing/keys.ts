// Turns whatever the merchant holds (PEM text, a Buffer, a KeyObject, a file:// URL) into
// KeyObjects once, at construction, so no request ever parses a key again.
import { KeyObject, X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';

export type KeyInput = string | Buffer | KeyObject;

// A key given as a plain path is refused, not read: a string is either key material or a file://
// URL, so its meaning never depends on the working directory. The error says how to write it.
const PATH_LIKE = /^(?:[/~]|\.{1,2}[/\\]|[A-Za-z]:[/\\])[^\n]*$|^[^\s]+\.(?:pem|key|crt|cer|der|p12|pfx)$/i;

/** The hint for a string that looks like a file path (never quoted: it could be key material). */
export function pathHint(input: unknown): string {
  return typeof input === 'string' && input.length < 1024 && !input.includes('-----BEGIN') && PATH_LIKE.test(input.trim())
    ? '; this looks like a file path: give it as a file:// URL (e.g. pathToFileURL(path).href from node:url), or the PEM text itself'
    : '';
}

/** What a PEM that does not parse most likely is: written with literal `\n`s, or the wrong file. */
export function pemHint(text: string): string {
  if (/-----BEGIN [A-Z ]+-----\\n/.test(text) || (!text.includes('\n') && text.includes('\\n'))) {
    return '; it holds literal \\n sequences instead of line breaks (as an environment variable often does): replace them, e.g. value.replace(/\\\\n/g, "\\n")';
  }
  return '';
}

function readKeyText(field: string, input: string | Buffer): string | Buffer {
  if (typeof input === 'string' && input.startsWith('file://')) {
    try {
      return readFileSync(fileURLToPath(input));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(field, `cannot read the key file ${input} (${reason}); give an absolute file:// URL to a PEM file`);
    }
  }
  return input;
}

export function loadPrivateKey(field: string, input: unknown): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== 'private') throw new ConfigError(field, `expected a private key, got a ${input.type} key`);
    return checkRsa(field, input);
  }
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) {
    throw new ConfigError(field, 'expected the merchant private key as PEM text, a Buffer, a KeyObject or a file:// URL');
  }
  const text = readKeyText(field, input);
  const pem = text.toString();
  if (pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(field, 'this is a certificate (apiclient_cert.pem, or a platform certificate), not the merchant private key: give apiclient_key.pem ("-----BEGIN PRIVATE KEY-----")');
  }
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) {
    throw new ConfigError(field, 'this is a public key, not the merchant private key: give apiclient_key.pem ("-----BEGIN PRIVATE KEY-----")');
  }
  try {
    return checkRsa(field, createPrivateKey(text));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // The parser's own message may quote the input; say only what to fix.
    throw new ConfigError(field, `not a PEM private key (expected "-----BEGIN PRIVATE KEY-----", as in apiclient_key.pem)${pemHint(pem) || pathHint(input)}`);
  }
}

export interface PlatformKey {
  /** Platform certificate serial or `PUB_KEY_ID_…`. */
  id: string;
  key: KeyObject;
  certificate?: X509Certificate;
}

/** A platform certificate (serial → X.509 PEM) or the WeChat Pay public key (`PUB_KEY_ID_…` → PEM). */
export function loadPlatformKey(field: string, id: string, input: unknown): PlatformKey {
  if (input instanceof KeyObject) {
    if (input.type === 'private') throw new ConfigError(field, 'a platform key must be public; this is a private key');
    return { id, key: checkRsa(field, input.type === 'public' ? input : createPublicKey(input)) };
  }
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) {
    throw new ConfigError(field, 'expected a certificate or public key as PEM text, a Buffer, a KeyObject or a file:// URL');
  }
  const text = readKeyText(field, input);
  const pem = text.toString();
  try {
    if (pem.includes('-----BEGIN CERTIFICATE-----')) {
      const certificate = new X509Certificate(text);
      return { id, key: checkRsa(field, certificate.publicKey), certificate };
    }
    if (pem.includes('PRIVATE KEY-----')) throw new ConfigError(field, 'a platform key must be public; this is a private key');
    return { id, key: checkRsa(field, createPublicKey(text)) };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(field, `not a PEM certificate or public key ("-----BEGIN CERTIFICATE-----" or "-----BEGIN PUBLIC KEY-----")${pemHint(pem) || pathHint(input)}`);
  }
}

function checkRsa(field: string, key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(field, `WECHATPAY2-SHA256-RSA2048 needs an RSA key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}
