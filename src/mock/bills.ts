// The mock's bills and statements, served the way WeChat Pay serves them: the apply call answers
// (signed) with a `download_url` pointing back at this mock and the SHA1 of the bill, the
// download route sends the file unsigned (gzip when `tar_type=GZIP`), a sub-merchant bill comes
// sealed under a per-file key encrypted to the merchant, and a statement carries its SHA1 in
// `Wechatpay-Statement-Sha1`, signed in place of the body. Rows come from `bills.source` when
// the sandbox supplies the day's orders (or its refusal: a day not over yet, a day without any);
// sample rows, marked as such, only without a sandbox or when asked for (`bills.samples`).
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import { statementSignedText } from '../downloads/checks.js';
import { FUND_FLOW_COLUMNS, FUND_FLOW_SUMMARY_COLUMNS, TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS } from '../downloads/columns.js';
import type { MockAnswer } from './answer.js';
import { isoDay } from './state/time.js';

export type BillKind = 'trade' | 'fundflow' | 'sub-merchant-fundflow' | 'statement';

/** One row of a bill, by field name (`out_trade_no`, `amount`, …; see docs/mock.md); absent fields are empty. */
export type BillRows = ReadonlyArray<Readonly<Record<string, string | number>>>;

/** WeChat Pay's refusal to issue a bill (`STATEMENT_CREATING`, `NO_STATEMENT_EXIST`, …). */
export interface BillRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * Supplies the day's rows of a bill (`date` is `YYYY-MM-DD`), or the refusal WeChat Pay would
 * answer; `undefined` is a day with nothing on it. Trade and statement rows use the trade fields,
 * fund-flow rows the fund-flow fields.
 */
export type BillRowSource = (kind: BillKind, date: string, query: Readonly<Record<string, string>>) => BillRows | BillRefusal | undefined;

/** The text attach (trade bills) or remark (fund-flow bills) of every sample row carries. */
export const SAMPLE_MARK = 'wxpay-chain sample row';

export interface MockBills {
  /** Where the day's rows come from (the sandbox's order state); without one, every bill is the sample rows. */
  source: BillRowSource | undefined;
  /**
   * Add the sample rows (marked `wxpay-chain sample row` in `attach` / `remark`) to the day's own
   * rows, and serve them for a day with nothing on it instead of `NO_STATEMENT_EXIST`. Off by
   * default with a sandbox: a merchant's bill never shows rows that are not its own unless asked.
   */
  samples: boolean;
  /** The next `times` files served (bills, statements, files) have one byte changed after their digest was taken. */
  corrupt(times?: number): void;
  /**
   * Serves `body` from a download route (`v3/billdownload/file` by default, or an e-receipt /
   * fapiao download) and returns the apply answer for it: `download_url`, `hash_type`, `hash_value`.
   */
  file(body: Buffer | string, options?: { hashType?: 'SHA1' | 'SHA256' | 'SM3'; route?: DownloadRoute }): { download_url: string; hash_type: string; hash_value: string };
  /** The bill text (before gzip or sealing) the mock would serve for this kind and day; throws the refusal it would answer instead. */
  text(kind: BillKind, date: string, query?: Record<string, string>): string;
}

/** What a bill route reads of a request (the mock's RecordedRequest). */
export interface BillRequest {
  query: Readonly<Record<string, string>>;
  headers: IncomingHttpHeaders;
}


type DownloadRoute = 'v3/billdownload/file' | 'v3/transferdownload/elecvoucherfile' | 'v3/transferdownload/signfile' | 'v3/new-tax-control-fapiao/download';
const DOWNLOAD_ROUTES: readonly DownloadRoute[] = ['v3/billdownload/file', 'v3/transferdownload/elecvoucherfile', 'v3/transferdownload/signfile', 'v3/new-tax-control-fapiao/download'];

export interface BillsContext {
  url: string;
  mchid: string;
  merchantPublicKey: KeyObject;
  /** WeChat Pay's answer signature over a text (the statement digest), as headers. */
  sign(text: string): Record<string, string>;
  route(method: string, template: string, handler: (request: BillRequest) => MockAnswer, options?: { validate?: boolean }): void;
}

const KEEP = 256;

export function installBills(context: BillsContext): MockBills {
  const files = new Map<string, { body: Buffer; type: string }>();
  let corruptions = 0;

  const serve = (route: DownloadRoute, body: Buffer, query = ''): string => {
    const token = randomBytes(16).toString('hex');
    if (files.size >= KEEP) files.delete(files.keys().next().value!);
    files.set(token, { body, type: route === 'v3/billdownload/file' ? 'application/octet-stream' : 'application/pdf' });
    return `${context.url}${route}?token=${token}${query}`;
  };
  const maybeCorrupt = (body: Buffer): Buffer => {
    if (corruptions <= 0 || body.length === 0) return body;
    corruptions--;
    const copy = Buffer.from(body);
    copy[copy.length >> 1]! ^= 0x01;
    return copy;
  };

  const rowsFor = (kind: BillKind, date: string, query: Readonly<Record<string, string>>): BillRows | BillRefusal => {
    const own = bills.source?.(kind, date, query);
    if (own !== undefined && !isRows(own)) return own;
    if (own === undefined && bills.source && !bills.samples) {
      return { status: 400, code: 'NO_STATEMENT_EXIST', message: `账单文件不存在: ${isoDay(date)} 没有交易或退款 (no payment or refund that day; mock.bills.samples = true adds marked sample rows)` };
    }
    return [...(own ?? []), ...(bills.samples || !bills.source ? sampleRows(kind, date, context.mchid) : [])];
  };

  const bills: MockBills = {
    source: undefined,
    samples: false,
    corrupt(times = 1) {
      corruptions += times;
    },
    file(body, options = {}) {
      const bytes = Buffer.from(body);
      const hashType = options.hashType ?? 'SHA256';
      const hash_value = createHash(hashType.toLowerCase()).update(bytes).digest('hex');
      return { download_url: serve(options.route ?? 'v3/billdownload/file', bytes), hash_type: hashType, hash_value };
    },
    text(kind, date, query = {}) {
      const rows = rowsFor(kind, date, query);
      if (!isRows(rows)) throw new Error(`wxpay-chain mock: the ${kind} bill of ${date} is refused: ${rows.status} ${rows.code} ${rows.message}`);
      return csvOf(kind, rows);
    },
  };

  const refused = (refusal: BillRefusal): MockAnswer => ({ status: refusal.status, json: { code: refusal.code, message: refusal.message }, stateful: true });
  const issue = (kind: BillKind, request: BillRequest): { text: string; wire: Buffer; gzip: boolean } | BillRefusal => {
    const rows = rowsFor(kind, request.query.bill_date ?? '', request.query);
    if (!isRows(rows)) return rows;
    const text = csvOf(kind, rows);
    const gzip = request.query.tar_type === 'GZIP';
    return { text, gzip, wire: gzip ? gzipSync(text) : Buffer.from(text) };
  };
  const plainBill = (kind: BillKind) => (request: BillRequest): MockAnswer => {
    const issued = issue(kind, request);
    if ('code' in issued) return refused(issued);
    const { text, wire, gzip } = issued;
    return { json: { hash_type: 'SHA1', hash_value: sha1(text), download_url: serve('v3/billdownload/file', wire, gzip ? '&tartype=GZIP' : '') } };
  };

  context.route('GET', 'v3/bill/tradebill', plainBill('trade'), { validate: true });
  context.route('GET', 'v3/bill/fundflowbill', plainBill('fundflow'), { validate: true });
  context.route('GET', 'v3/bill/sub-merchant-fundflowbill', (request) => {
    const issued = issue('sub-merchant-fundflow', request);
    if ('code' in issued) return refused(issued);
    const { text, wire, gzip } = issued;
    // One file, sealed under its own key; the key is RSA-OAEP encrypted to the merchant.
    const key = Buffer.from(randomBytes(24).toString('base64'));
    const nonce = randomBytes(9).toString('base64');
    const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce));
    const sealed = Buffer.concat([cipher.update(wire), cipher.final(), cipher.getAuthTag()]);
    const encrypt_key = publicEncrypt({ key: context.merchantPublicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64');
    return {
      json: {
        download_bill_count: 1,
        download_bill_list: [
          { bill_sequence: 1, download_url: serve('v3/billdownload/file', sealed, gzip ? '&tartype=GZIP' : ''), encrypt_key, hash_type: 'SHA1', hash_value: sha1(text), nonce },
        ],
      },
    };
  }, { validate: true });

  for (const route of DOWNLOAD_ROUTES) {
    context.route('GET', route, (request) => {
      // A token this mock did not issue (a test calling the route directly) gets a sample file.
      const file = files.get(request.query.token ?? '') ?? sampleFile(route, request.query.tartype, context.mchid);
      return { raw: maybeCorrupt(file.body), unsigned: true, headers: { 'Content-Type': file.type } };
    });
  }

  const statement = (request: BillRequest): MockAnswer => {
    const { date, mchid } = request.query;
    const wrong = !date || !/^\d{8}$|^\d{4}-\d{2}-\d{2}$/.test(date) ? 'date' : !mchid ? 'mchid' : undefined;
    if (wrong) {
      const issue = wrong === 'date' ? 'expected the day as YYYYMMDD' : 'required';
      return { status: 400, json: { code: 'PARAM_ERROR', message: `query.${wrong}: ${issue}`, detail: { field: `query.${wrong}`, location: 'query', issue } } };
    }
    const rows = rowsFor('statement', date, request.query);
    if (!isRows(rows)) return refused(rows);
    const text = csvOf('statement', rows);
    const digest = sha1(text);
    const gzip = /\bgzip\b/i.test(String(request.headers['accept-encoding'] ?? ''));
    const headers: Record<string, string> = { ...context.sign(statementSignedText(digest)), 'Wechatpay-Statement-Sha1': digest, 'Content-Type': 'text/csv; charset=utf-8' };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return { raw: maybeCorrupt(gzip ? gzipSync(text) : Buffer.from(text)), unsigned: true, headers };
  };
  context.route('GET', 'v3/global/statements', statement);
  context.route('GET', 'v3/statements', statement);
  return bills;
}

function isRows(value: BillRows | BillRefusal): value is BillRows {
  return Array.isArray(value);
}

function csvOf(kind: BillKind, rows: BillRows): string {
  return kind === 'fundflow' || kind === 'sub-merchant-fundflow' ? fundFlowCsv(rows) : tradeCsv(rows);
}

function sampleFile(route: DownloadRoute, tartype: string | undefined, mchid: string): { body: Buffer; type: string } {
  if (route !== 'v3/billdownload/file') return { body: Buffer.from('%PDF-1.4\n%mock file\n%%EOF\n'), type: 'application/pdf' };
  const text = tradeCsv(sampleRows('trade', '', mchid));
  return String(tartype).toUpperCase() === 'GZIP' ? { body: gzipSync(text), type: 'application/x-gzip' } : { body: Buffer.from(text), type: 'text/plain; charset=utf-8' };
}

function sha1(text: string | Buffer): string {
  return createHash('sha1').update(text).digest('hex');
}

const BOM = '\uFEFF';

function csv(columns: Record<string, string>, summaryColumns: Record<string, string>, rows: BillRows, summary: Record<string, string | number>): string {
  const line = (names: Record<string, string>, row: Readonly<Record<string, string | number>>) =>
    Object.values(names).map((name) => `\`${row[name] ?? ''}`).join(',');
  return [
    BOM + Object.keys(columns).join(','),
    ...rows.map((row) => line(columns, row)),
    Object.keys(summaryColumns).join(','),
    line(summaryColumns, summary),
    '',
  ].join('\r\n');
}

const yuan = (value: number) => value.toFixed(2);
const sum = (rows: BillRows, name: string) => rows.reduce((total, row) => total + Number(row[name] ?? 0), 0);

function tradeCsv(rows: BillRows): string {
  return csv(TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS, rows, {
    total_count: rows.length,
    settlement_total: yuan(sum(rows, 'settlement_total')),
    refund_total: yuan(sum(rows, 'refund_amount')),
    recharge_refund_total: yuan(sum(rows, 'recharge_refund_amount')),
    fee_total: yuan(sum(rows, 'fee')),
    order_total: yuan(sum(rows, 'total')),
    refund_apply_total: yuan(sum(rows, 'refund_apply_amount')),
  });
}

function fundFlowCsv(rows: BillRows): string {
  const income = rows.filter((row) => row.direction === '收入');
  const expense = rows.filter((row) => row.direction !== '收入');
  return csv(FUND_FLOW_COLUMNS, FUND_FLOW_SUMMARY_COLUMNS, rows, {
    total_count: rows.length,
    income_count: income.length,
    income_amount: yuan(sum(income, 'amount')),
    expense_count: expense.length,
    expense_amount: yuan(sum(expense, 'amount')),
  });
}

/** A day with two payments and one refund (a comma in a product name, as real bills have), each row marked as a sample. */
export function sampleRows(kind: BillKind, date: string, mchid: string): BillRows {
  const iso = isoDay(date);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : '2024-06-01';
  if (kind === 'fundflow' || kind === 'sub-merchant-fundflow') {
    return [
      { accounting_time: `${day} 10:00:00`, business_no: '4200000001202406010000000001', flow_no: '100001', business_name: '交易', business_type: '交易', direction: '收入', amount: '1.00', balance: '1.00', applicant: 'system', remark: SAMPLE_MARK, voucher_no: '' },
      { accounting_time: `${day} 12:00:00`, business_no: '50300000012024060100000001', flow_no: '100002', business_name: '退款', business_type: '退款', direction: '支出', amount: '0.50', balance: '0.50', applicant: 'system', remark: SAMPLE_MARK, voucher_no: '' },
    ];
  }
  const base = { appid: 'wxd678efh567hg6787', mchid, sub_mchid: '0', device_info: '', openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', trade_type: 'JSAPI', bank_type: 'OTHERS', currency: 'CNY', coupon_amount: '0.00', fee: '0.01', rate: '0.60%', rate_note: '' };
  return [
    { ...base, trade_time: `${day} 10:00:00`, transaction_id: '4200000001202406010000000001', out_trade_no: 'T20240601001', trade_state: 'SUCCESS', settlement_total: '1.00', refund_id: '0', out_refund_no: '0', refund_amount: '0.00', recharge_refund_amount: '0.00', refund_type: '', refund_status: '', description: '公仔,大号', attach: SAMPLE_MARK, total: '1.00', refund_apply_amount: '0.00' },
    { ...base, trade_time: `${day} 11:00:00`, transaction_id: '4200000001202406010000000002', out_trade_no: 'T20240601002', trade_state: 'SUCCESS', settlement_total: '2.00', refund_id: '0', out_refund_no: '0', refund_amount: '0.00', recharge_refund_amount: '0.00', refund_type: '', refund_status: '', description: '公仔', attach: SAMPLE_MARK, total: '2.00', refund_apply_amount: '0.00' },
    { ...base, trade_time: `${day} 12:00:00`, transaction_id: '4200000001202406010000000001', out_trade_no: 'T20240601001', trade_state: 'REFUND', settlement_total: '0.00', refund_id: '50300000012024060100000001', out_refund_no: 'R20240601001', refund_amount: '0.50', recharge_refund_amount: '0.00', refund_type: 'ORIGINAL', refund_status: 'SUCCESS', description: '公仔,大号', attach: SAMPLE_MARK, total: '0.00', refund_apply_amount: '0.50', fee: '0.00' },
  ];
}
