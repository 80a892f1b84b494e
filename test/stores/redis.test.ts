// The Redis stores against a real redis-server: the replay store's claim and release, the
// certificate store's value, and the refresh lock (expiry, fencing), in one process.
import Redis from 'ioredis';
import { ConfigError, RedisCertificateStore, RedisConnection, RedisNonceStore, Wechatpay, redisStores } from '../../src/index.js';
import { buildNotification } from '../../src/mock/notify.js';
import { describeWith } from '../helpers/needs.js';
import { redisNeed, startRedis, type RedisServer } from '../helpers/redis.js';
import { certifiedKey } from '../../src/mock/identity.js';
import { APIV3_KEY, caught, certificatesRoute, downloadingClient, downloads, echoRoute, makeKeys, signer, startMock } from '../certificates/helpers.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWith(redisNeed, 'Redis stores', () => {
  let redis: RedisServer;
  let client: Redis;
  let prefix_ = 0;
  // Each test its own key prefix, so no test sees another's keys.
  const options = () => ({ client, prefix: `t${++prefix_}:` });
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });

  test('nonces: one claim wins across stores; only the claimant can give it back; the key expires with the window', async () => {
    const shared = options();
    const a = new RedisNonceStore(shared);
    const b = new RedisNonceStore(shared);
    const expiresAt = Math.floor(Date.now() / 1000) + 300;
    const claims = await Promise.all([a, b, a, b].map((store) => store.claim('N1', expiresAt)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = claims[0] || claims[2] ? a : b;
    const loser = winner === a ? b : a;
    await loser.release('N1');
    expect(await loser.claim('N1', expiresAt)).toBe(false);
    await winner.release('N1');
    expect(await loser.claim('N1', expiresAt)).toBe(true);
    expect(await client.call('EXPIRETIME', `${shared.prefix}nonce:N1`)).toBe(expiresAt);
  });

  test('certificates: read what was written; a missing key is undefined; a foreign value is an error', async () => {
    const store = new RedisCertificateStore(options());
    expect(await store.read('1900000001')).toBeUndefined();
    const value = { updatedAt: 1_700_000_000_000, certificates: [{ serial: 'AB', pem: 'PEM' }] };
    await store.write('1900000001', value);
    expect(await store.read('1900000001')).toEqual(value);
    await client.set(`t${prefix_}:certificates:1900000002`, '"just a string"');
    await expect(store.read('1900000002')).rejects.toThrow('does not hold stored certificates');
  });

  test('the lock: one holder at a time, growing tokens, released early or by expiry, and a stale holder cannot release or overwrite', async () => {
    const store = new RedisCertificateStore(options());
    const first = await store.lock('1900000001', 150);
    expect(first?.token).toBeGreaterThan(0);
    expect(await store.lock('1900000001', 150)).toBeUndefined();
    await first!.release();
    const second = await store.lock('1900000001', 80);
    expect(second!.token).toBeGreaterThan(first!.token);
    // The holder "dies": nobody releases; the lock ends by itself.
    expect(await store.lock('1900000001', 80)).toBeUndefined();
    await pause(120);
    const third = await store.lock('1900000001', 5000);
    expect(third!.token).toBeGreaterThan(second!.token);
    // The dead holder comes back: its release leaves the new holder's lock, its write is refused.
    await second!.release();
    expect(await store.lock('1900000001', 5000)).toBeUndefined();
    await store.write('1900000001', { updatedAt: 2, certificates: [] }, third);
    await store.write('1900000001', { updatedAt: 1, certificates: [] }, second);
    expect((await store.read('1900000001'))!.updatedAt).toBe(2);
    await third!.release();
  });

  test('a connection made from a URL (ioredis loaded on first use) serves a client; close() ends it', async () => {
    const keys = makeKeys();
    const stores = redisStores({ url: redis.url, prefix: `t${++prefix_}:` });
    const config = {
      mchid: '1900000001',
      serial: keys.merchant.serial,
      privateKey: keys.merchant.privateKeyPem,
      certs: { [keys.platform.serial]: keys.platform.certificatePem },
      apiv3Key: APIV3_KEY,
      certificates: { store: stores.certificates },
      webhooks: { nonces: stores.nonces },
    };
    const one = new Wechatpay(config);
    const two = new Wechatpay(config);
    try {
      const sent = buildNotification({ eventType: 'TRANSACTION.SUCCESS', resource: { out_trade_no: 'T1' }, apiv3Key: APIV3_KEY, signer: signer(keys.platform) });
      const outcomes = await Promise.allSettled([one.webhooks.parse(sent), two.webhooks.parse(sent)]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { code: 'REPLAYED_NONCE' } });
    } finally {
      await stores.close();
      one.certificates!.stop();
      two.certificates!.stop();
    }
  });

  test('clients sharing the store and its lock: a download that does not bring the serial is not repeated by the waiters', async () => {
    const keys = makeKeys();
    const mock = await startMock(keys);
    try {
      const impostor = certifiedKey({ commonName: 'Tenpay.com Root CA' });
      echoRoute(mock, () => signer(impostor));
      certificatesRoute(mock, { list: [keys.platform], delay: 200 });
      const store = new RedisCertificateStore(options());
      const clients = [1, 2, 3].map(() => downloadingClient(mock, { certs: mock.clientConfig.certs, certificates: { store, lockTtl: 5 } }));
      const errors = await Promise.all(clients.map((wxpay) => caught(wxpay.v3.echo.post({ json: {} }))));
      expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['UNKNOWN_SERIAL', 'UNKNOWN_SERIAL', 'UNKNOWN_SERIAL']);
      expect(downloads(mock)).toBe(1);
      expect(clients.map((wxpay) => wxpay.certificates!.lastRefresh?.source).sort()).toEqual(['download', 'store', 'store']);
      for (const wxpay of clients) wxpay.certificates!.stop();
    } finally {
      await mock.close();
    }
  });

  test('a Redis that stops answering: the claim times out (503), the claim it applies later is given back, and the retry is accepted once', async () => {
    const keys = makeKeys();
    const prefix = `t${++prefix_}:`;
    const stores = redisStores({ url: redis.url, prefix });
    const wxpay = new Wechatpay({
      mchid: '1900000001',
      serial: keys.merchant.serial,
      privateKey: keys.merchant.privateKeyPem,
      certs: { [keys.platform.serial]: keys.platform.certificatePem },
      apiv3Key: APIV3_KEY,
      webhooks: { nonces: stores.nonces, storeTimeout: 0.2 },
    });
    const sent = buildNotification({ eventType: 'TRANSACTION.SUCCESS', resource: { out_trade_no: 'SLOW' }, apiv3Key: APIV3_KEY, signer: signer(keys.platform) });
    const key = `${prefix}nonce:${sent.headers['Wechatpay-Nonce']}`;
    try {
      await stores.connection.call('PING');
      redis.pause();
      try {
        await expect(wxpay.webhooks.parse(sent)).rejects.toMatchObject({ code: 'STORE_TIMEOUT', operation: 'nonces.claim' });
      } finally {
        redis.resume();
      }
      // Redis now runs the queued SET NX, then the give-back behind it on the same connection.
      for (let i = 0; i < 100 && (await client.exists(key)) === 1; i++) await pause(20);
      expect(await client.exists(key)).toBe(0);
      expect((await wxpay.webhooks.parse(sent)).resource).toEqual({ out_trade_no: 'SLOW' });
      await expect(wxpay.webhooks.parse(sent)).rejects.toMatchObject({ code: 'REPLAYED_NONCE' });
    } finally {
      await stores.close();
    }
  });

  test('configuration mistakes are ConfigErrors naming the field', () => {
    expect(() => new RedisConnection({})).toThrow(ConfigError);
    expect(() => new RedisNonceStore({ url: 'http://localhost' })).toThrow('redis.url');
    expect(() => new RedisCertificateStore({ client: {} as never })).toThrow('redis.client');
  });
});
