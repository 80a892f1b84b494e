// The sandbox from a shell. `wxpay-chain mock --state FILE --time-factor F` keeps orders across
// restarts and paces notification retries (the flags are defined here, wired into mock.ts);
// `wxpay-chain sandbox pay|fail|cancel|expire|redeliver|list` drives a running mock through its
// console's endpoints, as the console's buttons do.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MockServer } from '../mock/server.js';
import type { SandboxOptions } from '../mock/state/index.js';
import { redactUrl } from '../redact.js';
import { printableIo } from './output.js';


/** The `wxpay-chain mock` flags that configure the sandbox. */
export const sandboxFlags = {
  state: { type: 'string' },
  'time-factor': { type: 'string' },
  'sample-bills': { type: 'boolean' },
} as const;

export const SANDBOX_USAGE = `  --state <file>      keep orders, refunds and deliveries in <file> across restarts (written atomically, off the request path)
  --time-factor <f>   pace of notification retries: 1 is WeChat Pay's (15s, 15s, 30s, 3m, …), default 0.01
  --sample-bills      bills carry sample rows (marked "wxpay-chain sample row"), also for a day without
                      orders; without it such a day has no bill (NO_STATEMENT_EXIST), as at WeChat Pay
`;

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

const USAGE = `usage: wxpay-chain sandbox <action> [<id>] --url <mock url>

  pay <out_trade_no>          the payer pays (TRANSACTION.SUCCESS is sent to the order's notify_url)
  fail <out_trade_no>         the payment fails for lack of balance (PAYERROR)
  cancel <out_trade_no>       the payer closes the payment sheet (the order stays NOTPAY)
  expire <out_trade_no>       the order runs past its time_expire (CLOSED)
  redeliver <delivery id>     send a notification again
  list                        orders, refunds and deliveries as JSON

  --url <url>   the running mock (printed by \`wxpay-chain mock\`); default $WXPAY_SANDBOX_URL
  -h, --help    this text
`;

const OUTCOME: Record<string, string> = { pay: 'success', fail: 'insufficient-balance', cancel: 'cancel' };

export interface SandboxIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: SandboxIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export async function run(argv: string[], given: SandboxIo = defaultIo): Promise<number> {
  const io = printableIo(given);
  let parsed: { values: { url?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  } catch (error) {
    io.err(`wxpay-chain sandbox: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const [action, id, ...extra] = positionals;
  const needsId = action !== 'list';
  if (!action || !(action in OUTCOME || action === 'expire' || action === 'redeliver' || action === 'list') || (needsId && !id) || extra.length || (!needsId && id)) {
    io.err(`wxpay-chain sandbox: give one action${needsId ? ' and its id' : ''}\n${USAGE}`);
    return 2;
  }
  const base = values.url ?? process.env.WXPAY_SANDBOX_URL;
  let url: URL;
  try {
    url = new URL(base ?? '');
  } catch {
    io.err(`wxpay-chain sandbox: --url must be the mock's URL, e.g. http://127.0.0.1:8080/ (got ${JSON.stringify(redactUrl(base ?? ''))})\n`);
    return 2;
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
    io.err(`wxpay-chain sandbox: no mock at ${redactUrl(url.href)} (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message})\n`);
    return 1;
  }
  const answer = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) {
    io.err(`wxpay-chain sandbox: ${answer.message ?? `HTTP ${response.status}`}\n`);
    return 1;
  }
  io.out(action === 'list' ? `${JSON.stringify(answer, null, 2)}\n` : `${answer.message ?? 'done'}\n`);
  return 0;
}
