// What a merchant client costs: N clients in one process, each with its own private key, built
// from the package (dist/cjs). Measures construction time per client, RSS growth after building
// them and after one call each, the timers the clients hold (setTimeout is counted from before
// the package loads) and the sockets left open (counted by the server). The loopback server runs
// in its own process and answers every call with one answer signed by a WeChat Pay public key.
//
//   npm run build && node --expose-gc bench/merchants.mjs [--clients 1000] [--concurrency 32] [--idle 6]
//
// Private keys take ~150 ms each to make; they are cached in .tmp/ for the next run.
import { fork } from 'node:child_process';
import { createPrivateKey, generateKeyPair, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};

if (process.argv[2] === 'server') {
  // Answers everything with one body, re-signed each second (inside the 300 s window).
  const { platformPrivateKeyPem, platformId } = JSON.parse(process.env.MERCHANTS_SERVER);
  const key = createPrivateKey(platformPrivateKeyPem);
  const body = JSON.stringify({ trade_state: 'SUCCESS' });
  let head;
  const resign = () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), key).toString('base64');
    head = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Nonce': nonce, 'Wechatpay-Signature': signature, 'Wechatpay-Serial': platformId };
  };
  resign();
  setInterval(resign, 1000).unref();
  let open = 0;
  let opened = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume().on('end', () => res.writeHead(200, head).end(body));
  });
  server.on('connection', (socket) => {
    open++;
    opened++;
    socket.on('close', () => open--);
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', () => process.send({ open, opened, requests }));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

async function merchantKeys(count) {
  const file = join(root, '.tmp', `bench-merchant-keys-${count}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dirname(file), { recursive: true });
  const make = promisify(generateKeyPair);
  const keys = [];
  for (let i = 0; i < count; i += 16) {
    const batch = await Promise.all(Array.from({ length: Math.min(16, count - i) }, () => make('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })));
    keys.push(...batch.map(({ privateKey }) => ({ privateKeyPem: privateKey, serial: randomBytes(20).toString('hex').toUpperCase() })));
  }
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

async function main() {
  if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
  const clients = option('--clients', 1000);
  const concurrency = option('--concurrency', 32);
  const idle = option('--idle', 6);

  // Every timer made from here on is counted while it is pending.
  const live = new Set();
  const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
  globalThis.setTimeout = function (callback, ms, ...args) {
    const timer = realSet(function (...a) {
      live.delete(timer);
      return callback(...a);
    }, ms, ...args);
    live.add(timer);
    return timer;
  };
  globalThis.clearTimeout = (timer) => {
    live.delete(timer);
    realClear(timer);
  };

  const keys = await merchantKeys(clients);
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const platformId = `PUB_KEY_ID_${Array.from(randomBytes(32), (b) => b % 10).join('')}`;
  const server = fork(fileURLToPath(import.meta.url), ['server'], { env: { ...process.env, MERCHANTS_SERVER: JSON.stringify({ platformPrivateKeyPem: platform.privateKey, platformId }) } });
  const { port } = await new Promise((resolve) => server.once('message', resolve));
  const serverStats = () => new Promise((resolve) => (server.once('message', resolve), server.send('stats')));

  const { Wechatpay } = createRequire(import.meta.url)(join(root, 'dist/cjs/index.js'));
  const configs = keys.map((key, i) => ({
    mchid: String(1900000000 + i),
    serial: key.serial,
    privateKey: key.privateKeyPem,
    certs: { [platformId]: platform.publicKey },
    // Each client can download certificates and decrypt notifications: the worst case for timers.
    apiv3Key: randomBytes(16).toString('hex'),
    baseURL: `http://127.0.0.1:${port}/`,
  }));
  const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const settle = async () => {
    for (let i = 0; i < 3; i++) gc();
    await new Promise((resolve) => realSet(resolve, 50));
    gc();
    return process.memoryUsage();
  };
  // Warm the module (first-use costs: keys, axios, the proxy) with one client that is then dropped.
  new Wechatpay(configs[0]);
  const base = await settle();
  const timersBefore = live.size;

  const wxpays = new Array(clients);
  const started = process.hrtime.bigint();
  for (let i = 0; i < clients; i++) wxpays[i] = new Wechatpay(configs[i]);
  const constructMs = Number(process.hrtime.bigint() - started) / 1e6;
  const built = await settle();
  const timersBuilt = live.size - timersBefore;
  const socketsBuilt = (await serverStats()).open;

  let next = 0;
  let verified = 0;
  const callsStarted = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < clients) {
        const i = next++;
        const answer = await wxpays[i].v3.pay.transactions.id._transaction_id_.get({ transaction_id: '4200000001', query: { mchid: configs[i].mchid } });
        if (answer.verified) verified++;
      }
    }),
  );
  const callsMs = Date.now() - callsStarted;
  const called = await settle();
  const afterCalls = await serverStats();
  const timersCalled = live.size - timersBefore;
  await new Promise((resolve) => realSet(resolve, idle * 1000));
  const afterIdle = await serverStats();
  const timersIdle = live.size - timersBefore;

  const result = {
    node: process.version,
    clients,
    constructMsPerClient: Math.round((constructMs / clients) * 1000) / 1000,
    rssMB: { base: mb(base.rss), built: mb(built.rss), afterOneCallEach: mb(called.rss), growthBuilt: mb(built.rss - base.rss), growthAfterCalls: mb(called.rss - base.rss) },
    heapUsedMB: { base: mb(base.heapUsed), afterOneCallEach: mb(called.heapUsed) },
    calls: { verified, of: clients, ms: callsMs, concurrency },
    pendingTimers: { beforeBuild: timersBefore, addedByBuild: timersBuilt, addedAfterCalls: timersCalled, addedAfterIdle: timersIdle },
    serverSockets: { afterBuild: socketsBuilt, afterCalls: afterCalls.open, openedDuringCalls: afterCalls.opened, [`after${idle}sIdle`]: afterIdle.open },
  };
  console.log(JSON.stringify(result, null, 2));
  server.disconnect();
  process.exit(0);
}
