// Where `wxpay-chain request` and `wxpay-chain bill` find the merchant's credentials: a config
// file (`--config`, or WXPAY_CONFIG; the client.json `wxpay-chain mock` writes is one), else
// environment variables. Keys may be PEM text or file:// URLs, as in `new Wechatpay()`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { WechatpayConfig } from '../config.js';

export const CREDENTIALS_HELP = `credentials: --config <client.json> (or WXPAY_CONFIG), else the environment:
  WXPAY_MCHID, WXPAY_SERIAL, WXPAY_PRIVATE_KEY (PEM or file:// URL),
  WXPAY_CERTS (JSON: {"PUB_KEY_ID_…": "file:///…pem"} or serial → certificate),
  WXPAY_APIV3_KEY (downloads the platform certificates when WXPAY_CERTS is absent),
  WXPAY_APIV2_KEY, WXPAY_BASE_URL
`;

export class UsageError extends Error {}

export function loadCredentials(configPath: string | undefined, env: NodeJS.ProcessEnv): WechatpayConfig {
  const file = configPath ?? env.WXPAY_CONFIG;
  if (file) {
    let text: string;
    try {
      text = readFileSync(resolve(file), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the config file ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    try {
      return JSON.parse(text) as WechatpayConfig;
    } catch {
      throw new UsageError(`${file} is not JSON (expected an object like the client.json \`wxpay-chain mock\` writes)`);
    }
  }
  if (!env.WXPAY_MCHID) throw new UsageError(`no credentials: give --config <client.json> or set WXPAY_MCHID and the others\n${CREDENTIALS_HELP}`);
  let certs: Record<string, string> = {};
  if (env.WXPAY_CERTS) {
    try {
      certs = JSON.parse(env.WXPAY_CERTS) as Record<string, string>;
    } catch {
      throw new UsageError('WXPAY_CERTS is not JSON: expected {"<serial or PUB_KEY_ID_…>": "<PEM or file:// URL>"}');
    }
  }
  return {
    mchid: env.WXPAY_MCHID,
    ...(env.WXPAY_SERIAL ? { serial: env.WXPAY_SERIAL } : {}),
    ...(env.WXPAY_PRIVATE_KEY ? { privateKey: env.WXPAY_PRIVATE_KEY } : {}),
    certs,
    ...(env.WXPAY_APIV3_KEY ? { apiv3Key: env.WXPAY_APIV3_KEY } : {}),
    ...(env.WXPAY_APIV2_KEY ? { apiv2Key: env.WXPAY_APIV2_KEY } : {}),
    ...(env.WXPAY_BASE_URL ? { baseURL: env.WXPAY_BASE_URL } : {}),
  };
}

/** `k=v` pairs (repeated flags) into an object; a value without `=` is a usage error naming the flag. */
export function pairs(flag: string, items: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} expects name=value, got "${item}"`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

export const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

type Options = NonNullable<ParseArgsConfig['options']>;
type Common = { help: { type: 'boolean'; short: 'h' }; config: { type: 'string' } };
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O & Common; strict: true; allowPositionals: true }>>;

/**
 * Parses a command's arguments (with `-h, --help` and `--config <file>` added): the values and positionals, or the exit
 * code when there is nothing left to run (2 after printing a usage error, 0 after the help).
 */
export function parseCommand<O extends Options>(command: string, argv: string[], options: O, usage: string, io: CliIo): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } as const, config: { type: 'string' } as const }, strict: true, allowPositionals: true }) as Parsed<O>;
  } catch (error) {
    io.err(`wxpay-chain ${command}: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out(usage);
    return 0;
  }
  return parsed;
}
