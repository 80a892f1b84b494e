// Every download kind against the mock over loopback: the good file (streamed and to a file),
// a digest mismatch and a truncated transfer (no file, no temporary file left behind).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Formatter } from 'wechatpay-axios-plugin';
import { ApiError, DownloadError, ParameterError, Wechatpay, readBill, untyped, type DownloadSource, type UntypedWechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;
let dir: string;
beforeAll(async () => {
  mock = await startMockServer();
  wxpay = untyped(new Wechatpay(mock.clientConfig));
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.clearFaults();
  mock.bills.source = undefined;
  dir = mkdtempSync(join(tmpdir(), 'wxpay-dl-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DATE = '2024-06-01';
const text = async (stream: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};

interface Kind {
  name: string;
  /** Applies (through the signed API) and returns the source plus the text the file must hold. */
  apply(): Promise<{ source: DownloadSource; expected: string }>;
  template: string;
}

const kinds: Kind[] = [
  {
    name: 'trade bill',
    template: 'v3/billdownload/file',
    apply: async () => ({ source: (await wxpay.v3.bill.tradebill.get({ query: { bill_date: DATE, bill_type: 'ALL' } })).data as DownloadSource, expected: mock.bills.text('trade', DATE) }),
  },
  {
    name: 'trade bill, GZIP',
    template: 'v3/billdownload/file',
    apply: async () => ({ source: (await wxpay.v3.bill.tradebill.get({ query: { bill_date: DATE, tar_type: 'GZIP' } })).data as DownloadSource, expected: mock.bills.text('trade', DATE) }),
  },
  {
    name: 'fund-flow bill, GZIP',
    template: 'v3/billdownload/file',
    apply: async () => ({ source: (await wxpay.v3.bill.fundflowbill.get({ query: { bill_date: DATE, tar_type: 'GZIP' } })).data as DownloadSource, expected: mock.bills.text('fundflow', DATE) }),
  },
  {
    name: 'sub-merchant fund-flow bill (sealed)',
    template: 'v3/billdownload/file',
    apply: async () => {
      const { data } = await wxpay.v3.bill.subMerchantFundflowbill.get({ query: { sub_mchid: '1900000109', bill_date: DATE, algorithm: 'AEAD_AES_256_GCM', account_type: 'BASIC', tar_type: 'GZIP' } });
      return { source: data as DownloadSource, expected: mock.bills.text('sub-merchant-fundflow', DATE) };
    },
  },
  {
    name: 'global statement',
    template: 'v3/global/statements',
    apply: async () => ({ source: { statement: { date: '20240601' } }, expected: mock.bills.text('statement', '20240601') }),
  },
  {
    name: 'legacy statement, gzip transfer',
    template: 'v3/statements',
    apply: async () => ({ source: { statement: { date: DATE }, legacy: true, gzip: true }, expected: mock.bills.text('statement', DATE) }),
  },
  {
    name: 'e-receipt (SHA256)',
    template: 'v3/transferdownload/elecvoucherfile',
    apply: async () => {
      const pdf = `%PDF-1.7 receipt ${'x'.repeat(5000)}`;
      return { source: mock.bills.file(pdf, { route: 'v3/transferdownload/elecvoucherfile' }), expected: pdf };
    },
  },
  {
    name: 'transfer sign file (SM3)',
    template: 'v3/transferdownload/signfile',
    apply: async () => {
      const pdf = `%PDF-1.4 signed ${'y'.repeat(5000)}`;
      return { source: mock.bills.file(pdf, { route: 'v3/transferdownload/signfile', hashType: 'SM3' }), expected: pdf };
    },
  },
];

describe.each(kinds)('$name', (kind) => {
  test('good file: streamed and written whole, digest verified', async () => {
    const { source, expected } = await kind.apply();
    expect(await text(wxpay.downloads.stream(source))).toBe(expected);
    const { source: again } = await kind.apply();
    const target = join(dir, 'file.csv');
    const result = await wxpay.downloads.toFile(again, target);
    expect(result).toMatchObject({ path: target, bytes: Buffer.byteLength(expected), verified: 'digest' });
    expect(readFileSync(target, 'utf8')).toBe(expected);
    expect(readdirSync(dir)).toEqual(['file.csv']);
    // The download request itself was signed and accepted like any call.
    const download = mock.requests.filter((r) => r.template === kind.template).at(-1)!;
    expect(download.headers.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 /);
    expect(download.status).toBe(200);
  });

  test('digest mismatch: the stream errors and no file is left', async () => {
    const { source } = await kind.apply();
    mock.bills.corrupt();
    const error = await wxpay.downloads.toFile(source, join(dir, 'file.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(['DIGEST_MISMATCH', 'BAD_GZIP', 'DECRYPT_FAILED']).toContain((error as DownloadError).code);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('truncated transfer: the stream errors and no file is left', async () => {
    const { source } = await kind.apply();
    mock.fault({ kind: 'truncate' }, { template: kind.template, times: 1 });
    const error = await wxpay.downloads.toFile(source, join(dir, 'file.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(['TRUNCATED', 'BAD_GZIP', 'DECRYPT_FAILED', 'DIGEST_MISMATCH']).toContain((error as DownloadError).code);
    expect(readdirSync(dir)).toEqual([]);
    const streamed = await text(wxpay.downloads.stream((await kind.apply()).source)).then(() => 'ended', (e: unknown) => e);
    expect(streamed).toBe('ended'); // the fault was used up: the next transfer is whole
  });
});

test('bill rows stream as typed records; the summary follows; the peer SDK reads the same file alike', async () => {
  mock.bills.source = (kind, date) =>
    kind === 'trade' ? Array.from({ length: 5 }, (_, i) => ({ trade_time: `${date} 0${i}:00:00`, out_trade_no: `O${i}`, trade_state: 'SUCCESS', settlement_total: '1.00', total: '1.00', description: `商品${i},套装` })) : undefined;
  const { data } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: DATE, tar_type: 'GZIP' } });
  const bill = readBill(wxpay.downloads.stream(data as DownloadSource), 'trade');
  const rows = [];
  for await (const row of bill) rows.push(row);
  expect(rows.map((r) => r.out_trade_no)).toEqual(['O0', 'O1', 'O2', 'O3', 'O4']);
  expect(rows[1]).toMatchObject({ trade_time: `${DATE} 01:00:00`, description: '商品1,套装', settlement_total: '1.00', refund_id: '' });
  expect(bill.summary).toMatchObject({ total_count: '5', settlement_total: '5.00' });
  // wechatpay-axios-plugin's own reader over the same bytes: the same cells.
  const peer = Formatter.castCsvBill(Buffer.from(mock.bills.text('trade', DATE))) as { rows: Record<string, string>[]; summary: Record<string, string> };
  expect(peer.rows.map((r) => r['商户订单号'])).toEqual(rows.map((r) => r.out_trade_no));
  expect(peer.summary['应结订单总金额']).toBe(bill.summary!.settlement_total);
  expect(bill.columns[0]).toBe('交易时间');
});

test('toArray({ limit }) stops early; the sample day sums up', async () => {
  const { data } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: DATE } });
  expect(await readBill(wxpay.downloads.stream(data as DownloadSource)).toArray({ limit: 2 })).toHaveLength(2);
  const { data: again } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: DATE } });
  const all = readBill(wxpay.downloads.stream(again as DownloadSource), 'trade');
  expect(await all.toArray()).toHaveLength(3);
  expect(all.summary).toMatchObject({ total_count: '3', refund_total: '0.50' });
});

test('the digest is computed over the bytes, as WeChat Pay signs it', async () => {
  const { data } = (await wxpay.v3.bill.tradebill.get({ query: { bill_date: DATE } })) as { data: { hash_value: string; hash_type: string } };
  expect(data.hash_type).toBe('SHA1');
  expect(data.hash_value).toBe(createHash('sha1').update(mock.bills.text('trade', DATE)).digest('hex'));
});

test('a download_url on another host is refused before anything is sent; so is a bad digest spec', () => {
  expect(() => wxpay.downloads.stream({ download_url: 'https://evil.example/v3/billdownload/file?token=x', hash_type: 'SHA1', hash_value: 'a'.repeat(40) })).toThrow(ParameterError);
  expect(() => wxpay.downloads.stream({ download_url: `${mock.url}v3/billdownload/file?token=x`, hash_type: 'CRC32', hash_value: 'a'.repeat(40) })).toThrow(/hash_type/);
  expect(() => wxpay.downloads.stream({ statement: { date: 'June 1' } })).toThrow(/statement.date/);
});

test('a refused download is the verified ApiError WeChat Pay sent', async () => {
  mock.fault({ kind: 'status', status: 400, code: 'INVALID_REQUEST', message: 'token expired' }, { template: 'v3/billdownload/file', times: 1 });
  const error = await text(wxpay.downloads.stream(`${mock.url}v3/billdownload/file?token=expired`)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ httpStatus: 400, code: 'INVALID_REQUEST', verified: true });
});

test('a statement whose digest signature is forged is refused', async () => {
  const forger = await startMockServer({ platform: mock.platform, merchant: mock.merchant });
  try {
    forger.route('GET', 'v3/global/statements', () => ({
      raw: 'forged', unsigned: true,
      headers: { 'Wechatpay-Statement-Sha1': createHash('sha1').update('forged').digest('hex'), 'Wechatpay-Timestamp': String(Math.floor(Date.now() / 1000)), 'Wechatpay-Nonce': 'n', 'Wechatpay-Signature': 'AAAA', 'Wechatpay-Serial': mock.platform.serial },
    }));
    const client = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: forger.url }));
    const error = await client.downloads.toFile({ statement: { date: DATE } }, join(dir, 's.csv')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNSIGNED_DIGEST' });
    expect(readdirSync(dir)).toEqual([]);
  } finally {
    await forger.close();
  }
});

test('a fapiao download that is not a PDF is refused; progress is reported', async () => {
  const link = mock.bills.file('<html>not a pdf</html>', { route: 'v3/new-tax-control-fapiao/download' });
  const error = await wxpay.downloads.toFile({ download_url: link.download_url }, join(dir, 'f.pdf')).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'BAD_FORMAT' });
  const good = mock.bills.file('%PDF-1.7 fapiao', { route: 'v3/new-tax-control-fapiao/download' });
  const seen: number[] = [];
  const result = await wxpay.downloads.toFile({ download_url: good.download_url }, join(dir, 'f.pdf'), { onProgress: (n) => seen.push(n) });
  expect(result.verified).toBe('pdf');
  expect(seen.at(-1)).toBe(15);
});

describe('bounds and aborts', () => {
  let stall: import('node:http').Server;
  let stallUrl = '';
  beforeAll(async () => {
    const { createServer } = await import('node:http');
    // Announces 1000 bytes, sends 10, then says nothing more (until the client gives up).
    stall = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('x'.repeat(10));
    });
    await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
    stallUrl = `http://127.0.0.1:${(stall.address() as import('node:net').AddressInfo).port}/`;
  });
  afterAll(() => {
    stall.closeAllConnections();
    stall.close();
  });

  test('a transfer that stops sending fails with IDLE_TIMEOUT; an abort with a RequestError; no file either way', async () => {
    const client = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: stallUrl }));
    const idle = await client.downloads.toFile(`${stallUrl}v3/billdownload/file?token=t`, join(dir, 'idle.csv'), { idleTimeout: 50 }).catch((e: unknown) => e);
    expect(idle).toMatchObject({ code: 'IDLE_TIMEOUT' });
    const controller = new AbortController();
    const aborted = client.downloads.toFile(`${stallUrl}v3/billdownload/file?token=t`, join(dir, 'aborted.csv'), { idleTimeout: 0, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_CANCELED' });
    expect(readdirSync(dir)).toEqual([]);
  });

  test('more than maxBytes is TOO_LARGE; a bill sealed for another merchant is DECRYPT_FAILED before sending', async () => {
    const { data } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: DATE } });
    const large = await wxpay.downloads.toFile(data as DownloadSource, join(dir, 'large.csv'), { maxBytes: 100 }).catch((e: unknown) => e);
    expect(large).toMatchObject({ code: 'TOO_LARGE' });
    const { data: sealed } = await wxpay.v3.bill.subMerchantFundflowbill.get({ query: { sub_mchid: '1900000109', bill_date: DATE, algorithm: 'AEAD_AES_256_GCM', account_type: 'BASIC' } });
    const entry = (sealed as { download_bill_list: Record<string, string>[] }).download_bill_list[0]!;
    const sent = mock.requests.length;
    expect(() => wxpay.downloads.stream({ ...entry, encrypt_key: Buffer.alloc(256, 1).toString('base64') } as DownloadSource)).toThrow(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
    expect(mock.requests.length).toBe(sent);
    expect(readdirSync(dir)).toEqual([]);
  });
});

test('a complaint image (no check documented) downloads signed, bounded, and says it was not verified', async () => {
  const target = join(dir, 'image.png');
  const result = await wxpay.downloads.toFile(`${mock.url}v3/merchant-service/images/MEDIA1`, target);
  expect(result.verified).toBe('none');
  expect(readFileSync(target).subarray(1, 4).toString()).toBe('PNG');
  expect(mock.requests.at(-1)).toMatchObject({ template: 'v3/merchant-service/images/{media_id}', status: 200 });
  expect(await wxpay.downloads.toFile(`${mock.url}v3/merchant-service/images/MEDIA1`, join(dir, 'small.png'), { maxBytes: 4 }).catch((e: unknown) => e)).toMatchObject({ code: 'TOO_LARGE' });
});

test.each([
  ['fapiao PDF', 'v3/new-tax-control-fapiao/download'],
  ['complaint image', 'v3/merchant-service/images/{media_id}'],
])('%s: a truncated transfer fails on the announced length and leaves no file', async (_name, template) => {
  const url = template.includes('images') ? `${mock.url}v3/merchant-service/images/MEDIA2` : mock.bills.file(`%PDF-1.7 ${'z'.repeat(4000)}`, { route: 'v3/new-tax-control-fapiao/download' }).download_url;
  mock.fault({ kind: 'truncate' }, { template, times: 1 });
  const error = await wxpay.downloads.toFile({ download_url: url }, join(dir, 'file')).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'TRUNCATED' });
  expect(readdirSync(dir)).toEqual([]);
});
