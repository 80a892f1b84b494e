// Every command's options as plain data, parsed by node:util parseArgs and listed in its --help
// the same way; the shared ones (--config, --base-url, --help) are defined once, here. A mistake
// is said in the CLI's words: the option as typed, the one probably meant, where a setting that
// is not a flag of this command goes.
import { parseArgs } from 'node:util';
import { nearest } from '../nearest.js';
import { ENVIRONMENT } from './credentials.js';
import type { CliIo } from './output.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** The value as the help shows it, e.g. `<file>`. */
  arg?: string;
  /** One line (or more, joined by \n) for the help. */
  help: string;
  /** Other spellings accepted for it (and listed in the help as such). */
  aliases?: readonly string[];
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Where a client's configuration comes from; every command that talks to WeChat Pay (or the mock) takes these. */
export const CONFIG_OPTIONS = {
  config: { type: 'string', arg: '<file>', help: 'the client configuration: a JSON file, as new Wechatpay() takes it\n(default: the file WXPAY_CONFIG names)' },
  'base-url': { type: 'string', arg: '<url>', help: "where requests go: WeChat Pay's host, or the mock's URL\n(default: baseURL of the configuration, else WXPAY_BASE_URL)" },
} as const satisfies OptionSpecs;

export const HELP_OPTION = { help: { type: 'boolean', short: 'h', help: 'this text' } } as const satisfies OptionSpecs;

// The settings other commands take as flags (certificates' --mchid, …): said where they go here.
const SETTING_FLAGS: Readonly<Record<string, keyof typeof ENVIRONMENT>> = {
  mchid: 'mchid',
  serial: 'serial',
  key: 'privateKey',
  'private-key': 'privateKey',
  p12: 'pkcs12',
  passphrase: 'pkcs12Passphrase',
  'apiv3-key': 'apiv3Key',
  'apiv2-key': 'apiv2Key',
  certs: 'certs',
};

// Spellings of the base URL other tools (and older versions of these commands) use.
const BASE_URL_SPELLINGS = new Set(['url', 'base-uri', 'baseurl', 'base_url', 'base-url', 'baseuri', 'base_uri', 'host', 'endpoint']);

const COLUMN = 26;

/** The help's lines for `specs`, in one layout for every command. */
export function describeOptions(specs: OptionSpecs): string {
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.arg ? ` ${spec.arg}` : ''}`;
    const [first = '', ...more] = spec.help.split('\n');
    lines.push(`  ${flag.padEnd(COLUMN - 3)} ${first}`.trimEnd(), ...more.map((line) => `${' '.repeat(COLUMN)}${line}`));
    for (const alias of spec.aliases ?? []) lines.push(`  ${`--${alias}${spec.arg ? ` ${spec.arg}` : ''}`.padEnd(COLUMN - 3)} the same as --${name}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** A command's help: its usage lines, its own options, then the shared ones under one heading. */
export function usage(head: string, own: OptionSpecs, shared: OptionSpecs, tail = ''): string {
  const options = Object.keys(own).length ? `\noptions:\n${describeOptions(own)}` : '';
  return `${head.trimEnd()}\n${options}\nshared options:\n${describeOptions({ ...shared, ...HELP_OPTION })}${tail ? `\n${tail}` : ''}`;
}

type Values<S extends OptionSpecs> = {
  [K in keyof S]?: S[K] extends { type: 'boolean' } ? boolean : S[K] extends { multiple: true } ? string[] : string;
} & { help?: boolean };

export interface Parsed<S extends OptionSpecs> {
  values: Values<S>;
  positionals: string[];
}

/**
 * `argv` read against `specs` (plus -h, --help): the values (an alias's under its option's name)
 * and positionals, or the exit status when there is nothing to run (0 after printing the help, 2
 * after a usage error and the help).
 */
export function parseCommand<S extends OptionSpecs>(command: string, argv: string[], specs: S, help: string, io: CliIo, allowPositionals = true): Parsed<S> | number {
  const all: OptionSpecs = { ...specs, ...HELP_OPTION };
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  const aliasOf: Record<string, string> = {};
  for (const [name, spec] of Object.entries(all)) {
    for (const key of [name, ...(spec.aliases ?? [])]) {
      options[key] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(key === name && spec.short ? { short: spec.short } : {}) };
      aliasOf[key] = name;
    }
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    io.err(`wxpay-chain ${command}: ${mistake(command, argv, options, aliasOf, error)}\n\n${help}`);
    return 2;
  }
  const values: Record<string, unknown> = {};
  const typed: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.values)) {
    const name = aliasOf[key]!;
    if (typed[name] !== undefined && !Array.isArray(value)) {
      io.err(`wxpay-chain ${command}: --${typed[name]} and --${key} are the same option: give one\n`);
      return 2;
    }
    typed[name] = key;
    values[name] = Array.isArray(value) && Array.isArray(values[name]) ? [...(values[name] as string[]), ...value] : value;
  }
  if (values.help) {
    io.out(help);
    return 0;
  }
  return { values: values as Values<S>, positionals: parsed.positionals };
}

/** What was wrong with the arguments, in the CLI's words (parseArgs' own as the last resort). */
function mistake(command: string, argv: string[], options: Record<string, { type: string; short?: string }>, aliasOf: Record<string, string>, error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const { tokens } = parseArgs({ args: argv, options: options as never, strict: false, allowPositionals: true, tokens: true });
    const unknown = tokens.find((t) => t.kind === 'option' && !Object.hasOwn(options, t.name) && !Object.values(options).some((o) => o.short === t.name));
    if (unknown?.kind === 'option') return unknownOption(command, unknown.rawName, unknown.name, Object.keys(options), aliasOf);
  }
  const named = /Option '(?:-\w, )?--([\w-]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && named) {
    if (/does not take an argument/.test(message)) return `--${named} takes no value`;
    if (/ambiguous/.test(message)) return `--${named} needs a value (one that starts with "-" is written --${named}=-…)`;
    return `--${named} needs a value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const extra = /'([^']*)'/.exec(message)?.[1];
    return `unexpected argument${extra !== undefined ? ` ${JSON.stringify(extra)}` : ''}: this command takes only options`;
  }
  return message;
}

function unknownOption(command: string, raw: string, name: string, known: string[], aliasOf: Record<string, string>): string {
  const said = `unknown option ${raw}`;
  if (raw.startsWith('--')) {
    // An older spelling found nearest is answered with the one it stands for.
    const meant = nearest(name, known);
    if (meant) return `${said}; did you mean --${aliasOf[meant] ?? meant}?`;
    if (BASE_URL_SPELLINGS.has(name.toLowerCase()) && known.includes('base-url')) return `${said}; did you mean --base-url?`;
    const setting = SETTING_FLAGS[name];
    if (setting && known.includes('config')) return `${said}: ${command} takes ${setting} from the --config file or ${ENVIRONMENT[setting]}`;
  }
  return said;
}
