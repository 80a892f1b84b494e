// Bill files and their digests as others keep them: the trade bill fixture of wechatpay-php (the
// same bytes as wechatpay-axios-plugin's), read row by row, downloaded against its SHA1, and served
// as an HK / global statement signed the way the official PHP SDK verifies one: over
// {"sha1":"<Wechatpay-Statement-Sha1>"}, not over the bare digest.
import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Wechatpay, readBill } from '../../src/index.js';
import { startRawServer, type RawServer } from '../helpers/raw-server.js';
import { expectSourced, pem, vectorFile, vectors, type Source } from './vectors.js';

interface BillFile { file: string; source: Source; sha1: string; rows: number; summary: Record<string, string> }
const bill = vectors<{ files: BillFile[] }>('files.json').files.find((f) => f.file.endsWith('bill.ALL.csv'))!;
const bytes = vectorFile(bill.file);
const wechatpaySerial = '440024045C4A427599D09BB4E3DE0279F2E813FD';
const wechatpayKey = createPrivateKey(pem('keys/java-wechatpay-private-key.pem'));

let dir: string;
let server: RawServer;
let serve: (url: string) => { headers: Record<string, string>; body: Buffer | string };
beforeAll(async () => {
  server = await startRawServer((request) => serve(request.url));
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxpay-interop-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});
afterAll(() => server.close());

const client = () =>
  new Wechatpay({
    mchid: '1234567891',
    serial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115',
    privateKey: pem('keys/java-merchant-private-key.pem'),
    certs: { [wechatpaySerial]: pem('keys/java-wechatpay-certificate.pem') },
    baseURL: server.url,
  });

test('sourced; its SHA1 is the digest an apply answer would carry', () => {
  expectSourced(bill.source);
  expect(createHash('sha1').update(bytes).digest('hex')).toBe(bill.sha1);
});

test('readBill reads every row and the summary of the published bill (BOM, CRLF, backquoted cells)', async () => {
  const reader = readBill(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), 'trade');
  let rows = 0;
  let first: Record<string, string> | undefined;
  for await (const row of reader) {
    first ??= row as unknown as Record<string, string>;
    rows++;
  }
  expect(rows).toBe(bill.rows);
  expect(reader.columns[0]).toBe('交易时间');
  expect(first).toMatchObject({ trade_time: '2019-02-19 05:01:46', appid: 'wxab8acd895ab1638a', trade_state: 'REFUND', description: '系统拨测-cheeryin-test_micropay_succ', rate: '39.00%' });
  expect(reader.summary).toMatchObject(bill.summary);
});

test('downloaded against the SHA1 of its apply answer; one byte changed and nothing is written', async () => {
  serve = () => ({ headers: { 'Content-Type': 'text/plain' }, body: bytes });
  const link = { download_url: `${server.url}v3/billdownload/file?token=T1`, hash_type: 'SHA1', hash_value: bill.sha1 };
  const result = await client().downloads.toFile(link, join(dir, 'bill.csv'));
  expect(result.verified).toBe('digest');
  expect(readFileSync(join(dir, 'bill.csv')).equals(bytes)).toBe(true);
  const altered = Buffer.from(bytes);
  altered[altered.length - 3] ^= 1;
  serve = () => ({ headers: { 'Content-Type': 'text/plain' }, body: altered });
  await expect(client().downloads.toFile(link, join(dir, 'altered.csv'))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  expect(readdirSync(dir)).toEqual(['bill.csv']);
});

describe('an HK / global statement', () => {
  const digest = bill.sha1;
  const signed = (text: string, key: KeyObject) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = 'c5ac7061fccab6bf3e254dcf98995b8c';
    return {
      'Content-Type': 'text/plain',
      'Wechatpay-Statement-Sha1': digest,
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': wechatpaySerial,
      'Wechatpay-Signature': sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${text}\n`), key).toString('base64'),
    };
  };

  test.each(['v3/global/statements', 'v3/statements'])('%s signed over {"sha1":"…"} is verified and written whole', async (path) => {
    const urls: string[] = [];
    serve = (url) => {
      urls.push(url);
      return { headers: signed(`{"sha1":"${digest}"}`, wechatpayKey), body: bytes };
    };
    const result = await client().downloads.toFile({ statement: { date: '20180103' }, ...(path === 'v3/statements' ? { legacy: true } : {}) }, join(dir, 's.csv'));
    expect(result.verified).toBe('digest');
    expect(readFileSync(join(dir, 's.csv')).equals(bytes)).toBe(true);
    expect(urls).toEqual([`/${path}?date=20180103&mchid=1234567891`]);
  });

  test('signed over the bare digest (the earlier reading), or by another key, it is refused and nothing is written', async () => {
    serve = () => ({ headers: signed(digest, wechatpayKey), body: bytes });
    await expect(client().downloads.toFile({ statement: { date: '20180103' } }, join(dir, 'bare.csv'))).rejects.toMatchObject({ code: 'UNSIGNED_DIGEST' });
    serve = () => ({ headers: signed(`{"sha1":"${digest}"}`, createPrivateKey(pem('keys/go-test-private-key.pem'))), body: bytes });
    await expect(client().downloads.toFile({ statement: { date: '20180103' } }, join(dir, 'other.csv'))).rejects.toMatchObject({ code: 'UNSIGNED_DIGEST' });
    expect(readdirSync(dir)).toEqual([]);
  });
});
