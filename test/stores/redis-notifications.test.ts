// The replay store and the notification-id guard on a real redis-server. The nonce's expiry is
// relative (PX), from the notification's own window on this process's clock, so a Redis whose
// clock runs ahead cannot end it early; the commands are those of Redis 6.0. A notification
// handled by one process is not handled again by another when WeChat Pay re-delivers it.
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Wechatpay, redisStores, type RedisCommands, type WechatpayClient } from '../../src/index.js';
import { buildNotification } from '../../src/mock/notify.js';
import { describeWith } from '../helpers/needs.js';
import { redisNeed, startRedis, type RedisServer } from '../helpers/redis.js';
import { APIV3_KEY, makeKeys, signer } from '../certificates/helpers.js';

/** A client passing every command to ioredis, and keeping a copy. */
function recording(client: Redis): RedisCommands & { commands: (string | number)[][] } {
  const commands: (string | number)[][] = [];
  return { commands, call: (command, ...args) => (commands.push([command, ...args]), client.call(command, ...args)) };
}

// What Redis 6.0 understands: these commands, and SET with only these options.
const REDIS_6_0 = { commands: new Set(['GET', 'SET', 'DEL', 'EVAL', 'INCR', 'PING']), set: new Set(['NX', 'XX', 'PX', 'EX', 'KEEPTTL']) };
function only60(commands: (string | number)[][]): string[] {
  const wrong: string[] = [];
  const setOptions = (args: (string | number)[]) => args.filter((arg) => typeof arg === 'string' && /^[A-Z]+$/.test(arg)).filter((arg) => !REDIS_6_0.set.has(arg as string));
  for (const [command, ...args] of commands) {
    if (!REDIS_6_0.commands.has(String(command))) wrong.push(String(command));
    if (command === 'SET') wrong.push(...(setOptions(args.slice(2)) as string[]));
    if (command === 'EVAL') {
      const script = String(args[0]);
      for (const found of script.matchAll(/'SET',[^)]*/g)) for (const option of found[0].match(/'([A-Z]+)'/g) ?? []) if (!['SET', ...REDIS_6_0.set].includes(option.slice(1, -1))) wrong.push(option);
      for (const found of script.matchAll(/redis\.call\('([A-Z]+)'/g)) if (!REDIS_6_0.commands.has(found[1]!)) wrong.push(found[1]!);
    }
  }
  return wrong;
}

describeWith(redisNeed, 'Redis: nonce expiry and the notification-id guard', () => {
  let redis: RedisServer;
  let client: Redis;
  let prefix_ = 0;
  const keys = makeKeys();
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });
  afterEach(() => jest.useRealTimers());

  const wechatpay = (nonces: ReturnType<typeof redisStores>['nonces']) =>
    new Wechatpay({ mchid: '1900000001', serial: keys.merchant.serial, privateKey: keys.merchant.privateKeyPem, certs: { [keys.platform.serial]: keys.platform.certificatePem }, apiv3Key: APIV3_KEY, webhooks: { nonces } });
  const sent = (id = randomUUID()) => buildNotification({ eventType: 'TRANSACTION.SUCCESS', id, resource: { out_trade_no: 'T1' }, apiv3Key: APIV3_KEY, signer: signer(keys.platform) });

  test('a Redis clock 400 s ahead of this process does not end the nonce early: one notification, accepted once', async () => {
    // This process's clock 400 s behind Redis's (only Date moves; timers stay real).
    jest.useFakeTimers({ now: Date.now() - 400_000, advanceTimers: true, doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    const recorder = recording(client);
    const stores = redisStores({ client: recorder, prefix: `t${++prefix_}:` });
    const wxpay = wechatpay(stores.nonces);
    const notification = sent();
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await wxpay.webhooks.parse(notification).then(() => 'accepted', (e: { code: string }) => e.code));
    expect(outcomes).toEqual(['accepted', 'REPLAYED_NONCE', 'REPLAYED_NONCE']);
    // The expiry went as a duration: the window left on this process's clock (≈ 301 s).
    const set = recorder.commands.find((c) => c[0] === 'SET')!;
    expect(set).toEqual(['SET', `t${prefix_}:nonce:${notification.headers['Wechatpay-Nonce']}`, expect.any(String), 'NX', 'PX', expect.any(Number)]);
    expect(set[5]).toBeGreaterThan(290_000);
    expect(set[5]).toBeLessThanOrEqual(301_000);
    expect(await client.pttl(String(set[1]))).toBeGreaterThan(290_000);
  });

  test('the handler runs once across two processes sharing Redis; its reply is given again; a failure lets the next delivery run it', async () => {
    const prefix = `t${++prefix_}:`;
    const recorder = recording(client);
    const [a, b] = [redisStores({ client: recorder, prefix }), redisStores({ client: recorder, prefix })];
    const [one, two] = [wechatpay(a.nonces), wechatpay(b.nonces)];
    let calls = 0;
    const handler = () => {
      calls++;
      return one.webhooks.reply.success({ retention_type: 'RETAIN' });
    };
    const id = randomUUID();
    const fetchLike = (wxpay: WechatpayClient) => async () => {
      const n = sent(id);
      const response = await wxpay.webhooks.fetch(handler)(new Request('http://merchant.test/notify', { method: 'POST', headers: n.headers, body: n.body }));
      return { status: response.status, body: await response.text() };
    };
    const first = await fetchLike(one)();
    expect(first.status).toBe(200);
    expect(await fetchLike(two)()).toEqual(first);
    expect(await fetchLike(one)()).toEqual(first);
    expect(calls).toBe(1);
    // Kept for WeChat Pay's whole re-delivery schedule (about a day), relative to now.
    expect(await client.pttl(`${prefix}notification:${id}`)).toBeGreaterThan(24 * 3600 * 1000);

    let failing = 0;
    const flaky = () => {
      if (++failing === 1) throw new Error('database down');
    };
    const other = randomUUID();
    const deliver = (wxpay: WechatpayClient) => {
      const n = sent(other);
      return wxpay.webhooks.fetch(flaky)(new Request('http://merchant.test/notify', { method: 'POST', headers: n.headers, body: n.body })).then((r: Response) => r.status);
    };
    expect(await deliver(one)).toBe(500);
    expect(await deliver(two)).toBe(204);
    expect(await deliver(one)).toBe(204);
    expect(failing).toBe(2);
    expect(only60(recorder.commands)).toEqual([]);
  });

  test('the stores speak Redis 6.0: no EXAT, PXAT, GETEX or SET … GET anywhere', async () => {
    const recorder = recording(client);
    const stores = redisStores({ client: recorder, prefix: `t${++prefix_}:` });
    const expiresAt = Math.floor(Date.now() / 1000) + 300;
    expect(await stores.nonces.claim('N', expiresAt)).toBe(true);
    await stores.nonces.release('N');
    const lease = await stores.certificates.lock('1900000001', 1000);
    await stores.certificates.write('1900000001', { updatedAt: 1, certificates: [] }, lease);
    await stores.certificates.read('1900000001');
    await lease!.release();
    const begun = await stores.nonces.begin('ID', 60_000);
    expect(begun.state).toBe('start');
    if (begun.state === 'start') await stores.nonces.finish('ID', begun.token, 'failed', 1000);
    expect(recorder.commands.length).toBeGreaterThan(6);
    expect(only60(recorder.commands)).toEqual([]);
    // And the check itself catches what 6.0 lacks.
    expect(only60([['SET', 'k', 'v', 'NX', 'EXAT', 1], ['GETEX', 'k'], ['EVAL', "redis.call('SET', KEYS[1], 1, 'PXAT', 5)", 1, 'k']])).toEqual(['EXAT', 'GETEX', "'PXAT'"]);
  });
});
