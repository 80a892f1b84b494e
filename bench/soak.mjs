// Soak: many payments at a fixed concurrency against the mock WeChat Pay through a faulty network,
// retries on. Checks what must hold on a bad day: every call settles, no unverified answer is
// accepted, no order is created twice, the heap after GC stays flat, open sockets stay bounded.
//   npm run build && node --expose-gc bench/soak.mjs [calls=20000] [in flight=64] [seed=1]
// Fault mix per attempt (deterministic for a seed): 5% connection resets, half before the request
// reaches the server (a proxy drops it) and half after the server created the order (the proxy
// drops the answer); 1% answers truncated (half of the first chunk, then the connection drops);
// 5% 5xx SYSTEM_ERROR; 2% answers slower than the client's deadline. One call in ten is a POST
// without a request number (an undocumented `v3/soak/notes`), which must never arrive twice.
// The mock and the proxy run in a child process (this file with the argument `server`), so the
// heap measured here is the client's alone, not the mock's growing order book.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const DEADLINE_MS = 1000;
const SLOW_MS = 1500;

if (process.argv[2] === 'server') await serve(Number(process.argv[3] ?? 1));
else await soak(Number(process.argv[2] ?? 20_000), Number(process.argv[3] ?? 64), Number(process.argv[4] ?? 1));

async function serve(seed) {
  const { startMockServer } = require('../dist/cjs/mock/index.js');
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  // WeChat Pay's rule for a repeated out_trade_no: the first order's answer, no new order.
  const mock = await startMockServer();
  const orders = new Map(); // out_trade_no → { body, code_url }
  const stats = { received: 0, created: 0, repeated: 0, conflicting: 0, serverErrors: 0, slow: 0, resetBefore: 0, resetAfter: 0, truncated: 0, notes: 0, notesTwice: 0 };
  // A write with no request number: any second arrival of one note is a duplicate the client sent.
  const notes = new Map();
  mock.route('POST', 'v3/soak/notes', (request) => {
    stats.notes++;
    const seen = (notes.get(request.json.note) ?? 0) + 1;
    notes.set(request.json.note, seen);
    if (seen === 2) stats.notesTwice++;
    return { json: { ok: true } };
  });
  mock.route('POST', 'v3/pay/transactions/native', async (request) => {
    stats.received++;
    const roll = random();
    if (roll < 0.05) {
      stats.serverErrors++;
      return { status: 500, json: { code: 'SYSTEM_ERROR', message: '系统繁忙，请稍后重试' } };
    }
    const no = request.json.out_trade_no;
    let order = orders.get(no);
    if (order) {
      stats.repeated++;
      if (order.body !== request.body) stats.conflicting++;
    } else {
      stats.created++;
      order = { body: request.body, code_url: `weixin://wxpay/bizpayurl?pr=${stats.created}` };
      orders.set(no, order);
    }
    if (roll < 0.07) {
      stats.slow++;
      await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    }
    return { json: { code_url: order.code_url } };
  });
  // The mock keeps every request it saw; only the counts above matter here.
  setInterval(() => mock.requests.splice(0), 500).unref();

  // Resets before a request reaches the mock, or after the mock answered (the order exists, the
  // client never hears). Each request's first bytes decide its fate (one request per connection
  // at a time: HTTP/1.1 without pipelining).
  let open = 0;
  let maxOpen = 0;
  const proxy = createServer((client) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    const upstream = connect(Number(new URL(mock.url).port), '127.0.0.1');
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => {
      if (chunk.subarray(0, 5).toString() === 'POST ' && random() < 0.025) {
        stats.resetBefore++;
        return drop();
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (chunk.subarray(0, 9).toString() === 'HTTP/1.1 ') {
        const roll = random();
        if (roll < 0.025) {
          stats.resetAfter++;
          return drop();
        }
        if (roll < 0.035) {
          stats.truncated++;
          client.write(chunk.subarray(0, chunk.length >> 1));
          return drop();
        }
      }
      client.write(chunk);
    });
    client.on('close', () => {
      open--;
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  process.on('message', async (message) => {
    if (message === 'stats') process.send({ stats, maxOpen });
    if (message === 'stop') {
      proxy.close();
      await mock.close();
      process.exit(0);
    }
  });
  process.send({ clientConfig: { ...mock.clientConfig, baseURL: `http://127.0.0.1:${proxy.address().port}/` }, mchid: mock.merchant.mchid, serial: mock.platform.serial });
}

async function soak(calls, inFlight, seed) {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  const { Wechatpay, untyped } = require('../dist/cjs/index.js');
  const server = fork(fileURLToPath(import.meta.url), ['server', String(seed)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (message) => new Promise((resolve) => (server.once('message', resolve), message && server.send(message)));
  const { clientConfig, mchid, serial } = await ask();
  const wxpay = new Wechatpay({ ...clientConfig, timeout: DEADLINE_MS, retry: { retries: 4, baseDelay: 50, maxDelay: 1000 } });
  const retries = { total: 0, reasons: {} };
  wxpay.on('retry', (event) => {
    retries.total++;
    retries.reasons[event.reason] = (retries.reasons[event.reason] ?? 0) + 1;
  });

  const outcome = { resolved: 0, unverified: 0, rejected: 0, codes: {} };
  const heap = () => {
    global.gc();
    global.gc();
    return process.memoryUsage().heapUsed;
  };
  const heapAt = [];
  const marks = new Set([0.25, 0.5, 0.75].map((f) => Math.floor(calls * f)));
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      const i = next++;
      if (marks.has(i)) heapAt.push(heap());
      try {
        const answer =
          i % 10 === 9
            ? await untyped(wxpay).request('post', 'v3/soak/notes', { json: { note: `N${i}` } })
            : await wxpay.v3.pay.transactions.native.post({
                json: { appid: 'wxd678efh567hg6787', mchid, description: 'soak', out_trade_no: `SOAK${String(i).padStart(8, '0')}`, notify_url: 'https://merchant.test/notify', amount: { total: 1 } },
                headers: { 'Wechatpay-Serial': serial },
              });
        outcome.resolved++;
        if (answer.verified !== true) outcome.unverified++;
      } catch (error) {
        outcome.rejected++;
        outcome.codes[error.code] = (outcome.codes[error.code] ?? 0) + 1;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  heapAt.push(heap());
  const { stats, maxOpen } = await ask('stats');
  server.send('stop');
  const settled = outcome.resolved + outcome.rejected;
  const drift = heapAt.map((h) => (h - heapAt[0]) / heapAt[0]);
  const report = {
    calls,
    inFlight,
    seconds: Number(seconds.toFixed(1)),
    settled,
    ...outcome,
    faults: { resetBefore: stats.resetBefore, resetAfter: stats.resetAfter, truncated: stats.truncated, serverErrors: stats.serverErrors, slow: stats.slow },
    retries,
    orders: { created: stats.created, requestsReceived: stats.received, repeatedNumber: stats.repeated, conflictingBody: stats.conflicting },
    postsWithoutNumber: { sent: Math.floor((calls + 0) / 10), received: stats.notes, receivedTwice: stats.notesTwice },
    heapMiBAt25_50_75_100: heapAt.map((h) => Number((h / 2 ** 20).toFixed(1))),
    heapDriftFrom25: drift.map((d) => `${(d * 100).toFixed(1)}%`),
    maxOpenSockets: maxOpen,
  };
  console.log(JSON.stringify(report, null, 2));
  const checks = {
    'every call settles': settled === calls,
    '0 unverified answers accepted': outcome.unverified === 0,
    // One order per out_trade_no; a resend carried the same body, and no call got two orders.
    '0 orders created twice': stats.conflicting === 0 && stats.created <= calls,
    '0 POSTs without a request number sent twice': stats.notesTwice === 0,
    // Measured after GC at 25/50/75% (64 calls in flight) and at the end (none): growth would be
    // a leak; the end is lower by the in-flight calls' own state.
    'heap after GC flat (no growth over 10%)': drift.every((d) => d <= 0.1),
    'open sockets bounded by the pool': maxOpen <= inFlight + 8,
  };
  for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
}
