// Shared stores that hang or lie: every store call is bounded (M8), a future `updatedAt` does not
// freeze the schedule (L5), and the client takes a shared nonce store and body limit (L2).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryCertificateStore, MemoryNonceStore, StoreError, Wechatpay, untyped, type CertificateStore, type NonceStore, type WechatpayConfig } from '../../src/index.js';
import { buildNotification, deliver } from '../../src/mock/notify.js';
import type { MockServer } from '../../src/mock/server.js';
import { configError } from '../helpers/config-error.js';
import { APIV3_KEY, certificatesRoute, downloadingClient, downloads, echoRoute, makeKeys, signer, startMock } from '../certificates/helpers.js';

const keys = makeKeys();
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** A store whose every call hangs until `hang` is switched off. */
class HangingStore implements CertificateStore {
  hang = true;
  readonly inner = new MemoryCertificateStore();
  read(mchid: string) {
    return this.hang ? never<undefined>() : this.inner.read(mchid);
  }
  write(mchid: string, value: Parameters<CertificateStore['write']>[1]) {
    return this.hang ? never<void>() : this.inner.write(mchid, value);
  }
  lock() {
    return never<undefined>();
  }
}

describe('certificate store I/O is bounded (M8)', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock(keys);
    echoRoute(mock);
  });
  afterAll(() => mock.close());

  test('a store that never answers: calls still verify, a rotation is still followed, each hang reported as STORE_TIMEOUT', async () => {
    const store = new HangingStore();
    const reported: Error[] = [];
    const wxpay = downloadingClient(mock, { certificates: { store, storeTimeout: 0.1, onError: (error) => reported.push(error) } });
    expect((await wxpay.v3.echo.post({ json: { a: 1 } })).verified).toBe(true);
    const next = mock.rotatePlatformCertificate();
    const answer = await wxpay.v3.echo.post({ json: { a: 2 } });
    expect(answer.verified).toBe(true);
    expect(answer.headers['wechatpay-serial']).toBe(next.serial);
    expect(wxpay.certificates!.downloads).toBe(2);
    const operations = reported.map((error) => (error instanceof StoreError ? `${error.code} ${error.operation}` : error.message));
    // Per refresh: the read, the lock, the write (the lock failed, so this process downloaded alone).
    expect(operations).toEqual(Array(2).fill(['STORE_TIMEOUT certificates.read', 'STORE_TIMEOUT certificates.lock', 'STORE_TIMEOUT certificates.write']).flat());
    wxpay.certificates!.stop();
  });

  test('storeTimeout and lockTtl are checked like every other option', () => {
    const base = { ...mock.clientConfig, certs: {}, apiv3Key: APIV3_KEY };
    expect(configError({ ...base, certificates: { storeTimeout: 0 } }).field).toBe('certificates.storeTimeout');
    expect(configError({ ...base, certificates: { lockTtl: 'long' } }).field).toBe('certificates.lockTtl');
    expect(configError({ ...base, certificates: { store: { read() {}, write() {}, lock: 1 } } }).field).toBe('certificates.store');
  });
});

describe('a stored updatedAt in the future (L5)', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock(keys);
    echoRoute(mock);
  });
  afterAll(() => mock.close());

  test('is treated as stale: the scheduled refresh downloads instead of trusting it forever', async () => {
    const store = new MemoryCertificateStore();
    const route = certificatesRoute(mock, { list: [keys.platform] });
    await store.write('1900000001', { updatedAt: Date.now() + 86_400_000, certificates: [{ serial: keys.platform.serial, pem: keys.platform.certificatePem }] });
    const reported: Error[] = [];
    const wxpay = downloadingClient(mock, { certs: mock.clientConfig.certs, certificates: { store, refreshInterval: 3600, onError: (error) => reported.push(error) } });
    const next = mock.rotatePlatformCertificate();
    route.list = [keys.platform, next];
    wxpay.certificates!.tick();
    // The tick's flight is the only one; an unknown-serial lookup joins it (and waits for it).
    await wxpay.keyring.resolve(next.serial);
    expect(downloads(mock)).toBe(1);
    expect(wxpay.keyring.get(next.serial)).toBeDefined();
    expect(wxpay.certificates!.lastRefresh?.source).toBe('download');
    expect(reported.some((error) => error instanceof StoreError && /in the future/.test(error.message))).toBe(true);
    // The download replaced the bad time stamp.
    expect((await store.read('1900000001'))!.updatedAt).toBeLessThanOrEqual(Date.now());
    wxpay.certificates!.stop();
  });

  test('a time stamp within the clock tolerance still counts as fresh (another host a little ahead)', async () => {
    const store = new MemoryCertificateStore();
    certificatesRoute(mock, { list: [keys.platform] });
    mock.requests.splice(0);
    await store.write('1900000001', { updatedAt: Date.now() + 60_000, certificates: [{ serial: keys.platform.serial, pem: keys.platform.certificatePem }] });
    const wxpay = downloadingClient(mock, { certs: mock.clientConfig.certs, certificates: { store, refreshInterval: 3600 } });
    wxpay.certificates!.tick();
    for (let i = 0; i < 100 && !wxpay.certificates!.lastRefresh; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(downloads(mock)).toBe(0);
    expect(wxpay.certificates!.lastRefresh?.source).toBe('store');
    wxpay.certificates!.stop();
  });
});

describe('new Wechatpay({ webhooks: { nonces, maxBodyBytes, storeTimeout } }) (L2)', () => {
  const config: WechatpayConfig = {
    mchid: '1900000001',
    serial: keys.merchant.serial,
    privateKey: keys.merchant.privateKeyPem,
    certs: { [keys.platform.serial]: keys.platform.certificatePem },
    apiv3Key: APIV3_KEY,
  };
  const notification = (id: string) =>
    buildNotification({ eventType: 'TRANSACTION.SUCCESS', resource: { out_trade_no: id }, apiv3Key: APIV3_KEY, signer: signer(keys.platform), id });

  test('two clients given one nonce store accept a notification once between them', async () => {
    const nonces = new MemoryNonceStore();
    const first = new Wechatpay({ ...config, webhooks: { nonces } });
    const second = new Wechatpay({ ...config, webhooks: { nonces } });
    const sent = notification('N1');
    expect((await first.webhooks.parse(sent)).id).toBe('N1');
    await expect(second.webhooks.parse(sent)).rejects.toMatchObject({ code: 'REPLAYED_NONCE' });
    // Separate clients without a shared store would both accept it: the option is what joins them.
    const alone = new Wechatpay(config);
    expect((await alone.webhooks.parse(sent)).id).toBe('N1');
  });

  test('maxBodyBytes bounds the body', async () => {
    const wxpay = new Wechatpay({ ...config, webhooks: { maxBodyBytes: 2048 } });
    const sent = notification('N'.repeat(3000));
    await expect(wxpay.webhooks.parse(sent)).rejects.toMatchObject({ code: 'BODY_TOO_LARGE', status: 413 });
    expect(wxpay.webhooks.parser.maxBodyBytes).toBe(2048);
  });

  test('bad values are ConfigErrors naming the field', () => {
    expect(configError({ ...config, webhooks: 'redis' }).field).toBe('webhooks');
    expect(configError({ ...config, webhooks: { nonces: { claim() {} } } }).field).toBe('webhooks.nonces');
    expect(configError({ ...config, webhooks: { maxBodyBytes: 10 } }).field).toBe('webhooks.maxBodyBytes');
    expect(configError({ ...config, webhooks: { storeTimeout: -1 } }).field).toBe('webhooks.storeTimeout');
    expect(configError({ ...config, apiv3Key: undefined, webhooks: {} }).field).toBe('webhooks');
  });

  test('a nonce store that hangs: 503 and the handler is not run; once it answers, the same notification is accepted once', async () => {
    const inner = new MemoryNonceStore();
    let hang = true;
    const nonces: NonceStore = {
      claim: (nonce, expiresAt) => (hang ? never<boolean>() : inner.claim(nonce, expiresAt)),
      release: (nonce) => (hang ? never<void>() : inner.release(nonce)),
    };
    const wxpay = untyped(new Wechatpay({ ...config, webhooks: { nonces, storeTimeout: 0.1 } }));
    const handled: string[] = [];
    const server: Server = createServer(wxpay.webhooks.node((n) => void handled.push(n.id)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    try {
      const sent = notification('N2');
      const refused = await deliver(url, sent);
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toEqual({ code: 'FAIL', message: 'replay store unavailable' });
      await expect(wxpay.webhooks.parse(sent)).rejects.toMatchObject({ code: 'STORE_TIMEOUT', operation: 'nonces.claim' });
      expect(handled).toEqual([]);
      hang = false;
      expect((await deliver(url, sent)).status).toBe(204);
      expect((await deliver(url, sent)).status).toBe(401);
      expect(handled).toEqual(['N2']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
