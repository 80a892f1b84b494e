// `wxpay-chain certificates` against the mock: downloads, decrypts, verifies, saves, prints (times
// in Beijing time, as WeChat Pay writes them). Credentials as flags, or the way every command
// takes them: a config file, the environment.
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

function capture(env: NodeJS.ProcessEnv = {}) {
  const text = { out: '', err: '' };
  return { text, io: { out: (s: string) => void (text.out += s), err: (s: string) => void (text.err += s), env } };
}

test('downloads, verifies and saves the platform certificates, printing serial and validity of each', async () => {
  const next = mock.rotatePlatformCertificate();
  const io = capture();
  const out = join(directory, 'certs');
  const args = ['--mchid', '1900000001', '--serial', keys.merchant.serial, '--key', keyFile, `--apiv3-key=${APIV3_KEY}`, '--out', out, '--base-url', mock.url];
  expect(await run(args, io.io)).toBe(0);
  expect(io.text.err).toBe('');
  const lines = io.text.out.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]!.startsWith(`${next.serial}  `)).toBe(true);
  expect(lines[1]!.startsWith(`${keys.platform.serial}  `)).toBe(true);
  // notBefore and notAfter in Beijing time, as WeChat Pay's effective_time and expire_time.
  const validFrom = new Date(new X509Certificate(keys.platform.certificatePem).validFrom);
  const beijing = new Date(validFrom.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  expect(lines[1]).toMatch(new RegExp(`^${keys.platform.serial}  ${beijing}\\+08:00 → \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00  `));
  expect(io.text.out).not.toMatch(/Z /);
  expect(readdirSync(out).sort()).toEqual([`wechatpay_${keys.platform.serial}.pem`, `wechatpay_${next.serial}.pem`].sort());
  const saved = new X509Certificate(readFileSync(join(out, `wechatpay_${next.serial}.pem`)));
  expect(saved.serialNumber).toBe(next.serial);
  expect(COMMANDS.certificates!.summary).toMatch(/platform certificates/);
});

test('a wrong APIv3 key is a one-line error and exit code 1; missing options are exit code 2 with usage', async () => {
  const io = capture();
  const args = ['--mchid', '1900000001', '--serial', keys.merchant.serial, '--key', keyFile, '--apiv3-key', 'Q'.repeat(32), '--base-url', mock.url];
  expect(await run(args, io.io)).toBe(1);
  expect(io.text.err).toContain('DECRYPT_FAILED');
  expect(io.text.err).not.toContain('Q'.repeat(32));
  const missing = capture();
  expect(await run(['--mchid', '1900000001'], missing.io)).toBe(2);
  expect(missing.text.err).toBe(
    'wxpay-chain certificates: missing privateKey (--key <file> or WXPAY_PRIVATE_KEY) or pkcs12 (--p12 <file> or WXPAY_PKCS12), serial (--serial or WXPAY_SERIAL), apiv3Key (--apiv3-key or WXPAY_APIV3_KEY): as flags, environment variables or in the --config file\n',
  );
  const unknown = capture();
  expect(await run(['--mchid', '1', '--bogus', 'x'], unknown.io)).toBe(2);
  expect(unknown.text.err).toContain('--bogus');
  const help = capture();
  expect(await run(['--help'], help.io)).toBe(0);
  expect(help.text.out).toContain('usage: wxpay-chain certificates');
});
