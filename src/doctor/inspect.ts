// What a key input really is: the doctor reads what the merchant gave (PEM text, a Buffer, a
// KeyObject, a file:// URL) without the configuration's strictness, to say which format it is
// and which key it looks like, where the configuration can only say "not a private key".
import { KeyObject, X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pathHint } from '../signing/keys.js';

export type KeyKind = 'private' | 'encrypted' | 'certificate' | 'public' | 'pkcs12' | 'unreadable';

export interface Inspected {
  kind: KeyKind;
  /** How it is written: `PKCS#8 PEM`, `encrypted PKCS#8 PEM`, `PKCS#1 RSA PEM`, `X.509 certificate`, … */
  format: string;
  key?: KeyObject;
  certificate?: X509Certificate;
  /** Why it could not be read (never quoting the input). */
  reason?: string;
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;

/** Reads a `file://` URL, or gives back the text; a plain path is refused with the reason. */
export function readInput(input: unknown): { text?: string | Buffer; key?: KeyObject; reason?: string } {
  if (input instanceof KeyObject) return { key: input };
  if (Buffer.isBuffer(input)) return { text: input };
  if (typeof input !== 'string') return { reason: `a ${input === null ? 'null' : typeof input}, not PEM text, a Buffer, a KeyObject or a file:// URL` };
  if (input.startsWith('file://')) {
    try {
      return { text: readFileSync(fileURLToPath(input)) };
    } catch (error) {
      return { reason: `cannot read ${input} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` };
    }
  }
  const hint = pathHint(input);
  if (hint) return { reason: `a file path, not key material${hint}` };
  return { text: input };
}

/** What a key input holds, and the parsed key or certificate when it can be read. */
export function inspectKey(input: unknown): Inspected {
  const read = readInput(input);
  if (read.reason !== undefined) return { kind: 'unreadable', format: 'unreadable', reason: read.reason };
  if (read.key) {
    const kind = read.key.type === 'secret' ? 'unreadable' : read.key.type;
    return { kind, format: `${read.key.type} KeyObject (${read.key.asymmetricKeyType ?? 'symmetric'})`, key: read.key };
  }
  const text = read.text!;
  const pem = text.toString('latin1');
  const label = PEM_LABEL.exec(pem)?.[1];
  if (label === undefined) return inspectDer(Buffer.isBuffer(text) ? text : Buffer.from(text), pem);
  if (label === 'ENCRYPTED PRIVATE KEY') return { kind: 'encrypted', format: 'encrypted PKCS#8 PEM' };
  if (/Proc-Type:\s*4,ENCRYPTED/.test(pem)) return { kind: 'encrypted', format: `encrypted ${label === 'RSA PRIVATE KEY' ? 'PKCS#1 RSA' : label} PEM` };
  try {
    if (label === 'CERTIFICATE') {
      const certificate = new X509Certificate(text);
      return { kind: 'certificate', format: 'X.509 certificate', certificate, key: certificate.publicKey };
    }
    if (label.endsWith('PRIVATE KEY')) {
      const format = label === 'PRIVATE KEY' ? 'PKCS#8 PEM' : label === 'RSA PRIVATE KEY' ? 'PKCS#1 RSA PEM' : `${label} PEM`;
      return { kind: 'private', format, key: createPrivateKey(text) };
    }
    if (label.endsWith('PUBLIC KEY')) {
      return { kind: 'public', format: label === 'PUBLIC KEY' ? 'SPKI public key PEM' : `${label} PEM`, key: createPublicKey(text) };
    }
  } catch {
    return { kind: 'unreadable', format: `${label} PEM`, reason: `the "-----BEGIN ${label}-----" block does not parse (cut short, or lines changed)` };
  }
  return { kind: 'unreadable', format: `${label} PEM`, reason: `a "-----BEGIN ${label}-----" block, which is no key WeChat Pay uses` };
}

// PKCS#12 is a SEQUENCE holding the version and then PKCS#7 data (OID 1.2.840.113549.1.7.1).
const PKCS7_DATA = Buffer.from('06092a864886f70d010701', 'hex');

function inspectDer(bytes: Buffer, text: string): Inspected {
  if (bytes[0] === 0x30 && bytes.subarray(0, 64).includes(PKCS7_DATA)) {
    return { kind: 'pkcs12', format: 'PKCS#12 bundle (apiclient_cert.p12)', reason: 'a PKCS#12 bundle: give it as pkcs12' };
  }
  if (bytes[0] === 0x30) {
    for (const attempt of [
      () => ({ kind: 'private' as const, format: 'PKCS#8 DER', key: createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' }) }),
      () => ({ kind: 'public' as const, format: 'SPKI public key DER', key: createPublicKey({ key: bytes, format: 'der', type: 'spki' }) }),
      () => {
        const certificate = new X509Certificate(bytes);
        return { kind: 'certificate' as const, format: 'X.509 certificate DER', certificate, key: certificate.publicKey };
      },
    ]) {
      try {
        return attempt();
      } catch {
        // not this one; try the next
      }
    }
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length > 100 && /^[A-Za-z0-9+/]+=*$/.test(compact)) {
    return { kind: 'unreadable', format: 'base64 without PEM lines', reason: 'base64 without its "-----BEGIN …-----" and "-----END …-----" lines' };
  }
  return { kind: 'unreadable', format: 'not PEM', reason: 'no "-----BEGIN …-----" block' };
}
