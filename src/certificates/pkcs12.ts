// `apiclient_cert.p12`: the merchant API certificate and private key in one PKCS#12 bundle,
// protected by a passphrase that is the merchant id unless changed. node:crypto cannot read
// PKCS#12, so node-forge opens the bundle; everything after that is node:crypto.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Forge from 'node-forge';
import { lazy } from '../lazy.js';

const nodeForge = lazy<typeof Forge>('node-forge');
import { ConfigError } from '../errors.js';

export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** The merchant API certificate serial, upper-case hex (the `serial` of the configuration). */
  serial: string;
  certificate: X509Certificate;
}

/**
 * Opens `apiclient_cert.p12` given as a Buffer (DER bytes) or a `file://` URL. Errors are
 * ConfigErrors naming `field`, and never quote the bundle or the passphrase.
 */
export function loadPkcs12(input: string | Buffer, passphrase: string, field = 'pkcs12'): Pkcs12Contents {
  let der: Buffer;
  if (Buffer.isBuffer(input)) der = input;
  else if (typeof input === 'string' && input.startsWith('file://')) {
    try {
      der = readFileSync(fileURLToPath(input));
    } catch (error) {
      throw new ConfigError(field, `cannot read the PKCS#12 file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  } else {
    throw new ConfigError(field, 'expected apiclient_cert.p12 as a Buffer or an absolute file:// URL');
  }
  const forge = nodeForge();
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))), false, passphrase);
  } catch (error) {
    const message = String((error as Error).message ?? '');
    const reason = /mac|password|decrypt|invalid/i.test(message)
      ? 'cannot open the PKCS#12 bundle: wrong passphrase (default: the merchant id)?'
      : 'not a PKCS#12 bundle (expected the DER bytes of apiclient_cert.p12)';
    throw new ConfigError(field, reason);
  }
  const keyBag =
    p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!]?.[0] ??
    p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!]?.[0];
  const certBag = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]?.[0];
  if (!keyBag?.key) throw new ConfigError(field, 'the PKCS#12 bundle holds no private key');
  if (!certBag?.cert) throw new ConfigError(field, 'the PKCS#12 bundle holds no certificate');
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
  const certificate = new X509Certificate(forge.pki.certificateToPem(certBag.cert));
  if (!certificate.checkPrivateKey(privateKey)) throw new ConfigError(field, "the bundle's private key does not match its certificate");
  return { privateKey, serial: certificate.serialNumber.toUpperCase(), certificate };
}
