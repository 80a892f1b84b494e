// Nothing unverified reaches the caller of a download: a forged bill yields no row (however the
// reader stops), a sealed bill whose ciphertext was flipped yields no row, and what gunzip
// produces is bounded (decoded bytes and expansion ratio), with no large spool left behind.
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DownloadError, Wechatpay, readBill, untyped, type DownloadSource, type UntypedWechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;
let dir: string;
beforeAll(async () => {
  mock = await startMockServer();
  // A day without orders has no bill in the sandbox: the tests forge and flip the marked sample rows.
  mock.bills.samples = true;
  wxpay = untyped(new Wechatpay(mock.clientConfig));
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.clearFaults();
  dir = mkdtempSync(join(tmpdir(), 'wxpay-dlv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DATE = '2024-06-01';
const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

/** A bill whose rows are genuine-looking, served with the digest of another text. */
function forged(rows = 50): DownloadSource {
  const text = mock.bills.text('trade', DATE).replace(/\r\n/, `\r\n${Array.from({ length: rows }, (_, i) => `\`${DATE} 09:00:00,\`wx1,\`${mock.merchant.mchid},\`0,\`,\`42${i},\`FORGED${i},\`o,\`JSAPI,\`SUCCESS,\`OTHERS,\`CNY,\`999.00`).join('\r\n')}\r\n`);
  const link = mock.bills.file(text, { hashType: 'SHA1' });
  return { ...link, hash_value: sha1('the text WeChat Pay signed') };
}

async function rowsBefore(source: DownloadSource, stop: 'end' | 'break' | 'limit'): Promise<{ seen: number; error: unknown }> {
  const bill = readBill(wxpay.downloads.stream(source, { spoolDir: dir }), 'trade');
  let seen = 0;
  try {
    if (stop === 'limit') seen = (await bill.toArray({ limit: 1 })).length;
    else {
      for await (const _row of bill) {
        seen++;
        if (stop === 'break') break;
      }
    }
  } catch (error) {
    return { seen, error };
  }
  return { seen, error: undefined };
}

test.each(['end', 'break', 'limit'] as const)('a forged bill yields no row (reader stops at %s): the digest error comes first', async (stop) => {
  const { seen, error } = await rowsBefore(forged(), stop);
  expect(seen).toBe(0);
  expect(error).toBeInstanceOf(DownloadError);
  expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' });
  // The spool is gone once the stream failed.
  await new Promise((resolve) => setImmediate(resolve));
  expect(readdirSync(dir)).toEqual([]);
});

test('a sealed bill with flipped ciphertext bytes (no key needed) yields no row: the GCM tag is checked first', async () => {
  const text = mock.bills.text('sub-merchant-fundflow', DATE);
  const key = Buffer.from(randomBytes(24).toString('base64'));
  const nonce = randomBytes(9).toString('base64');
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce));
  const sealed = Buffer.concat([cipher.update(text), cipher.final(), cipher.getAuthTag()]);
  // CTR mode: XOR one amount's digit in the ciphertext, and that digit of the plaintext changes.
  const at = Buffer.from(text).indexOf('1.00');
  sealed[at]! ^= '1'.charCodeAt(0) ^ '9'.charCodeAt(0);
  const link = mock.bills.file(sealed, { hashType: 'SHA1' });
  const encrypt_key = publicEncrypt({ key: mock.merchant.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64');
  const entry = { download_url: link.download_url, hash_type: 'SHA1', hash_value: sha1(text), encrypt_key, nonce };
  const bill = readBill(wxpay.downloads.stream(entry, { spoolDir: dir }), 'fundflow');
  const amounts: string[] = [];
  const error = await (async () => {
    for await (const row of bill) amounts.push(String(row.amount));
  })().catch((e: unknown) => e);
  expect(amounts).toEqual([]);
  expect(error).toMatchObject({ code: 'DECRYPT_FAILED' });
});

test('a genuine bill still streams whole, and stream() leaves no spool behind', async () => {
  const { data } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: DATE, tar_type: 'GZIP' } });
  const rows = await readBill(wxpay.downloads.stream(data as DownloadSource, { spoolDir: dir }), 'trade').toArray();
  expect(rows).toHaveLength(3);
  await new Promise((resolve) => setImmediate(resolve));
  expect(readdirSync(dir)).toEqual([]);
});

test('a file larger than an API answer (6 MiB on the wire, incompressible) downloads whole', async () => {
  const body = randomBytes(6 * 1024 * 1024);
  const link = mock.bills.file(body, { hashType: 'SHA1' });
  const target = join(dir, 'big.bin');
  const result = await wxpay.downloads.toFile(link, target);
  expect(result).toMatchObject({ bytes: body.length, verified: 'digest' });
  const streamed: Buffer[] = [];
  for await (const chunk of wxpay.downloads.stream(mock.bills.file(body, { hashType: 'SHA1' }), { spoolDir: dir })) streamed.push(chunk as Buffer);
  expect(Buffer.concat(streamed).equals(body)).toBe(true);
});

describe('decompression bounds', () => {
  // A quarter MiB of gzip that inflates to 256 MiB of one repeated bill line.
  const line = `\`${DATE} 10:00:00,\`wx1,\`1900000001,\`0,\`,\`4200,\`BOMB,\`o,\`JSAPI,\`SUCCESS,\`OTHERS,\`CNY,\`1.00\r\n`;
  const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024, line), { level: 9 });

  test('the expansion ratio is bounded (maxRatio), with an error naming the bound and how to raise it', async () => {
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const link = mock.bills.file(bomb, { hashType: 'SHA1' });
    const target = join(dir, 'bomb.csv');
    const error = await wxpay.downloads.toFile(link, target, { maxBytes: 2 * 1024 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ code: 'DECODED_TOO_LARGE', bound: 'maxRatio' });
    expect((error as Error).message).toMatch(/maxRatio/);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('decoded bytes are bounded (maxDecodedBytes) when the ratio is allowed; no rows, no spool left', async () => {
    const link = mock.bills.file(bomb, { hashType: 'SHA1' });
    const bill = readBill(wxpay.downloads.stream(link, { maxDecodedBytes: 8 * 1024 * 1024, maxRatio: 10_000, spoolDir: dir }));
    let seen = 0;
    const error = await (async () => {
      for await (const _row of bill) seen++;
    })().catch((e: unknown) => e);
    expect(seen).toBe(0);
    expect(error).toMatchObject({ code: 'DECODED_TOO_LARGE', bound: 'maxDecodedBytes' });
    expect((error as Error).message).toMatch(/maxDecodedBytes/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(readdirSync(dir)).toEqual([]);
  });

  test('bad bounds are refused before anything is sent', () => {
    expect(() => wxpay.downloads.stream(`${mock.url}v3/billdownload/file?token=x`, { maxRatio: 0 })).toThrow(/maxRatio/);
    expect(() => wxpay.downloads.stream(`${mock.url}v3/billdownload/file?token=x`, { maxDecodedBytes: -1 })).toThrow(/maxDecodedBytes/);
  });
});
