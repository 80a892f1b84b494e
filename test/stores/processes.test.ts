// Several processes of one merchant sharing one real Redis: a certificate rotation downloaded
// once for all of them, a notification accepted once among them, a lock holder that dies, and a
// Redis that goes away mid-run. Every process is a real child (worker.ts), every call goes to the
// mock over loopback.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sealCertificateList } from '../../src/index.js';
import { buildNotification, deliver, type BuiltNotification } from '../../src/mock/notify.js';
import type { MockServer } from '../../src/mock/server.js';
import { describeWith } from '../helpers/needs.js';
import { redisNeed, startRedis, type RedisServer } from '../helpers/redis.js';
import { APIV3_KEY, downloads, echoRoute, makeKeys, signer, startMock } from '../certificates/helpers.js';
import type { CallResult, WorkerMessage, WorkerRequest, WorkerSetup } from './worker.js';

jest.setTimeout(90_000);
const keys = makeKeys();
let prefixes = 0;

class WorkerProcess {
  readonly #pending = new Map<number, (message: WorkerMessage) => void>();
  #next = 1;
  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: WorkerMessage) => {
      if ('event' in message) events.push(message);
      else if ('id' in message) {
        this.#pending.get(message.id)?.(message);
        this.#pending.delete(message.id);
      }
    });
  }

  static start(setup: WorkerSetup): Promise<WorkerProcess> {
    const child = fork(join(__dirname, 'worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, WORKER_SETUP: JSON.stringify(setup) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`worker exited before it was ready (${code})`)));
      child.once('message', () => resolve(new WorkerProcess(child)));
    });
  }

  ask<M extends WorkerMessage>(request: DistributiveOmit<WorkerRequest, 'id'>): Promise<M> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, (message) => resolve(message as M));
      this.child.send({ ...request, id });
    });
  }

  async call(n: number): Promise<{ results: CallResult[]; downloads: number }> {
    return this.ask<{ id: number; results: CallResult[]; downloads: number }>({ cmd: 'call', n });
  }

  async serve(): Promise<string> {
    const { port } = await this.ask<{ id: number; port: number }>({ cmd: 'serve' });
    return `http://127.0.0.1:${port}/notify`;
  }

  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const events: Extract<WorkerMessage, { event: string }>[] = [];
const handled = (id: string) => events.filter((event) => event.event === 'handled' && event.notification === id).length;
const notification = (id: string): BuiltNotification =>
  buildNotification({ eventType: 'TRANSACTION.SUCCESS', resource: { out_trade_no: id }, apiv3Key: APIV3_KEY, signer: signer(keys.platform), id });

describeWith(redisNeed, 'processes sharing one Redis', () => {
  let redis: RedisServer;
  let mock: MockServer;
  let workers: WorkerProcess[] = [];

  const setup = (extra: Partial<WorkerSetup> = {}): WorkerSetup => ({
    redisUrl: redis.url,
    prefix: `p${++prefixes}:`,
    baseURL: mock.url,
    mchid: '1900000001',
    serial: keys.merchant.serial,
    privateKeyPem: keys.merchant.privateKeyPem,
    apiv3Key: APIV3_KEY,
    certs: {},
    lockTtl: 30,
    storeTimeout: 1,
    ...extra,
  });
  const startWorkers = async (count: number, shared: WorkerSetup) => {
    workers = await Promise.all(Array.from({ length: count }, () => WorkerProcess.start(shared)));
    return workers;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  beforeEach(async () => {
    events.splice(0);
    mock = await startMock(keys);
    echoRoute(mock);
  });
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    workers = [];
    await mock.close();
  });

  test('4 processes, a rotation on the mock: every answer in every process verified, one download for the first certificates and one for the rotation', async () => {
    const four = await startWorkers(4, setup());
    const first = await Promise.all(four.map((worker) => worker.call(5)));
    expect(first.flatMap((answer) => answer.results)).toEqual(Array(20).fill({ verified: true, serial: keys.platform.serial }));
    expect(downloads(mock)).toBe(1);
    const next = mock.rotatePlatformCertificate();
    const second = await Promise.all(four.map((worker) => worker.call(5)));
    expect(second.flatMap((answer) => answer.results)).toEqual(Array(20).fill({ verified: true, serial: next.serial }));
    expect(downloads(mock)).toBe(2);
    // Which process downloaded does not matter; that exactly one did, each time, does.
    expect(second.reduce((sum, answer) => sum + answer.downloads, 0)).toBe(2);
  });

  test('one notification delivered to 4 processes at once is handled once; a failed handling gives the nonce back and the retry is accepted once', async () => {
    const four = await startWorkers(4, setup({ certs: { [keys.platform.serial]: keys.platform.certificatePem } }));
    const urls = await Promise.all(four.map((worker) => worker.serve()));
    const once = notification('ONCE');
    const answers = await Promise.all(urls.map((url) => deliver(url, once)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 401, 401, 401]);
    expect(handled('ONCE')).toBe(1);

    const retried = notification('RETRIED');
    await four[0]!.ask({ cmd: 'fail', notification: 'RETRIED' });
    expect((await deliver(urls[0]!, retried)).status).toBe(500);
    expect(events.filter((event) => event.notification === 'RETRIED').map((event) => event.event)).toEqual(['failed']);
    // WeChat Pay's retry, delivered to every process at once: accepted by exactly one.
    const again = await Promise.all(urls.map((url) => deliver(url, retried)));
    expect(again.map((answer) => answer.status).sort()).toEqual([204, 401, 401, 401]);
    expect(handled('RETRIED')).toBe(1);
  });

  test('the lock holder is killed mid-download: another process completes the refresh once the lock expires', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let served = 0;
    mock.route('GET', 'v3/certificates', async () => {
      // The first download never finishes: its process is killed while it waits.
      if (served++ === 0) await gate;
      return { raw: JSON.stringify(sealCertificateList(APIV3_KEY, mock.platforms.map((key) => key.certificatePem))) };
    });
    const [holder, other] = await startWorkers(2, setup({ lockTtl: 1 }));
    const held = holder!.call(1);
    while (downloads(mock) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const waiting = other!.call(1);
    await holder!.kill();
    held.catch(() => undefined);
    const answer = await waiting;
    open();
    expect(answer.results).toEqual([{ verified: true, serial: keys.platform.serial }]);
    expect(answer.downloads).toBe(1);
    expect(downloads(mock)).toBe(2);
  });

  test('Redis goes away mid-run: notifications are refused with 503 and none is handled; API calls keep verifying; once Redis is back each is accepted exactly once', async () => {
    const two = await startWorkers(2, setup({ certs: { [keys.platform.serial]: keys.platform.certificatePem }, storeTimeout: 0.3 }));
    const urls = await Promise.all(two.map((worker) => worker.serve()));
    const before = ['B1', 'B2'].map(notification);
    for (const sent of before) expect((await Promise.all(urls.map((url) => deliver(url, sent)))).map((a) => a.status).sort()).toEqual([204, 401]);

    await redis.kill();
    const during = ['D1', 'D2', 'D3'].map(notification);
    for (const sent of during) expect((await Promise.all(urls.map((url) => deliver(url, sent)))).map((a) => a.status)).toEqual([503, 503]);
    expect(events.filter((event) => event.notification.startsWith('D'))).toEqual([]);
    const calls = await Promise.all(two.map((worker) => worker.call(3)));
    expect(calls.flatMap((answer) => answer.results)).toEqual(Array(6).fill({ verified: true, serial: keys.platform.serial }));

    await redis.start();
    // WeChat Pay keeps retrying a refused notification; here, every 100 ms to both processes.
    for (const sent of during) {
      for (let attempt = 0; ; attempt++) {
        const statuses = (await Promise.all(urls.map((url) => deliver(url, sent)))).map((a) => a.status);
        expect(statuses.filter((status) => status === 204).length).toBeLessThanOrEqual(1);
        if (statuses.includes(204)) break;
        expect(statuses).toEqual([503, 503]);
        expect(attempt).toBeLessThan(100);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    for (const id of ['B1', 'B2', 'D1', 'D2', 'D3']) expect(handled(id)).toBe(1);
  });
});
