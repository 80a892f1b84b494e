// `wxpay-chain request METHOD PATH [--query k=v]… [--json <json|@file>] [--header k=v]…`: one
// signed APIv3 call from the shell, its answer printed with what verified it. Also what the
// other merchant commands (bill) share: credentials from a config file (`--config`, or
// WXPAY_CONFIG; the client.json `wxpay-chain mock` writes is one) or the environment, argument
// parsing, and error reporting. Kept here, as every file of src/cli/ is a command.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { WechatpayConfig } from '../config.js';
import { ApiError, VerificationError, WechatpayError } from '../errors.js';
import { Wechatpay, untyped } from '../index.js';
import type { Method } from '../typing.js';
import { printableIo } from './output.js';
import { UsageError } from './usage.js';

export const CREDENTIALS_HELP = `credentials: --config <client.json> (or WXPAY_CONFIG), else the environment:
  WXPAY_MCHID, WXPAY_SERIAL, WXPAY_PRIVATE_KEY (PEM or file:// URL),
  WXPAY_CERTS (JSON: {"PUB_KEY_ID_…": "file:///…pem"} or serial → certificate),
  WXPAY_APIV3_KEY (downloads the platform certificates when WXPAY_CERTS is absent),
  WXPAY_APIV2_KEY, WXPAY_BASE_URL
`;

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


const USAGE = `usage: wxpay-chain request <METHOD> <PATH> [options]

  METHOD              get, post, put, patch or delete
  PATH                e.g. v3/pay/transactions/out-trade-no/T1 (a path or a documented template)
  --query k=v         a query parameter (repeat for more)
  --json <json>       the JSON body, or @file.json
  --header k=v        a request header (repeat for more)
  --param k=v         a path parameter of a {template} (repeat for more)
  --config <file>     client config JSON (default: WXPAY_CONFIG or the environment)
  -h, --help          this text

${CREDENTIALS_HELP}`;

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export async function run(argv: string[], given: CliIo = defaultIo): Promise<number> {
  const io = printableIo(given);
  const parsed = parseCommand(
    'request',
    argv,
    {
      query: { type: 'string', multiple: true },
      json: { type: 'string' },
      header: { type: 'string', multiple: true },
      param: { type: 'string', multiple: true },
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  try {
    const [verb, path, ...extra] = positionals;
    const method = verb?.toLowerCase();
    if (!method || !METHODS.has(method) || !path || extra.length) throw new UsageError('give a METHOD (get, post, put, patch, delete) and one PATH');
    const options: Record<string, unknown> = { ...pairs('--param', values.param) };
    const query = pairs('--query', values.query);
    if (Object.keys(query).length) options.query = query;
    const headers = pairs('--header', values.header);
    if (Object.keys(headers).length) options.headers = headers;
    if (values.json !== undefined) options.json = parseJson(values.json);
    const wxpay = untyped(new Wechatpay(loadCredentials(values.config, io.env ?? process.env)));
    const template = path.replace(/^\/+/, '');
    const response = await wxpay.request(method as Method, template, options);
    io.out(`HTTP ${response.status} ${verification(response.verified, response.headers['wechatpay-serial'])}\n`);
    if (response.data !== undefined) io.out(`${typeof response.data === 'string' ? response.data : JSON.stringify(response.data, null, 2)}\n`);
    return 0;
  } catch (error) {
    return report('request', error, io);
  }
}

function parseJson(given: string): unknown {
  let text = given;
  if (given.startsWith('@')) {
    try {
      text = readFileSync(given.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`--json: cannot read ${given.slice(1)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--json is not valid JSON${given.startsWith('@') ? ` (in ${given.slice(1)})` : ''}`);
  }
}

function verification(verified: boolean, serial: unknown): string {
  return verified ? `(verified: WeChat Pay signature checked with ${String(serial)})` : '(NOT verified: this answer carries no WeChat Pay signature)';
}

/** Prints an error the way an operator can act on it; exit 2 for usage, 1 for everything else. */
export function report(command: string, error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.err(`wxpay-chain ${command}: ${error.message}\n`);
    return 2;
  }
  if (error instanceof ApiError) {
    io.err(`HTTP ${error.httpStatus} ${error.code}: ${error.message} ${verification(error.verified, error.requestId ? `request ${error.requestId}` : 'its key')}\n`);
    if (error.detail !== undefined) io.err(`${JSON.stringify(error.detail)}\n`);
    return 1;
  }
  if (error instanceof VerificationError) {
    io.err(`REFUSED (${error.code}): ${error.message}; the answer was not shown because it could not be verified\n`);
    return 1;
  }
  io.err(`wxpay-chain ${command}: ${error instanceof WechatpayError ? `${error.code}: ` : ''}${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
