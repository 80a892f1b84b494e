// Keys and certificates of a made-up merchant and of a made-up WeChat Pay, created fresh for
// each mock server (node:crypto for the keys, node-forge for what node:crypto cannot do: issue
// an X.509 certificate).
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface CertifiedKey extends KeyPair {
  /** Upper-case hex, as WeChat Pay prints certificate serials. */
  serial: string;
  certificatePem: string;
  notBefore: Date;
  notAfter: Date;
}

export function rsaKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface CertificateOptions {
  commonName: string;
  notBefore?: Date;
  notAfter?: Date;
  keys?: KeyPair;
}

/** A self-signed certificate over a new (or given) RSA key. */
export function certifiedKey(options: CertificateOptions): CertifiedKey {
  const keys = options.keys ?? rsaKeyPair();
  const notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 5 * 365 * 86400_000);
  const serial = randomBytes(20);
  // A positive INTEGER in minimal DER (no leading zero byte), so the hex here is the serial
  // X509Certificate reports back.
  serial[0] = serial[0]! & 0x7f || 0x01;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = [
    { shortName: 'C', value: 'CN' },
    { shortName: 'O', value: 'wxpay-chain mock' },
    { shortName: 'CN', value: options.commonName },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return {
    ...keys,
    serial: serial.toString('hex').toUpperCase(),
    certificatePem: forge.pki.certificateToPem(cert),
    notBefore,
    notAfter,
  };
}

/** A WeChat Pay public key id: `PUB_KEY_ID_` and 32 digits. */
export function publicKeyId(): string {
  const digits = Array.from(randomBytes(32), (b) => String(b % 10)).join('');
  return `PUB_KEY_ID_${digits}`;
}
