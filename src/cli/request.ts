// `wxpay-chain request METHOD PATH [--query k=v]… [--json <json|@file>] [--header k=v]…
// [--param k=v]…`: one signed APIv3 call from the shell, its answer printed with what verified it.
import { readFileSync } from 'node:fs';
import { DEFAULT_BASE_URL } from '../config.js';
import { Wechatpay, untyped } from '../index.js';
import { nearest } from '../nearest.js';
import type { Method } from '../typing.js';
import { CREDENTIALS_HELP, loadConfig } from './credentials.js';
import { parseJson } from './json.js';
import { CONFIG_OPTIONS, parseCommand, usage, type OptionSpecs } from './options.js';
import { jsonText, printableIo, stdio, type CliIo } from './output.js';
import { report } from './report.js';
import { UsageError } from './usage.js';

const OPTIONS = {
  query: { type: 'string', multiple: true, arg: '<name=value>', help: 'a query parameter (repeat for more)' },
  json: { type: 'string', arg: '<json|@file>', help: 'the JSON body, or @file.json to read it from a file' },
  header: { type: 'string', multiple: true, arg: '<name=value>', help: 'a request header (repeat for more)' },
  param: { type: 'string', multiple: true, arg: '<name=value>', help: 'the value of {name} in a PATH written as a template (repeat for more)' },
} as const satisfies OptionSpecs;

const USAGE = usage(
  `usage: wxpay-chain request <METHOD> <PATH> [options]

  METHOD                  get, post, put, patch or delete
  PATH                    a path, e.g. v3/pay/transactions/out-trade-no/T1, or a documented
                          template with each {name} given by --param, e.g.
                          'v3/pay/transactions/out-trade-no/{out_trade_no}' --param out_trade_no=T1`,
  OPTIONS,
  CONFIG_OPTIONS,
  CREDENTIALS_HELP,
);

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** `name=value` pairs (a repeated flag) into an object; a value without `=` is a usage error naming the flag. */
export function pairs(flag: string, items: readonly string[] | undefined, example: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes name=value, e.g. ${flag} ${example}; got ${JSON.stringify(item)}`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

/** The `--param` values for the `{name}`s of `template`: each one given, and nothing else. */
export function pathParameters(template: string, given: readonly string[] | undefined): Record<string, string> {
  const names = [...template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);
  const params: Record<string, string> = {};
  for (const item of given ?? []) {
    const [name, value] = Object.entries(pairs('--param', [item], `${names[0] ?? 'out_trade_no'}=…`))[0]!;
    if (!names.includes(name)) {
      const meant = nearest(name, names);
      const which = names.length ? `its {names}: ${names.join(', ')}${meant ? `; did you mean --param ${meant}=…?` : ''}` : 'it has no {name} to fill';
      throw new UsageError(`--param ${name}: PATH has no {${name}} (${which}); a query parameter is --query ${name}=…`);
    }
    if (Object.hasOwn(params, name)) throw new UsageError(`--param ${name} is given twice`);
    params[name] = value;
  }
  const missing = names.filter((name) => !Object.hasOwn(params, name));
  if (missing.length) throw new UsageError(`PATH has ${missing.map((name) => `{${name}}`).join(', ')}: give ${missing.map((name) => `--param ${name}=…`).join(' ')}`);
  return params;
}

export async function run(argv: string[], given: CliIo = stdio): Promise<number> {
  const io = printableIo(given);
  const parsed = parseCommand('request', argv, { ...OPTIONS, ...CONFIG_OPTIONS }, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  let url: string | undefined;
  try {
    const [verb, path, ...extra] = positionals;
    const method = verb?.toLowerCase();
    if (!method || !METHODS.has(method)) throw new UsageError(`give a METHOD (get, post, put, patch or delete) and a PATH${verb ? `; got ${JSON.stringify(verb)}` : ''}`);
    if (!path) throw new UsageError('give the PATH to call, e.g. v3/certificates');
    if (extra.length) throw new UsageError(`one PATH only; ${JSON.stringify(extra[0])} is one too many (query parameters go in --query name=value)`);
    const template = path.replace(/^\/+/, '');
    const params = pathParameters(template, values.param);
    const options: Record<string, unknown> = { ...params };
    const query = pairs('--query', values.query, 'mchid=1900000001');
    if (Object.keys(query).length) options.query = query;
    const headers = pairs('--header', values.header, 'Idempotency-Key=…');
    if (Object.keys(headers).length) options.headers = headers;
    if (values.json !== undefined) options.json = readJson(values.json);
    const config = loadConfig(values, io.env ?? process.env);
    const wxpay = untyped(new Wechatpay(config));
    url = new URL(template.replace(/\{([^{}]+)\}/g, (_, name: string) => encodeURIComponent(params[name]!)), config.baseURL ?? DEFAULT_BASE_URL).href;
    const response = await wxpay.request(method as Method, template, options);
    const verified = response.verified ? `(verified: WeChat Pay signature checked with ${String(response.headers['wechatpay-serial'])})` : '(NOT verified: this answer carries no WeChat Pay signature)';
    io.out(`HTTP ${response.status} ${verified}\n`);
    if (response.data !== undefined) io.out(`${typeof response.data === 'string' ? response.data : jsonText(response.data)}\n`);
    return 0;
  } catch (error) {
    return report('request', error, io, { url });
  }
}

function readJson(given: string): unknown {
  if (!given.startsWith('@')) return parseJson(given, '--json');
  const file = given.slice(1);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--json: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  return parseJson(text, `--json ${given}`);
}
