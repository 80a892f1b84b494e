// One client in one fresh process: warm up, N sequential requests (each awaited), N requests
// with CONCURRENCY in flight, then the tamper probe. Prints one JSON line on stdout.
'use strict';
const { readFileSync } = require('node:fs');
const { CLIENTS } = require('./clients.cjs');

const name = process.env.BENCH_CLIENT;
const setup = JSON.parse(readFileSync(process.env.BENCH_SETUP, 'utf8'));
const base = `http://127.0.0.1:${process.env.BENCH_PORT}/`;
const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const warmup = Number(process.env.BENCH_WARMUP ?? 200);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function phase(client, n, inFlight) {
  const latencies = new Float64Array(n);
  let verified = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lane = async () => {
    while (next < n) {
      const i = next++;
      const start = performance.now();
      if (await client.call()) verified++;
      latencies[i] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    rps: (n / wall) * 1000,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / n,
    systemMsPerRequest: cpu.system / 1000 / n,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    verified,
    n,
  };
}

(async () => {
  const t0 = performance.now();
  const client = CLIENTS[name](setup, base);
  const setupMs = performance.now() - t0;
  for (let i = 0; i < warmup; i++) await client.call();
  const sequential = await phase(client, requests, 1);
  const concurrent = await phase(client, requests, concurrency);
  const tamperedAccepted = await client.tampered();
  await client.close?.();
  const result = {
    name,
    setupMs,
    sequential,
    concurrent,
    tamperedAccepted,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Exit on our own: a client whose handles keep the process alive is reported by run.mjs's timeout.
})().catch((error) => {
  process.stdout.write(`${JSON.stringify({ name, error: String(error?.stack ?? error) })}\n`);
  process.exitCode = 1;
});
