// Keeping certificates current: on a schedule, and when an answer names a serial the client does
// not know — one download however many requests wait, rate-limited, never a loop — and shared
// through a store.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCertificateStore, MemoryCertificateStore, VerificationError } from '../../src/index.js';
import { certifiedKey } from '../../src/mock/identity.js';
import { signedHeaders } from '../../src/mock/respond.js';
import type { MockServer } from '../../src/mock/server.js';
import { caught, certificatesRoute, downloadingClient, downloads, echoRoute, makeKeys, signer, startMock } from './helpers.js';

const keys = makeKeys();
let mock: MockServer;

beforeEach(async () => {
  mock = await startMock(keys);
  echoRoute(mock);
});
afterEach(() => mock.close());

// The clock is jest's: Date and timers move only when advanced, while sockets and I/O stay
// real. A condition is waited for over event-loop turns (bounded by count), never wall time.
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 200_000) throw new Error('condition not met');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const REAL = { doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask'] as const };
afterEach(() => jest.useRealTimers());

test('scheduled refresh: a rotated certificate arrives without any call, and the timers keep no process alive', async () => {
  const before = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  jest.useFakeTimers({ doNotFake: [...REAL.doNotFake] });
  const wxpay = downloadingClient(mock, { certs: mock.clientConfig.certs, certificates: { refreshInterval: 0.2 } });
  // Unref'd: the schedule and the expiry timer are not among what keeps the event loop alive.
  const alive = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  if (alive !== before) wxpay.certificates!.stop();
  expect(alive).toBe(before);
  const next = mock.rotatePlatformCertificate();
  jest.advanceTimersByTime(200);
  await until(() => wxpay.keyring.get(next.serial) !== undefined);
  expect(mock.requests.map((request) => request.url)).toEqual(['/v3/certificates']);
  const ticks = downloads(mock);
  jest.advanceTimersByTime(200);
  await until(() => downloads(mock) > ticks);
  // That tick's download has landed before the schedule is stopped.
  await until(() => wxpay.certificates!.lastRefresh !== undefined && wxpay.certificates!.downloads === ticks + 1);
  wxpay.certificates!.stop();
  const stopped = downloads(mock);
  jest.advanceTimersByTime(1000);
  for (let turn = 0; turn < 1000; turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(downloads(mock)).toBe(stopped);
});

test('rotation mid-run: the mock switches its platform key and the client follows without a failed call', async () => {
  const wxpay = downloadingClient(mock, { certs: mock.clientConfig.certs });
  const old = mock.platform;
  const results: boolean[] = [];
  let next: typeof old | undefined;
  for (let i = 0; i < 20; i++) {
    if (i === 8) next = mock.rotatePlatformCertificate();
    const batch = await Promise.all([1, 2, 3].map(() => wxpay.v3.echo.post({ json: { i } })));
    results.push(...batch.map((response) => response.verified));
  }
  expect(results).toEqual(Array(60).fill(true));
  expect(downloads(mock)).toBe(1);
  // Old and new both verify during the rotation; the newest is the one sensitive fields use.
  expect(wxpay.keyring.ids().sort()).toEqual([old.serial, next!.serial].sort());
  mock.route('POST', 'v3/late', () => ({ raw: '{"late":true}', headers: signedHeaders(signer(old), '{"late":true}') }));
  expect((await wxpay.v3.late.post({ json: {} })).verified).toBe(true);
  expect((await wxpay.encryptor()).id).toBe(next!.serial);
  wxpay.certificates!.stop();
});

test('unknown serial under 50 concurrent requests: exactly one download, every call verified', async () => {
  const wxpay = downloadingClient(mock, { certs: mock.clientConfig.certs });
  const route = certificatesRoute(mock, { list: [keys.platform], delay: 100 });
  const next = mock.rotatePlatformCertificate();
  route.list = [keys.platform, next];
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => wxpay.v3.echo.post({ json: { i } })));
  expect(responses.every((response) => response.verified && response.headers['wechatpay-serial'] === next.serial)).toBe(true);
  expect(responses.map((response) => (response.data as { got: { i: number } }).got.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  expect(downloads(mock)).toBe(1);
  expect(wxpay.certificates!.downloads).toBe(1);
});

test('a serial the download does not hold is UNKNOWN_SERIAL, and is not downloaded again within minInterval', async () => {
  jest.useFakeTimers({ doNotFake: [...REAL.doNotFake, 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  const impostor = certifiedKey({ commonName: 'Tenpay.com Root CA' });
  echoRoute(mock, () => signer(impostor));
  const wxpay = downloadingClient(mock, { certs: mock.clientConfig.certs, certificates: { minInterval: 0.3 } });
  const calls = await Promise.all(Array.from({ length: 10 }, () => caught(wxpay.v3.echo.post({ json: {} }))));
  expect(calls.every((error) => error instanceof VerificationError && error.code === 'UNKNOWN_SERIAL')).toBe(true);
  expect(downloads(mock)).toBe(1);
  for (let i = 0; i < 5; i++) await caught(wxpay.v3.echo.post({ json: {} }));
  expect(downloads(mock)).toBe(1);
  // After the rate limit (on jest's clock), one more attempt, and again only one.
  jest.setSystemTime(Date.now() + 350);
  await Promise.all(Array.from({ length: 5 }, () => caught(wxpay.v3.echo.post({ json: {} }))));
  expect(downloads(mock)).toBe(2);
  wxpay.certificates!.stop();
});

test('a shared memory store: the second client takes the first one download', async () => {
  const store = new MemoryCertificateStore();
  const first = downloadingClient(mock, { certificates: { store } });
  const second = downloadingClient(mock, { certificates: { store } });
  await first.v3.echo.post({ json: {} });
  await second.v3.echo.post({ json: {} });
  expect(downloads(mock)).toBe(1);
  expect(second.certificates!.lastRefresh).toMatchObject({ source: 'store', serials: [keys.platform.serial] });
  expect((await store.read('1900000001'))!.certificates.map((c) => c.serial)).toEqual([keys.platform.serial]);
});

test('a file store: processes share one download; a damaged file is reported and downloaded over', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'wxpay-store-'));
  const reported: Error[] = [];
  const first = downloadingClient(mock, { certificates: { store: new FileCertificateStore(directory) } });
  await first.v3.echo.post({ json: {} });
  const file = join(directory, 'wechatpay-certificates-1900000001.json');
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  expect(saved.certificates).toEqual([{ serial: keys.platform.serial, pem: expect.stringContaining('BEGIN CERTIFICATE') }]);
  const second = downloadingClient(mock, { certificates: { store: new FileCertificateStore(directory) } });
  await second.v3.echo.post({ json: {} });
  expect(downloads(mock)).toBe(1);
  // A stored certificate that does not match its serial is not used.
  writeFileSync(file, JSON.stringify({ updatedAt: Date.now(), certificates: [{ serial: 'ABCDEF', pem: keys.platform.certificatePem }] }));
  const third = downloadingClient(mock, { certificates: { store: new FileCertificateStore(directory) } });
  await third.v3.echo.post({ json: {} });
  expect(downloads(mock)).toBe(2);
  writeFileSync(file, '{ not json');
  const fourth = downloadingClient(mock, { certificates: { store: new FileCertificateStore(directory), onError: (error) => reported.push(error) } });
  expect((await fourth.v3.echo.post({ json: {} })).verified).toBe(true);
  expect(downloads(mock)).toBe(3);
  expect(reported).toHaveLength(1);
  expect(JSON.parse(readFileSync(file, 'utf8')).certificates).toHaveLength(1);
});

