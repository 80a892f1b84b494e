// `wxpay-chain bill <kind> --date YYYY-MM-DD --out <file>`: applies for the day's bill (or asks
// for the statement), downloads it with a progress bar, checks it as its documentation
// prescribes, and writes the file only once it verified.
import type { Writable } from 'node:stream';
import type * as CliProgress from 'cli-progress';
import { DEFAULT_BASE_URL } from '../config.js';
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../index.js';
import type { DownloadSource, FileLink } from '../downloads/index.js';
import { lazy } from '../lazy.js';
import { CREDENTIALS_HELP, loadConfig } from './credentials.js';
import { CONFIG_OPTIONS, parseCommand, usage, type OptionSpecs } from './options.js';
import { printableIo, stdio, type CliIo } from './output.js';
import { report } from './report.js';
import { UsageError } from './usage.js';

const OPTIONS = {
  date: { type: 'string', arg: '<YYYY-MM-DD>', help: 'the day of the bill (required; a day that is over, in Beijing time)' },
  out: { type: 'string', arg: '<file>', help: 'where to write the bill (required); written only once it verified' },
  type: { type: 'string', arg: '<t>', help: 'trade bill type: ALL (default), SUCCESS, REFUND, …' },
  'account-type': { type: 'string', arg: '<t>', help: 'fund-flow account: BASIC (default), OPERATION, FEES' },
  'sub-mchid': { type: 'string', arg: '<id>', help: 'the sub-merchant (required for sub-merchant; optional for trade)' },
  gzip: { type: 'boolean', help: 'ask for a GZIP transfer (the file written is the bill itself)' },
} as const satisfies OptionSpecs;

// Statements from another host (e.g. https://apihk.mch.weixin.qq.com/) were asked for with
// --base-uri: it names the same thing as everywhere else, the URL the requests go to.
const SHARED = { ...CONFIG_OPTIONS, 'base-url': { ...CONFIG_OPTIONS['base-url'], aliases: ['base-uri'] } } as const satisfies OptionSpecs;

const USAGE = usage(
  `usage: wxpay-chain bill <trade|fundflow|sub-merchant|statement> --date YYYY-MM-DD --out <file> [options]

  a statement from another host: --base-url https://apihk.mch.weixin.qq.com/`,
  OPTIONS,
  SHARED,
  CREDENTIALS_HELP,
);

const KINDS = ['trade', 'fundflow', 'sub-merchant', 'statement'];

export interface BillIo extends CliIo {
  /** Where the progress bar is drawn (default: stderr, when it is a terminal). */
  progress?: Writable & { isTTY?: boolean };
}

const progressLibrary = lazy<typeof CliProgress>('cli-progress');

/** `YYYY-MM-DD` of a day that exists; a UsageError saying what is wrong with it otherwise. */
export function billDate(given: string | undefined): string {
  if (given === undefined) throw new UsageError('--date YYYY-MM-DD is required: the day of the bill, e.g. --date 2024-06-01');
  const parts = /^(\d{4})\D?(\d{1,2})\D?(\d{1,2})$/.exec(given);
  const written = parts && `${parts[1]}-${parts[2]!.padStart(2, '0')}-${parts[3]!.padStart(2, '0')}`;
  if (!written || written !== given) {
    throw new UsageError(`--date ${given}: write the day as YYYY-MM-DD, e.g. --date ${written && !notADay(written) ? written : '2024-06-01'}`);
  }
  const wrong = notADay(given);
  if (wrong) throw new UsageError(`--date ${given}: ${wrong}`);
  return given;
}

// Why YYYY-MM-DD `date` names no day, if it does not.
function notADay(date: string): string | undefined {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (month < 1 || month > 12) return `there is no month ${month} (YYYY-MM-DD: the month comes second, 01 to 12)`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day < 1 || day > days ? `${date.slice(0, 7)} has ${days} days, not ${day}` : undefined;
}

export async function run(argv: string[], given: BillIo = stdio): Promise<number> {
  const io = printableIo(given);
  const parsed = parseCommand('bill', argv, { ...OPTIONS, ...SHARED }, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  let url: string | undefined;
  try {
    const kind = positionals[0];
    if (!kind || !KINDS.includes(kind)) throw new UsageError(`give the kind of bill first: trade, fundflow, sub-merchant or statement${kind ? `; got ${JSON.stringify(kind)}` : ''}`);
    if (positionals.length > 1) throw new UsageError(`one kind of bill only; ${JSON.stringify(positionals[1])} is one too many`);
    const date = billDate(values.date);
    if (!values.out) throw new UsageError('--out <file> is required: where to write the bill');
    if (kind === 'sub-merchant' && !values['sub-mchid']) throw new UsageError('--sub-mchid is required for a sub-merchant bill');
    const config = loadConfig(values, io.env ?? process.env);
    const wxpay = untyped(new Wechatpay(config));
    url = config.baseURL ?? DEFAULT_BASE_URL;
    const sources = await apply(wxpay, kind, { ...values, date });
    for (const [index, source] of sources.entries()) {
      const target = sources.length > 1 ? `${values.out}.${index + 1}` : values.out;
      const bar = progressBar(io);
      try {
        const result = await wxpay.downloads.toFile(source, target, { onProgress: (received, total) => bar.update(received, total) });
        bar.stop(true);
        const check = result.digest ? `${result.digest.algorithm.toUpperCase()} ${result.digest.value} matches` : result.verified === 'none' ? 'no check documented' : result.verified;
        io.out(`${target}: ${result.bytes} bytes, verified (${check})\n`);
      } catch (error) {
        bar.stop(false);
        throw error;
      }
    }
    return 0;
  } catch (error) {
    return report('bill', error, io, { url });
  }
}

type Values = { date: string; type?: string; 'account-type'?: string; 'sub-mchid'?: string; gzip?: boolean };

async function apply(wxpay: UntypedWechatpayClient, kind: string, values: Values): Promise<DownloadSource[]> {
  const tar = values.gzip ? { tar_type: 'GZIP' } : {};
  const sub = values['sub-mchid'] ? { sub_mchid: values['sub-mchid'] } : {};
  switch (kind) {
    case 'trade':
      return [(await wxpay.v3.bill.tradebill.get({ query: { bill_date: values.date, bill_type: values.type ?? 'ALL', ...sub, ...tar } })).data as FileLink];
    case 'fundflow':
      return [(await wxpay.v3.bill.fundflowbill.get({ query: { bill_date: values.date, account_type: values['account-type'] ?? 'BASIC', ...tar } })).data as FileLink];
    case 'sub-merchant': {
      const { data } = await wxpay.v3.bill.subMerchantFundflowbill.get({
        query: { ...sub, bill_date: values.date, account_type: values['account-type'] ?? 'BASIC', algorithm: 'AEAD_AES_256_GCM', ...tar },
      });
      return ((data as { download_bill_list?: FileLink[] }).download_bill_list ?? []).slice();
    }
    default:
      return [{ statement: { date: values.date.replaceAll('-', '') }, gzip: values.gzip === true }];
  }
}

interface Bar {
  update(received: number, total: number | undefined): void;
  stop(done: boolean): void;
}

// cli-progress draws the bar when it is installed (an optional peer dependency) and the output
// is a terminal, or a stream was given; otherwise the CLI stays quiet until the result line.
function progressBar(io: BillIo): Bar {
  const stream = io.progress ?? (process.stderr.isTTY ? process.stderr : undefined);
  let library: typeof CliProgress | undefined;
  try {
    library = stream ? progressLibrary() : undefined;
  } catch {
    library = undefined;
  }
  if (!library || !stream) return { update: () => undefined, stop: () => undefined };
  const bar = new library.SingleBar(
    { stream, noTTYOutput: !stream.isTTY, notTTYSchedule: 250, format: 'downloading [{bar}] {percentage}% | {value}/{total} bytes', hideCursor: false },
    library.Presets.shades_classic,
  );
  let started = false;
  // A progress event can still arrive after the download failed and the bar was stopped: it must
  // not start a bar (and its render timer) that nothing would stop.
  let stopped = false;
  return {
    update(received, total) {
      if (stopped) return;
      const size = total ?? Math.max(received, 1);
      if (!started) {
        bar.start(size, 0);
        started = true;
      } else if (bar.getTotal() !== size) bar.setTotal(size);
      bar.update(received);
    },
    stop() {
      stopped = true;
      if (started) bar.stop();
    },
  };
}
