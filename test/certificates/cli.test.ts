// `wxpay-chain certificates` against the mock: downloads, decrypts, verifies, saves, prints.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/certificates.js';
import { COMMANDS } from '../../src/cli/commands.js';
import type { MockServer } from '../../src/mock/server.js';
import { APIV3_KEY, makeKeys, startMock } from './helpers.js';

const keys = makeKeys();
let mock: MockServer;
let directory: string;
let keyFile: string;

beforeAll(async () => {
  mock = await startMock(keys);
  directory = mkdtempSync(join(tmpdir(), 'wxpay-cli-'));
  keyFile = join(directory, 'apiclient_key.pem');
  writeFileSync(keyFile, keys.merchant.privateKeyPem);
});
afterAll(() => mock.close());

function capture() {
  const text = { out: '', err: '' };
  return { text, out: { write: (s: string) => (text.out += s) }, err: { write: (s: string) => (text.err += s) } };
}

test('downloads, verifies and saves the platform certificates, printing serial and validity of each', async () => {
  const next = mock.rotatePlatformCertificate();
  const io = capture();
  const out = join(directory, 'certs');
  const args = ['--mchid', '1900000001', '--serial', keys.merchant.serial, '--key', keyFile, `--apiv3-key=${APIV3_KEY}`, '--out', out, '--base-url', mock.url];
  expect(await run(args, io.out, io.err)).toBe(0);
  expect(io.text.err).toBe('');
  const lines = io.text.out.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]!.startsWith(`${next.serial}  `)).toBe(true);
  expect(lines[1]!.startsWith(`${keys.platform.serial}  `)).toBe(true);
  expect(lines[1]).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z → \d{4}-/);
  expect(readdirSync(out).sort()).toEqual([`wechatpay_${keys.platform.serial}.pem`, `wechatpay_${next.serial}.pem`].sort());
  const saved = new X509Certificate(readFileSync(join(out, `wechatpay_${next.serial}.pem`)));
  expect(saved.serialNumber).toBe(next.serial);
  expect(COMMANDS.certificates!.summary).toMatch(/platform certificates/);
});

test('a wrong APIv3 key is a one-line error and exit code 1; missing options are exit code 2 with usage', async () => {
  const io = capture();
  const args = ['--mchid', '1900000001', '--serial', keys.merchant.serial, '--key', keyFile, '--apiv3-key', 'Q'.repeat(32), '--base-url', mock.url];
  expect(await run(args, io.out, io.err)).toBe(1);
  expect(io.text.err).toContain('DECRYPT_FAILED');
  expect(io.text.err).not.toContain('Q'.repeat(32));
  const missing = capture();
  expect(await run(['--mchid', '1900000001'], missing.out, missing.err)).toBe(2);
  expect(missing.text.err).toContain('missing --serial, --key, --apiv3-key');
  const unknown = capture();
  expect(await run(['--mchid', '1', '--bogus', 'x'], unknown.out, unknown.err)).toBe(2);
  expect(unknown.text.err).toContain('--bogus');
  const help = capture();
  expect(await run(['--help'], help.out, help.err)).toBe(0);
  expect(help.text.out).toContain('usage: wxpay-chain certificates');
});
