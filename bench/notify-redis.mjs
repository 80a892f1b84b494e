// Notification throughput with the Redis replay store against the in-memory one, and with two
// processes sharing one Redis. Each scenario runs in fresh worker processes that verify, claim
// and decrypt the same pre-built notifications (signed by a WeChat Pay public key) through
// `wxpay.webhooks.parse`, 64 in flight per process; redis-server runs on a free loopback port.
//
//   npm run build && node bench/notify-redis.mjs [--notifications 8000] [--rounds 3]
import { fork, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};

if (process.argv[2] === 'worker') await worker();
else await main();

async function worker() {
  const job = JSON.parse(process.env.NOTIFY_JOB);
  const { Wechatpay, MemoryNonceStore, redisStores } = require(join(root, 'dist/cjs/index.js'));
  const stores = job.store === 'redis' ? redisStores({ url: job.redisUrl, prefix: job.prefix }) : undefined;
  const wxpay = new Wechatpay({
    mchid: '1900000001',
    serial: 'ABCDEF',
    privateKey: job.merchantPrivateKeyPem,
    certs: { [job.platformId]: job.platformPublicKeyPem },
    apiv3Key: job.apiv3Key,
    webhooks: { nonces: stores ? stores.nonces : new MemoryNonceStore() },
  });
  const all = JSON.parse(readFileSync(job.file, 'utf8'));
  const run = async (list) => {
    let next = 0;
    let accepted = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < list.length) {
          const notification = list[next++];
          await wxpay.webhooks.parse(notification);
          accepted++;
        }
      }),
    );
    return accepted;
  };
  // Warm-up on notifications nobody else parses, then wait for the go.
  await run(all.warm.slice(job.warm[0], job.warm[1]));
  process.send({ ready: true });
  await new Promise((resolve) => process.once('message', resolve));
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const accepted = await run(all.timed.slice(job.slice[0], job.slice[1]));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  process.send({ accepted, ms, cpuMs: (used.user + used.system) / 1000 });
  await stores?.close();
  process.exit(0);
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function main() {
  const count = option('--notifications', 8000);
  const rounds = option('--rounds', 3);
  const { encryptAesGcm } = require(join(root, 'dist/cjs/index.js'));
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const platformId = `PUB_KEY_ID_${Array.from(randomBytes(32), (b) => b % 10).join('')}`;
  const apiv3Key = randomBytes(16).toString('hex');
  // As WeChat Pay sends them: the resource sealed under the APIv3 key, the envelope signed.
  const build = (id) => {
    const sealed = encryptAesGcm(apiv3Key, JSON.stringify({ mchid: '1900000001', out_trade_no: id, trade_state: 'SUCCESS', amount: { total: 100 } }), 'transaction');
    const body = JSON.stringify({ id, create_time: new Date().toISOString(), resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: 'ok', resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext: sealed.ciphertext, associated_data: 'transaction', nonce: sealed.nonce } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), platform.privateKey).toString('base64');
    return { headers: { 'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': platformId }, body };
  };
  const file = join(root, '.tmp', 'bench-notifications.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ warm: Array.from({ length: 800 }, (_, i) => build(`W${i}`)), timed: Array.from({ length: count }, (_, i) => build(`T${i}`)) }));

  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => redis.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept') && resolve()));
  const base = { file, platformId, platformPublicKeyPem: platform.publicKey, merchantPrivateKeyPem: merchant.privateKey, apiv3Key, redisUrl: `redis://127.0.0.1:${port}` };

  let prefix = 0;
  async function scenario(store, processes) {
    const per = Math.floor(count / processes);
    const warm = Math.floor(800 / processes);
    const p = `r${++prefix}:`;
    const children = Array.from({ length: processes }, (_, i) =>
      fork(fileURLToPath(import.meta.url), ['worker'], { env: { ...process.env, NOTIFY_JOB: JSON.stringify({ ...base, store, prefix: p, slice: [i * per, (i + 1) * per], warm: [i * warm, (i + 1) * warm] }) } }),
    );
    await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
    const done = children.map((child) => new Promise((resolve) => child.once('message', resolve)));
    for (const child of children) child.send('go');
    const redisCpu = redisCpuMs();
    const results = await Promise.all(done);
    const accepted = results.reduce((sum, r) => sum + r.accepted, 0);
    if (accepted !== per * processes) throw new Error(`accepted ${accepted} of ${per * processes}`);
    return {
      perSecond: Math.round(accepted / (Math.max(...results.map((r) => r.ms)) / 1000)),
      // CPU per notification in the SDK's process(es) and in redis-server: what the wall figure
      // would be on idle cores is bounded by these, whatever else the machine runs.
      clientCpuUs: Math.round((results.reduce((sum, r) => sum + r.cpuMs, 0) / accepted) * 1000),
      redisCpuUs: store === 'redis' ? Math.round(((redisCpuMs() - redisCpu) / accepted) * 1000) : 0,
    };
  }
  // user + system time of redis-server so far (Linux /proc), in ms.
  function redisCpuMs() {
    const fields = readFileSync(`/proc/${redis.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }

  const rows = [];
  for (let round = 1; round <= rounds; round++) {
    const memory = await scenario('memory', 1);
    const redisOne = await scenario('redis', 1);
    const redisTwo = await scenario('redis', 2);
    rows.push({ round, memory, redisOne, redisTwo, redisVsMemory: +(redisOne.perSecond / memory.perSecond).toFixed(2), twoVsOne: +(redisTwo.perSecond / redisOne.perSecond).toFixed(2) });
    console.log(JSON.stringify(rows.at(-1)));
  }
  redis.kill('SIGKILL');
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(JSON.stringify({
    node: process.version,
    notifications: count,
    rounds,
    median: {
      memoryPerSecond: median(rows.map((r) => r.memory.perSecond)),
      redisOnePerSecond: median(rows.map((r) => r.redisOne.perSecond)),
      redisTwoPerSecond: median(rows.map((r) => r.redisTwo.perSecond)),
      redisVsMemory: median(rows.map((r) => r.redisVsMemory)),
      twoVsOne: median(rows.map((r) => r.twoVsOne)),
      memoryClientCpuUs: median(rows.map((r) => r.memory.clientCpuUs)),
      redisClientCpuUs: median(rows.map((r) => r.redisOne.clientCpuUs)),
      redisServerCpuUs: median(rows.map((r) => r.redisOne.redisCpuUs)),
    },
  }, null, 2));
}
