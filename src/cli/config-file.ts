// A client configuration kept in a JSON file: what `new Wechatpay()` takes, written as JSON (the
// client.json `wxpay-chain mock` writes is one). Keys and certificates are PEM text or file: URLs;
// a relative one (`file:apiclient_key.pem`, `file:./keys/pub_key.pem`) is read from the config
// file's own folder, so a folder of keys and its config can move together. Shared by the commands.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WechatpayConfig } from '../config.js';
import { UsageError } from './usage.js';

/** The configuration in `path`; a UsageError (exit status 2) when it cannot be read as one. */
export function loadConfigFile(path: string): WechatpayConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config file ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON (expected an object like the client.json \`wxpay-chain mock\` writes)`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`${path} does not hold a JSON object with mchid, serial, privateKey and certs`);
  return withKeyFiles(config as Record<string, unknown>, pathToFileURL(file), path) as unknown as WechatpayConfig;
}

// `file:x` relative to the config file → an absolute `file://` URL, the only form the client reads.
function absolute(value: unknown, base: URL): unknown {
  return typeof value === 'string' && value.startsWith('file:') && !value.startsWith('file://') ? new URL(value, base).href : value;
}

function withKeyFiles(config: Record<string, unknown>, base: URL, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const field of ['privateKey', 'pkcs12'] as const) if (field in out) out[field] = absolute(out[field], base);
  if (typeof out.certs === 'object' && out.certs !== null) {
    out.certs = Object.fromEntries(Object.entries(out.certs).map(([id, value]) => [id, absolute(value, base)]));
  }
  const certificates = out.certificates;
  if (typeof certificates === 'object' && certificates !== null && 'ca' in certificates) {
    out.certificates = { ...certificates, ca: absolute((certificates as { ca: unknown }).ca, base) };
  }
  // The client takes the merchant certificate as PEM only: a file named here is read for it.
  const certificate = absolute(out.merchantCertificate, base);
  if (typeof certificate === 'string' && certificate.startsWith('file://')) {
    try {
      out.merchantCertificate = readFileSync(fileURLToPath(certificate), 'utf8');
    } catch (error) {
      throw new UsageError(`${path}: cannot read merchantCertificate ${certificate} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  return out;
}
