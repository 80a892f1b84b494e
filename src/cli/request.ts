// `wxpay-chain request METHOD PATH [--query k=v]… [--json <json|@file>] [--header k=v]…`: one
// signed APIv3 call from the shell, its answer printed with what verified it.
import { readFileSync } from 'node:fs';
import { ApiError, VerificationError, WechatpayError } from '../errors.js';
import { Wechatpay, untyped } from '../index.js';
import type { Method } from '../typing.js';
import { CREDENTIALS_HELP, UsageError, defaultIo, loadCredentials, pairs, parseCommand, type CliIo } from './credentials.js';

export const summary = 'send one signed APIv3 call and print the verified answer';

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

export async function run(argv: string[], io: CliIo = defaultIo): Promise<number> {
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
  const text = given.startsWith('@') ? readFileSync(given.slice(1), 'utf8') : given;
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
    io.err(`HTTP ${error.status} ${error.code}: ${error.message} ${verification(error.verified, error.requestId ? `request ${error.requestId}` : 'its key')}\n`);
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
