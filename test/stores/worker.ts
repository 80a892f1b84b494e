// One merchant process of the multi-process suite, run with `node --import tsx` by
// processes.test.ts: a client of the mock sharing Redis with its siblings, and a notification
// endpoint. It does what the parent asks over IPC and reports what happened.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wechatpay, redisStores, untyped, type WechatpayResponse } from '../../src/index.js';

export interface WorkerSetup {
  redisUrl: string;
  prefix: string;
  baseURL: string;
  mchid: string;
  serial: string;
  privateKeyPem: string;
  apiv3Key: string;
  certs: Record<string, string>;
  /** Seconds. */
  lockTtl: number;
  /** Seconds. */
  storeTimeout: number;
}

export type WorkerRequest = { id: number } & ({ cmd: 'call'; n: number } | { cmd: 'serve' } | { cmd: 'fail'; notification: string });
export interface CallResult {
  verified?: boolean;
  serial?: string;
  error?: string;
}
export type WorkerMessage =
  | { ready: true }
  | { id: number; results: CallResult[]; downloads: number }
  | { id: number; port: number }
  | { id: number; ok: true }
  | { event: 'handled' | 'failed'; notification: string; pid: number };

const setup = JSON.parse(process.env.WORKER_SETUP!) as WorkerSetup;
const stores = redisStores({ url: setup.redisUrl, prefix: setup.prefix });
const wxpay = untyped(
  new Wechatpay({
    mchid: setup.mchid,
    serial: setup.serial,
    privateKey: setup.privateKeyPem,
    certs: setup.certs,
    apiv3Key: setup.apiv3Key,
    baseURL: setup.baseURL,
    certificates: { store: stores.certificates, lockTtl: setup.lockTtl, storeTimeout: setup.storeTimeout, minInterval: 0, refreshInterval: 0 },
    webhooks: { nonces: stores.nonces, storeTimeout: setup.storeTimeout },
  }),
);
const failing = new Set<string>();
let server: Server | undefined;
const send = (message: WorkerMessage) => process.send!(message);

function outcome(settled: PromiseSettledResult<WechatpayResponse<unknown>>): CallResult {
  if (settled.status === 'fulfilled') return { verified: settled.value.verified, serial: String(settled.value.headers['wechatpay-serial']) };
  const reason = settled.reason as { code?: string; message?: string };
  return { error: reason.code ?? reason.message ?? String(reason) };
}

process.on('message', async (request: WorkerRequest) => {
  if (request.cmd === 'call') {
    const settled = await Promise.allSettled(Array.from({ length: request.n }, (_, i) => wxpay.v3.echo.post({ json: { i } })));
    send({ id: request.id, results: settled.map(outcome), downloads: wxpay.certificates!.downloads });
  } else if (request.cmd === 'serve') {
    server = createServer(
      wxpay.webhooks.node(async (notification) => {
        if (failing.delete(notification.id)) {
          send({ event: 'failed', notification: notification.id, pid: process.pid });
          throw new Error('the merchant could not handle it this time');
        }
        send({ event: 'handled', notification: notification.id, pid: process.pid });
      }),
    );
    server.listen(0, '127.0.0.1', () => send({ id: request.id, port: (server!.address() as AddressInfo).port }));
  } else if (request.cmd === 'fail') {
    failing.add(request.notification);
    send({ id: request.id, ok: true });
  }
});
process.on('disconnect', () => {
  server?.close();
  void stores.close().finally(() => process.exit(0));
});
send({ ready: true });
