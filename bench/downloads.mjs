// A large bill (gzip on the wire) streamed to a file: the client's `downloads.toFile` against a
// hand-written http.get → gunzip → SHA1 → file pipeline, in the same run, each in a fresh process
// (so each one's RSS growth is its own), interleaved round by round. The file is made once and
// served from disk by a loopback server in this (parent) process.
//   node bench/downloads.mjs [MB of bill] [rounds]      (after `npm run build`; default 200 MB, 3 rounds)
import { fork } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { get } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip, createGunzip } from 'node:zlib';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--client') await client(JSON.parse(process.argv[3]));
else await main();

async function main() {
  const megabytes = Number(process.argv[2] ?? 200);
  const rounds = Number(process.argv[3] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-bench-dl-'));
  try {
    const { file, sha1, plainBytes } = await makeBill(join(dir, 'bill.csv.gz'), megabytes * 1024 * 1024);
    const wireBytes = statSync(file).size;
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': wireBytes });
      createReadStream(file).pipe(res);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${server.address().port}/`;
    const results = { hand: [], ours: [] };
    for (let round = 0; round < rounds; round++) {
      for (const kind of round % 2 ? ['ours', 'hand'] : ['hand', 'ours']) {
        results[kind].push(await run({ kind, base, sha1, out: join(dir, `${kind}.csv`) }));
      }
    }
    server.close();
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const mbps = (kind) => median(results[kind].map((r) => plainBytes / 1048576 / (r.ms / 1000)));
    const growth = (kind) => median(results[kind].map((r) => (r.rssPeak - r.rssBase) / 1048576));
    const ratios = results.ours.map((r, i) => results.hand[i].ms / r.ms);
    console.log(JSON.stringify({ megabytes, wireMB: +(wireBytes / 1048576).toFixed(1), rounds, results }, null, 1));
    console.log(`bill: ${(plainBytes / 1048576).toFixed(0)} MB of CSV, ${(wireBytes / 1048576).toFixed(1)} MB gzip on the wire, ${rounds} rounds`);
    console.log(`hand-written http.get → gunzip → SHA1 → file: ${mbps('hand').toFixed(0)} MB/s, RSS growth ${growth('hand').toFixed(1)} MB`);
    console.log(`wxpay.downloads.toFile:                     ${mbps('ours').toFixed(0)} MB/s, RSS growth ${growth('ours').toFixed(1)} MB`);
    console.log(`throughput ours ÷ hand, per round: ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)}; target ≥ 0.8)`);
    console.log(`RSS growth target ≤ 64 MB: ${growth('ours') <= 64 ? 'met' : 'NOT met'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Rows like a trade bill's, gzipped as they are written; the SHA1 is of the plain text.
async function makeBill(path, bytes) {
  const hash = createHash('sha1');
  let written = 0;
  let row = 0;
  const head = '\uFEFF交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额\r\n';
  async function* text() {
    yield head;
    while (written < bytes) {
      let block = '';
      for (let i = 0; i < 1000; i++, row++) {
        block += `\`2024-06-01 10:${String(row % 60).padStart(2, '0')}:00,\`wxd678efh567hg6787,\`1900000001,\`0,\`,\`42000000012024060${String(row).padStart(12, '0')},\`T${row},\`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,\`JSAPI,\`SUCCESS,\`OTHERS,\`CNY,\`${(row % 997) / 100},\`0.00\r\n`;
      }
      written += Buffer.byteLength(block);
      yield block;
    }
  }
  const hashing = new Transform({ transform(chunk, _e, done) { hash.update(chunk); done(null, chunk); } });
  await pipeline(text, hashing, createGzip({ level: 6 }), createWriteStream(path));
  return { file: path, sha1: hash.digest('hex'), plainBytes: written + Buffer.byteLength(head) };
}

function run(spec) {
  return new Promise((resolve, reject) => {
    const child = fork(self, ['--client', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    child.on('message', resolve);
    child.on('exit', (code) => code && reject(new Error(`${spec.kind} client exited ${code}`)));
  });
}

async function client({ kind, base, sha1, out }) {
  const require = createRequire(import.meta.url);
  // Load everything first, so RSS growth is the transfer's and not the modules'.
  const { Wechatpay } = require('../dist/cjs/index.js');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const wxpay = new Wechatpay({ mchid: '1900000001', serial: 'ABCDEF', privateKey, certs: { PUB_KEY_ID_0000: publicKey }, baseURL: base });
  void wxpay.downloads;
  global.gc?.();
  const rssBase = process.memoryUsage().rss;
  let rssPeak = rssBase;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  if (kind === 'ours') {
    await wxpay.downloads.toFile({ download_url: `${base}v3/billdownload/file?token=bench&tartype=GZIP`, hash_type: 'SHA1', hash_value: sha1 }, out, { idleTimeout: 0, maxBytes: 4 * 1024 ** 3 });
  } else {
    await hand(`${base}v3/billdownload/file?token=bench&tartype=GZIP`, sha1, out);
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  process.send({ kind, ms, rssBase, rssPeak }, () => process.exit(0));
}

async function hand(url, sha1, out) {
  const response = await new Promise((resolve, reject) => get(url, resolve).on('error', reject));
  const hash = createHash('sha1');
  const digest = new Transform({ transform(chunk, _e, done) { hash.update(chunk); done(null, chunk); } });
  await pipeline(response, createGunzip(), digest, createWriteStream(out));
  if (hash.digest('hex') !== sha1) throw new Error('hand pipeline: digest mismatch');
}
