// `wxpay-chain bill <kind> --date YYYY-MM-DD --out <file>`: applies for the day's bill (or asks
// for the statement), downloads it with a progress bar, checks it as its documentation
// prescribes, and writes the file only once it verified.
import type { Writable } from 'node:stream';
import type * as CliProgress from 'cli-progress';
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../index.js';
import type { DownloadSource, FileLink } from '../downloads/index.js';
import { lazy } from '../lazy.js';
import { printableIo } from './output.js';
import { CREDENTIALS_HELP, defaultIo, loadCredentials, parseCommand, report, type CliIo } from './request.js';
import { UsageError } from './usage.js';


const USAGE = `usage: wxpay-chain bill <trade|fundflow|sub-merchant|statement> --date YYYY-MM-DD --out <file> [options]

  --type <t>            trade bill type: ALL (default), SUCCESS, REFUND, …
  --account-type <t>    fund-flow account: BASIC (default), OPERATION, FEES
  --sub-mchid <id>      the sub-merchant (required for sub-merchant; optional for trade)
  --gzip                ask for a GZIP transfer (the file written is the bill itself)
  --base-uri <url>      statements from another host, e.g. https://apihk.mch.weixin.qq.com/
  --config <file>       client config JSON (default: WXPAY_CONFIG or the environment)
  -h, --help            this text

${CREDENTIALS_HELP}`;

const KINDS = new Set(['trade', 'fundflow', 'sub-merchant', 'statement']);

export interface BillIo extends CliIo {
  /** Where the progress bar is drawn (default: stderr, when it is a terminal). */
  progress?: Writable & { isTTY?: boolean };
}

const progressLibrary = lazy<typeof CliProgress>('cli-progress');

export async function run(argv: string[], given: BillIo = defaultIo): Promise<number> {
  const io = printableIo(given);
  const parsed = parseCommand(
    'bill',
    argv,
    {
      date: { type: 'string' },
      out: { type: 'string' },
      type: { type: 'string' },
      'account-type': { type: 'string' },
      'sub-mchid': { type: 'string' },
      gzip: { type: 'boolean' },
      'base-uri': { type: 'string' },
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  try {
    const kind = positionals[0];
    if (!kind || !KINDS.has(kind) || positionals.length > 1) throw new UsageError('give one kind: trade, fundflow, sub-merchant or statement');
    if (!values.date || !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) throw new UsageError('--date YYYY-MM-DD is required');
    if (!values.out) throw new UsageError('--out <file> is required');
    if (kind === 'sub-merchant' && !values['sub-mchid']) throw new UsageError('--sub-mchid is required for a sub-merchant bill');
    const wxpay = untyped(new Wechatpay(loadCredentials(values.config, io.env ?? process.env)));
    const sources = await apply(wxpay, kind, values);
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
    return report('bill', error, io);
  }
}

type Values = { date?: string; type?: string; 'account-type'?: string; 'sub-mchid'?: string; gzip?: boolean; 'base-uri'?: string };

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
      return [{ statement: { date: values.date!.replaceAll('-', '') }, gzip: values.gzip === true, ...(values['base-uri'] ? { base_uri: values['base-uri'] } : {}) }];
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
