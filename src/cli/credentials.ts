// Where every command's client configuration comes from, one setting at a time: the command's
// flag (`--base-url`; certificates' --mchid, --key, …), else the config file (`--config`, else
// WXPAY_CONFIG), else its environment variable (WXPAY_MCHID, …). The config file holds what
// `new Wechatpay()` takes, written as JSON (the client.json `wxpay-chain mock` writes is one);
// keys and certificates in it are PEM text or file: URLs, and a relative one
// (`file:apiclient_key.pem`, `file:./keys/pub_key.pem`) is read from the file's own folder, so a
// folder of keys and its config can move together. The environment takes the library's forms.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WechatpayConfig } from '../config.js';
import { parseJson } from './json.js';
import { UsageError } from './usage.js';

/** The shared options that choose the configuration. */
export interface ConfigChoice {
  config?: string | undefined;
  'base-url'?: string | undefined;
}

/** Each setting the environment can give, and its variable. */
export const ENVIRONMENT = {
  mchid: 'WXPAY_MCHID',
  serial: 'WXPAY_SERIAL',
  privateKey: 'WXPAY_PRIVATE_KEY',
  pkcs12: 'WXPAY_PKCS12',
  pkcs12Passphrase: 'WXPAY_PKCS12_PASSPHRASE',
  certs: 'WXPAY_CERTS',
  apiv3Key: 'WXPAY_APIV3_KEY',
  apiv2Key: 'WXPAY_APIV2_KEY',
  baseURL: 'WXPAY_BASE_URL',
} as const;

// Spellings older commands read, still honoured after the current one.
const OLDER: Partial<Record<keyof typeof ENVIRONMENT, string>> = { apiv3Key: 'WECHATPAY_APIV3_KEY' };

export const CREDENTIALS_HELP = `configuration, each setting from the first of: a flag, the --config file (else the file
WXPAY_CONFIG names), the environment:
  WXPAY_MCHID, WXPAY_SERIAL, WXPAY_PRIVATE_KEY (PEM text or file:// URL),
  or WXPAY_PKCS12 (file:// URL of apiclient_cert.p12) with WXPAY_PKCS12_PASSPHRASE,
  WXPAY_CERTS (JSON: {"PUB_KEY_ID_…": "file:///…pem"} or serial → certificate),
  WXPAY_APIV3_KEY (downloads the platform certificates when there are no certs),
  WXPAY_APIV2_KEY, WXPAY_BASE_URL
`;

/**
 * The configuration the flags, the config file and the environment give, `given` (a command's own
 * flags) over all; a UsageError when there is none at all, unless not `required`.
 */
export function loadConfig(choice: ConfigChoice, env: NodeJS.ProcessEnv, given?: Partial<WechatpayConfig>): WechatpayConfig;
export function loadConfig(choice: ConfigChoice, env: NodeJS.ProcessEnv, given: Partial<WechatpayConfig>, required: false): Partial<WechatpayConfig>;
export function loadConfig(choice: ConfigChoice, env: NodeJS.ProcessEnv, given: Partial<WechatpayConfig> = {}, required = true): Partial<WechatpayConfig> {
  const path = choice.config ?? env.WXPAY_CONFIG;
  const file = path ? loadConfigFile(path, choice.config !== undefined ? '--config' : 'WXPAY_CONFIG') : {};
  const fromEnv = environmentConfig(env);
  // The merchant key comes whole from one place: a file's privateKey is not paired with the
  // environment's pkcs12, nor its serial checked against another key's.
  const keyed = (layer: Partial<WechatpayConfig>) => layer.privateKey !== undefined || layer.pkcs12 !== undefined;
  if (keyed(file) || keyed(given)) for (const field of ['privateKey', 'pkcs12', 'pkcs12Passphrase', 'serial'] as const) delete fromEnv[field];
  const below: Partial<WechatpayConfig> = { ...fromEnv, ...file };
  if (given.privateKey !== undefined) delete below.pkcs12;
  if (given.pkcs12 !== undefined) delete below.privateKey;
  const config = { ...below, ...given, ...(choice['base-url'] !== undefined ? { baseURL: choice['base-url'] } : {}) };
  if (required && !path && config.mchid === undefined) {
    throw new UsageError(`no credentials: give --config <client.json>, or set WXPAY_CONFIG, or WXPAY_MCHID and the others\n${CREDENTIALS_HELP}`);
  }
  return config;
}

/** The base URL alone (for a command that needs no keys): --base-url, the config file's baseURL, WXPAY_BASE_URL. */
export function loadBaseUrl(choice: ConfigChoice, env: NodeJS.ProcessEnv): string | undefined {
  if (choice['base-url'] !== undefined) return choice['base-url'];
  const path = choice.config ?? env.WXPAY_CONFIG;
  const fromFile = path ? loadConfigFile(path, choice.config !== undefined ? '--config' : 'WXPAY_CONFIG').baseURL : undefined;
  return fromFile ?? (env.WXPAY_BASE_URL || undefined);
}

function environmentConfig(env: NodeJS.ProcessEnv): Partial<WechatpayConfig> {
  const out: Record<string, unknown> = {};
  for (const [field, name] of Object.entries(ENVIRONMENT) as [keyof typeof ENVIRONMENT, string][]) {
    const older = OLDER[field];
    const value = env[name] || (older ? env[older] : undefined) || undefined;
    if (value === undefined) continue;
    out[field] = field === 'certs' ? certsOf(value) : value;
  }
  return out as Partial<WechatpayConfig>;
}

function certsOf(text: string): Record<string, string> {
  const certs = parseJson(text, 'WXPAY_CERTS');
  if (typeof certs !== 'object' || certs === null || Array.isArray(certs)) throw new UsageError('WXPAY_CERTS: expected a JSON object {"<serial or PUB_KEY_ID_…>": "<PEM or file:// URL>"}');
  return certs as Record<string, string>;
}

/** The configuration in the file at `path` (named `via` in messages); a UsageError (exit status 2) when it cannot be read as one. */
export function loadConfigFile(path: string, via = '--config'): Partial<WechatpayConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${via}: cannot read the config file ${path} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (code ?? 'unreadable')})`);
  }
  const config = parseJson(text, `${via} ${path}`);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UsageError(`${via} ${path}: expected a JSON object with mchid, serial, privateKey and certs (as the client.json \`wxpay-chain mock\` writes)`);
  }
  return withKeyFiles(config as Record<string, unknown>, pathToFileURL(file), path) as Partial<WechatpayConfig>;
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
