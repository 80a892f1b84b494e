// `wxpay-chain doctor` as a real child process (the CLI's entry, its command table and the command,
// run from the sources): exit 0 for a healthy configuration, 1 for a wrong one (offline, online
// against a mock on loopback, a captured notification), 2 for a usage error.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { certifiedKey } from '../../src/mock/identity.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { runCli, type Ran } from '../helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-doctor-cli-'));
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ mode: 'public-key', sandbox: false });
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `wxpay-chain doctor …` in its own process, as `npx wxpay-chain` would run it (from the sources, through tsx). */
function doctor(...args: string[]): Promise<Ran> {
  return runCli(['doctor', ...args], { cwd: dir });
}

function configFile(name: string, config: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function keyFile(name: string, pem: string): string {
  writeFileSync(join(dir, name), pem);
  return `file:${name}`;
}

/** The mock merchant's configuration, its keys in files beside it, with `certs` and the rest given. */
function merchant(rest: Record<string, unknown>): Record<string, unknown> {
  return { mchid: mock.merchant.mchid, serial: mock.merchant.serial, privateKey: keyFile('apiclient_key.pem', mock.merchant.privateKeyPem), ...rest };
}

test('a healthy configuration, checked online too: exit 0', async () => {
  const file = configFile('client.json', merchant({ certs: { [mock.publicKey.id]: keyFile('pub_key.pem', mock.publicKey.publicKeyPem) }, apiv3Key: mock.apiv3Key, baseURL: mock.url }));
  const ran = await doctor('--config', file, '--online');
  expect(ran.err).toBe('');
  expect(ran.out).toContain('mode: public-key');
  expect(ran.out).toMatch(/OK: nothing wrong\n$/);
  expect(ran.code).toBe(0);
}, 60_000);

test('a wrong configuration: exit 1, the findings naming the keys; online, the public-key merchant found out', async () => {
  const file = configFile('wrong.json', merchant({ certs: { [mock.merchant.serial]: keyFile('apiclient_cert.pem', mock.merchant.certificatePem) }, apiv3Key: `${mock.apiv3Key}\n`, baseURL: mock.url }));
  const offline = await doctor('--config', file);
  expect(offline.code).toBe(1);
  expect(offline.out).toMatch(new RegExp(`ERROR +PLATFORM_CERT_IS_MERCHANT: certs\\["${mock.merchant.serial}"\\] is the merchant's own API certificate ${mock.merchant.serial}`));
  expect(offline.out).toMatch(/ERROR +APIV3_KEY_WHITESPACE: apiv3Key of mchid 1900000001 contains whitespace/);
  expect(offline.out).not.toContain(mock.apiv3Key);

  const stale = certifiedKey({ commonName: 'Tenpay.com Root CA' });
  // An absolute file:// URL is taken as is.
  const online = await doctor('--json', '--online', '--config', configFile('stale.json', merchant({ privateKey: pathToFileURL(join(dir, 'apiclient_key.pem')).href, certs: { [stale.serial]: stale.certificatePem }, baseURL: mock.url })));
  expect(online.code).toBe(1);
  const report = JSON.parse(online.out) as { ok: boolean; mode: string; findings: { code: string; key?: { id?: string } }[] };
  expect(report).toMatchObject({ ok: false, mode: 'public-key' });
  expect(report.findings.find((f) => f.code === 'PUBLIC_KEY_MODE')?.key?.id).toBe(mock.publicKey.id);
}, 60_000);

test('a captured notification: exit 0 when it verifies, 1 when the body was re-serialised', async () => {
  const config = configFile('notify.json', merchant({ certs: { [mock.publicKey.id]: keyFile('pub_key.pem', mock.publicKey.publicKeyPem) }, apiv3Key: mock.apiv3Key }));
  const n = mock.notification('TRANSACTION.SUCCESS', { resource: { out_trade_no: 'T1' } });
  const raw = join(dir, 'notify.http');
  writeFileSync(raw, `POST /wxpay/notify HTTP/1.1\r\n${Object.entries(n.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(n.body)}\r\n\r\n${n.body}\n`);
  const good = await doctor('--config', config, '--notification', raw);
  expect(good.out).toMatch(new RegExp(`info +NOTIFICATION_OK: the notification verifies with the WeChat Pay public key ${mock.publicKey.id}`));
  expect(good.code).toBe(0);

  const logged = join(dir, 'logged.json');
  writeFileSync(logged, JSON.stringify({ headers: n.headers, body: JSON.parse(n.body) }));
  const bad = await doctor('--config', config, '--notification', logged);
  expect(bad.out).toMatch(/ERROR +NOTIFICATION_BODY_RESERIALISED: .*captured as a parsed object/);
  expect(bad.out).toContain("fix: verify the bytes as received: Express app.post('/notify', express.raw({ type: '*/*' })");
  expect(bad.code).toBe(1);

  // A capture saved an hour after it arrived is judged by when it arrived (the file's time), not now.
  const old = join(dir, 'old.http');
  const stale = mock.notification('TRANSACTION.SUCCESS', { resource: { out_trade_no: 'T2' }, timestamp: Math.floor(Date.now() / 1000) - 3600 });
  writeFileSync(old, `POST /n HTTP/1.1\r\n${Object.entries(stale.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${stale.body}`);
  utimesSync(old, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
  expect((await doctor('--config', config, '--notification', old)).code).toBe(0);
}, 60_000);

test('usage errors: exit 2', async () => {
  const unknown = await doctor('--onlin');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(/^wxpay-chain doctor: unknown option --onlin; did you mean --online\?\n/);
  const missing = await doctor('--config', join(dir, 'nothing.json'));
  expect(missing.code).toBe(2);
  expect(missing.err).toContain('cannot read the config file');
}, 60_000);
