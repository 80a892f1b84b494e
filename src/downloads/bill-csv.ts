// Reads a bill file as WeChat Pay writes it, line by line as it streams: a header line, data
// lines whose every field starts with a backtick (so spreadsheets keep long numbers as text),
// then a summary header and one summary line. The backtick is the real field marker, so a line
// is split on ",`" and a comma inside a product name stays in its field: this is why the reader
// is a line splitter and not an RFC 4180 CSV parser (the format has no quoting to parse).
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { DownloadError } from './errors.js';
import { NAMES, SUMMARY_NAMES, type FundFlowField, type FundFlowSummaryField, type TradeField, type TradeSummaryField } from './columns.js';

export type BillKind = 'trade' | 'fundflow';
/** A row of a trade bill: exactly the columns documented for trade bills (a misspelled one is a compile error). */
export type TradeBillRow = { [K in TradeField]?: string };
/** A row of a fund-flow bill: exactly its documented columns. */
export type FundFlowBillRow = { [K in FundFlowField]?: string };
interface Rows {
  trade: TradeBillRow;
  fundflow: FundFlowBillRow;
}
interface Summaries {
  trade: { [F in TradeSummaryField]?: string };
  fundflow: { [F in FundFlowSummaryField]?: string };
}
/**
 * A row of a `kind` bill, keyed by field name: exactly that kind's documented columns (each
 * optional, since the bill type chosen decides which appear). Read without a kind, a row is keyed
 * by whatever the header says (a column this version does not know keeps its header text).
 */
export type BillRow<K extends BillKind | undefined = undefined> = K extends BillKind ? Rows[K] : Readonly<Record<string, string | undefined>>;
export type BillSummary<K extends BillKind | undefined = undefined> = K extends BillKind ? Summaries[K] : Readonly<Record<string, string | undefined>>;

const MAX_LINE = 64 * 1024;

/** Rows as they stream (`for await`), then `summary` once the rows are read. */
export class BillReader<K extends BillKind | undefined = undefined> implements AsyncIterable<BillRow<K>> {
  /** The summary line, set when iteration reaches it. */
  summary: BillSummary<K> | undefined;
  /** The header text of the data columns. */
  columns: string[] = [];
  constructor(readonly source: AsyncIterable<Buffer | string>) {}

  async *[Symbol.asyncIterator](): AsyncIterator<BillRow<K>> {
    let keys: string[] | undefined;
    let summaryKeys: string[] | undefined;
    for await (const line of lines(this.source)) {
      if (line === '') continue;
      if (!keys) {
        this.columns = line.replace(/^\uFEFF/, '').split(',');
        keys = this.columns.map((title) => NAMES[title] ?? title);
      } else if (line.startsWith('`') && !summaryKeys) {
        yield record(keys, line) as BillRow<K>;
      } else if (!summaryKeys) {
        summaryKeys = line.split(',').map((title) => SUMMARY_NAMES[title] ?? title);
      } else {
        this.summary = record(summaryKeys, line) as BillSummary<K>;
      }
    }
  }

  /** Every row (at most `limit`), and the summary when the file was read to its end. */
  async toArray(options: { limit?: number } = {}): Promise<BillRow<K>[]> {
    const limit = options.limit ?? Infinity;
    const rows: BillRow<K>[] = [];
    if (limit <= 0) return rows;
    for await (const row of this) {
      rows.push(row);
      if (rows.length >= limit) break;
    }
    return rows;
  }
}

/** `readBill(wxpay.downloads.stream(answer), 'trade')`: rows typed exactly as a trade (or fund-flow) bill's columns. */
export function readBill<K extends BillKind | undefined = undefined>(source: Readable | AsyncIterable<Buffer | string>, _kind?: K): BillReader<K> {
  return new BillReader<K>(source);
}

function record(keys: string[], line: string): Record<string, string> {
  const cells = line.slice(line.startsWith('`') ? 1 : 0).split(',`');
  const row: Record<string, string> = {};
  cells.forEach((cell, index) => (row[keys[index] ?? String(index)] = cell));
  return row;
}

async function* lines(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = rest.indexOf('\n'); end !== -1; end = rest.indexOf('\n', start)) {
      yield rest.slice(start, end).replace(/\r$/, '');
      start = end + 1;
    }
    rest = rest.slice(start);
    if (rest.length > MAX_LINE) throw new DownloadError('BAD_FORMAT', `a bill line longer than ${MAX_LINE} characters: not a bill file`);
  }
  rest += decoder.end();
  if (rest !== '') yield rest.replace(/\r$/, '');
}
