// The sandbox from a shell. `wxpay-chain mock --state FILE --time-factor F` keeps orders across
// restarts and paces notification retries (the flags are defined here, wired into mock.ts);
// `wxpay-chain sandbox pay|fail|cancel|expire|redeliver|list` drives a running mock through its
// console's endpoints, as the console's buttons do.
import { resolve } from 'node:path';
import type { MockServer } from '../mock/server.js';
import type { SandboxOptions } from '../mock/state/index.js';
import { nearest } from '../nearest.js';
import { redactUrl } from '../redact.js';
import { loadBaseUrl } from './credentials.js';
import { CONFIG_OPTIONS, parseCommand, usage, type OptionSpecs } from './options.js';
import { jsonText, printableIo, stdio, type CliIo } from './output.js';
import { report } from './report.js';
import { UsageError } from './usage.js';


/** The `wxpay-chain mock` flags that configure the sandbox. */
export const sandboxFlags = {
  state: { type: 'string', arg: '<file>', help: 'keep orders, refunds and deliveries in <file> across restarts (written\natomically, off the request path)' },
  'time-factor': { type: 'string', arg: '<f>', help: "pace of notification retries: 1 is WeChat Pay's (15s, 15s, 30s, 3m, …),\ndefault 0.01" },
  'sample-bills': {
    type: 'boolean',
    help: 'bills carry sample rows (marked "wxpay-chain sample row"), also for a day\nwithout orders; without it such a day has no bill (NO_STATEMENT_EXIST),\nas at WeChat Pay',
  },
} as const satisfies OptionSpecs;

/** The sandbox options from `wxpay-chain mock` flags, or the usage error to print. */
export function sandboxOptions(values: { state?: string; 'time-factor'?: string }): SandboxOptions | string {
  const options: SandboxOptions = {};
  if (values.state !== undefined) options.stateFile = resolve(values.state);
  if (values['time-factor'] !== undefined) {
    const factor = Number(values['time-factor']);
    if (!(Number.isFinite(factor) && factor >= 0)) return '--time-factor must be a number ≥ 0 (1 is WeChat Pay\'s own pace)';
    options.timeFactor = factor;
  }
  return options;
}

/** What `wxpay-chain mock` prints about the sandbox once listening. */
export function sandboxBanner(mock: MockServer, options: SandboxOptions): string {
  const kept = options.stateFile ? `state kept in ${options.stateFile} (${mock.sandbox.orders().length} order(s) loaded)\n` : '';
  return `sandbox console: ${mock.url}\n${kept}`;
}

// --url was this command's first spelling of --base-url.
const SHARED = { ...CONFIG_OPTIONS, 'base-url': { ...CONFIG_OPTIONS['base-url'], aliases: ['url'] } } as const satisfies OptionSpecs;

const USAGE = usage(
  `usage: wxpay-chain sandbox <action> [<id>] [--base-url <mock url> | --config <its client.json>]

  pay <out_trade_no>          the payer pays (TRANSACTION.SUCCESS is sent to the order's notify_url)
  fail <out_trade_no>         the payment fails for lack of balance (PAYERROR)
  cancel <out_trade_no>       the payer closes the payment sheet (the order stays NOTPAY)
  expire <out_trade_no>       the order runs past its time_expire (CLOSED)
  redeliver <delivery id>     send a notification again
  list                        orders, refunds and deliveries as JSON

  the running mock (\`wxpay-chain mock\` prints its URL and client.json): --base-url, else baseURL
  of the configuration, else WXPAY_BASE_URL (or WXPAY_SANDBOX_URL)`,
  {},
  SHARED,
);

const OUTCOME: Record<string, string> = { pay: 'success', fail: 'insufficient-balance', cancel: 'cancel' };
const ACTIONS = [...Object.keys(OUTCOME), 'expire', 'redeliver', 'list'];

export async function run(argv: string[], given: CliIo = stdio): Promise<number> {
  const io = printableIo(given);
  const parsed = parseCommand('sandbox', argv, SHARED, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action, id, ...extra] = positionals;
  let url: URL;
  try {
    if (!action || !ACTIONS.includes(action)) {
      const meant = action ? nearest(action, ACTIONS) : undefined;
      throw new UsageError(`give an action: ${ACTIONS.join(', ')}${action ? `; got ${JSON.stringify(action)}${meant ? `: did you mean ${meant}?` : ''}` : ''}`);
    }
    if (action === 'list' ? id !== undefined : !id) throw new UsageError(action === 'list' ? `list takes no id; got ${JSON.stringify(id)}` : `${action} needs the ${action === 'redeliver' ? 'delivery id' : 'out_trade_no of the order'}`);
    if (extra.length) throw new UsageError(`one id only; ${JSON.stringify(extra[0])} is one too many`);
    const env = io.env ?? process.env;
    const base = loadBaseUrl(values, env) ?? (env.WXPAY_SANDBOX_URL || undefined);
    if (base === undefined) throw new UsageError('which mock? give --base-url <its URL> or --config <its client.json> (both printed by `wxpay-chain mock`), or set WXPAY_BASE_URL');
    if (!/^https?:\/\//i.test(base) || !URL.canParse(base)) throw new UsageError(`--base-url must be the mock's URL, e.g. http://127.0.0.1:8080/ (got ${JSON.stringify(redactUrl(base))})`);
    url = new URL(base);
  } catch (error) {
    return report('sandbox', error, io);
  }
  const path =
    action === 'list'
      ? '_sandbox/state'
      : action === 'redeliver'
        ? `_sandbox/deliveries/${encodeURIComponent(id!)}/redeliver`
        : `_sandbox/orders/${encodeURIComponent(id!)}/${action === 'expire' ? 'expire' : 'pay'}`;
  // fetch refuses a URL with credentials: they go as Basic authorization (a proxy in front of
  // the mock may ask for it), and never into a message.
  const target = new URL(path, url);
  const basic = target.username || target.password ? `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}` : undefined;
  target.username = '';
  target.password = '';
  let response: Response;
  try {
    response = await fetch(target, {
      method: action === 'list' ? 'GET' : 'POST',
      headers: { 'X-Wxpay-Sandbox': '1', 'Content-Type': 'application/json', ...(basic ? { Authorization: basic } : {}) },
      ...(action === 'list' ? {} : { body: JSON.stringify(OUTCOME[action] ? { outcome: OUTCOME[action] } : {}) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return report('sandbox', new Error(`no mock at ${redactUrl(url.href)} (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`), io);
  }
  const answer = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) {
    return report('sandbox', new Error(answer.message ?? `HTTP ${response.status}`), io);
  }
  io.out(action === 'list' ? `${jsonText(answer)}\n` : `${answer.message ?? 'done'}\n`);
  return 0;
}
