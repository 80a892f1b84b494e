// `npm run bench` (add `-- --quick` to try things out): builds dist, starts the loopback server
// in its own process, runs every client in a fresh process round by round (A B C … A B C …),
// measures cold imports the same way, and writes bench/RESULTS.md and bench/last-run.json.
//
//   node bench/run.mjs [--quick] [--rounds N] [--requests N] [--no-build] [--only a,b] [--no-write]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { benchSetup, startBenchServer } from './setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const { CLIENTS } = require('./clients.cjs');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const quick = flag('--quick');
const rounds = Number(option('--rounds', quick ? 2 : 5));
const requests = Number(option('--requests', quick ? 400 : 2000));
const warmup = quick ? 100 : 200;
const concurrency = 32;
const only = option('--only', undefined)?.split(',');
const names = Object.keys(CLIENTS).filter((name) => !only || only.includes(name));
const write = !flag('--no-write');
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;

const log = (...args) => console.error(...args);

// ---- build ----
if (!flag('--no-build')) {
  log('building dist (node scripts/build.mjs) …');
  try {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    if (!existsSync(join(root, 'dist/cjs/index.js'))) throw new Error('build failed and there is no dist/cjs to benchmark');
    log('build reported errors; benchmarking the dist it emitted');
  }
}

// ---- keys: a merchant, and WeChat Pay in public-key mode; the server ----
const { env, remove } = benchSetup();
const { server, port } = await startBenchServer(env);
const replies = [];
server.on('message', (message) => replies.shift()?.(message));
const ask = (type) => new Promise((resolve) => (replies.push(resolve), server.send({ type })));

function runClient(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, 'client.cjs')], {
      env: { ...env, BENCH_CLIENT: name, BENCH_PORT: String(port), BENCH_REQUESTS: String(requests), BENCH_WARMUP: String(warmup), BENCH_CONCURRENCY: String(concurrency) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let result;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && !result) {
        result = JSON.parse(line);
        // The client has finished: give it 5 s to exit on its own (open handles keep it alive).
        result.exitedCleanly = true;
        clearTimeout(timer);
        timer = setTimeout(() => {
          result.exitedCleanly = false;
          child.kill();
        }, 5000);
      }
    });
    let timer = setTimeout(() => child.kill(), 120_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(result ?? { name, error: `exited without a result: ${out}` });
    });
  });
}

function importProbe(kind, target) {
  const out = execFileSync(process.execPath, [join(here, 'import-probe.cjs'), kind, target], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}
const IMPORTS = [
  ['axios (require)', 'require', 'axios'],
  ['wxpay-chain dist/cjs (require)', 'require', './dist/cjs/index.js'],
  ['axios (import)', 'import', 'axios'],
  ['wxpay-chain dist/esm (import)', 'import', './dist/esm/index.js'],
  ['wechatpay-axios-plugin (require)', 'require', 'wechatpay-axios-plugin'],
  ['wechatpay-node-v3 (require)', 'require', 'wechatpay-node-v3'],
];

const IMPORT_REPEATS = Number(option('--import-repeats', quick ? 1 : 4));

// ---- rounds ----
const runs = [];
const imports = [];
const started = Date.now();
for (let round = 1; round <= rounds; round++) {
  for (const name of names) {
    await ask('reset');
    const result = await runClient(name);
    result.round = round;
    result.server = (await ask('stats')).stats;
    runs.push(result);
    if (result.error) log(`round ${round} ${name}: ERROR ${result.error}`);
    else
      log(
        `round ${round} ${name.padEnd(30)} seq ${result.sequential.rps.toFixed(0).padStart(5)}/s  32: ${result.concurrent.rps.toFixed(0).padStart(5)}/s  ` +
          `cpu ${result.sequential.cpuMsPerRequest.toFixed(3)} ms  conns ${result.server.connections}  bad sigs ${result.server.badSignatures}/${result.server.checked}`,
      );
  }
  // Cold imports swing by ±20 ms from one process to the next: several pairs per round.
  for (let repeat = 0; repeat < IMPORT_REPEATS; repeat++) {
    for (const [label, kind, target] of IMPORTS) imports.push({ label, round, repeat, ...importProbe(kind, target) });
  }
}
server.send({ type: 'exit' });
remove();
const elapsed = (Date.now() - started) / 1000;

// ---- figures ----
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs, digits = 0) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
const ok = runs.filter((r) => !r.error);
const of = (name) => ok.filter((r) => r.name === name);
const inRound = (name, round) => ok.find((r) => r.name === name && r.round === round);
function ratios(a, b, pick) {
  const out = [];
  for (let round = 1; round <= rounds; round++) {
    const x = inRound(a, round);
    const y = inRound(b, round);
    if (x && y) out.push(pick(x) / pick(y));
  }
  return out;
}

const HTTP = 'http.request+hand-signed';
const PLUGIN = 'wechatpay-axios-plugin';
const rows = names.map((name) => {
  const rs = of(name);
  if (!rs.length) return `| ${name} | failed: ${runs.find((r) => r.name === name)?.error?.split('\n')[0] ?? 'no result'} |||||||||`;
  const noIo = CLIENTS[name].length === 1;
  const total = rs.reduce((n, r) => n + r.sequential.n + r.concurrent.n, 0);
  const verified = rs.reduce((n, r) => n + r.sequential.verified + r.concurrent.verified, 0);
  const tamperAccepted = rs.some((r) => r.tamperedAccepted);
  const verifies = tamperAccepted ? `**no**: ${verified}/${total} checked, tampered body accepted` : verified === total ? `yes (${verified}/${total}, tamper refused)` : `partly (${verified}/${total})`;
  const bad = rs.reduce((n, r) => n + (r.server?.badSignatures ?? 0), 0);
  const checked = rs.reduce((n, r) => n + (r.server?.checked ?? 0), 0);
  return [
    `| ${name}${tamperAccepted ? ' ⚠ unverified' : ''}`,
    spread(rs.map((r) => r.sequential.rps)),
    spread(rs.map((r) => r.concurrent.rps)),
    spread(rs.map((r) => r.sequential.cpuMsPerRequest), 3),
    spread(rs.map((r) => r.concurrent.cpuMsPerRequest), 3),
    `${median(rs.map((r) => r.sequential.p50)).toFixed(2)} / ${median(rs.map((r) => r.sequential.p99)).toFixed(2)}`,
    `${median(rs.map((r) => r.concurrent.p50)).toFixed(2)} / ${median(rs.map((r) => r.concurrent.p99)).toFixed(2)}`,
    median(rs.map((r) => r.maxRssMb)).toFixed(0),
    noIo ? '–' : `${median(rs.map((r) => r.server.connections))}`,
    `${verifies}${bad ? `; **${bad}/${checked} request signatures rejected by the server**` : noIo ? '' : `; requests signed correctly (${checked} checked)`}${rs.every((r) => r.exitedCleanly) ? '' : '; process did not exit on its own'}`,
  ].join(' | ') + ' |';
});

const ourNames = names.filter((n) => n.startsWith('ours-'));
const targetLines = [];
const pass = (value, limit, higher = true) => ((higher ? value >= limit : value <= limit) ? '**met**' : '**not met**');
for (const name of ourNames) {
  if (!names.includes(HTTP)) break;
  const seqHttp = ratios(name, HTTP, (r) => r.sequential.rps);
  const conHttp = ratios(name, HTTP, (r) => r.concurrent.rps);
  const cpuHttp = ratios(name, HTTP, (r) => r.sequential.cpuMsPerRequest);
  const cpuConHttp = ratios(name, HTTP, (r) => r.concurrent.cpuMsPerRequest);
  const seqPlugin = names.includes(PLUGIN) ? ratios(name, PLUGIN, (r) => r.sequential.rps) : [];
  if (!seqHttp.length) continue;
  targetLines.push(
    `| ${name} | ${spread(seqHttp, 2)} ${pass(median(seqHttp), 0.9)} | ${seqPlugin.length ? `${spread(seqPlugin, 2)} ${pass(median(seqPlugin), 1.5)}` : '–'} | ` +
      `${spread(conHttp, 2)} ${pass(median(conHttp), 1)} | ${spread(cpuHttp, 2)} ${pass(median(cpuHttp), 1.2, false)} | ${spread(cpuConHttp, 2)} |`,
  );
}
const reference = [];
for (const name of names.filter((n) => !n.startsWith('ours-') && n !== HTTP && CLIENTS[n].length !== 1)) {
  const r = ratios(name, HTTP, (x) => x.sequential.rps);
  const c = ratios(name, HTTP, (x) => x.concurrent.rps);
  if (r.length) reference.push(`| ${name} | ${spread(r, 2)} | ${spread(c, 2)} |`);
}

const importRows = IMPORTS.map(([label]) => {
  const xs = imports.filter((i) => i.label === label);
  const last = xs.at(-1);
  return `| ${label} | ${spread(xs.map((i) => i.ms), 1)} | ${last.cjsModules} | ${last.generatedLoaded.length ? last.generatedLoaded.join(', ') : 'none'} |`;
});
const importDelta = (a, b) => {
  const out = [];
  for (const x of imports.filter((i) => i.label === a)) {
    const y = imports.find((i) => i.label === b && i.round === x.round && i.repeat === x.repeat);
    if (y) out.push(x.ms - y.ms);
  }
  return out;
};
const cjsDelta = importDelta('wxpay-chain dist/cjs (require)', 'axios (require)');
const esmDelta = importDelta('wxpay-chain dist/esm (import)', 'axios (import)');

const axiosVersion = JSON.parse(readFileSync(join(root, 'node_modules/axios/package.json'), 'utf8')).version;
const peerVersion = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
const machine =
  `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}; ` +
  `Node ${process.versions.node}, OpenSSL ${process.versions.openssl}, axios ${axiosVersion}, wechatpay-axios-plugin ${peerVersion('wechatpay-axios-plugin')}, wechatpay-node-v3 ${peerVersion('wechatpay-node-v3')}`;

const harness = `## Request path

Command: \`${command}\` (${rounds} rounds × ${names.length} clients, ${requests} sequential + ${requests} at ${concurrency} in flight per client run after ${warmup} warm-up calls; took ${elapsed.toFixed(0)} s)

Machine: ${machine}

Each cell is the median over ${rounds} rounds, (min–max) in brackets. Every client runs in a fresh process, in the order listed, one round after another; the loopback server runs in its own process and answers with one pre-signed body (public-key mode, \`PUB_KEY_ID_…\`). CPU is the client process's user+system time (all its threads) divided by requests. "conns" is TCP connections the server accepted during the whole client run (warm-up, sequential, 32 in flight). "verifies" counts responses whose signature the client checked, and whether it refused a body changed after signing; the server checks 1 request signature in 64.

| client | sequential req/s | 32 in flight req/s | CPU ms/req (seq) | CPU ms/req (32) | p50 / p99 ms (seq) | p50 / p99 ms (32) | peak RSS MB | conns | verifies |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

The ceiling does one sign and one verify per "request" with no I/O on one thread: its "32 in flight" is the same loop.

### Targets (ratios computed within each round, then median (min–max))

| ours | seq ÷ http.request (≥ 0.9) | seq ÷ wechatpay-axios-plugin (≥ 1.5) | 32 in flight ÷ http.request (≥ 1) | CPU/req ÷ http.request, seq (≤ 1.2) | CPU/req ÷ http.request, 32 |
|---|---|---|---|---|---|
${targetLines.join('\n')}

Others against \`http.request\` in the same round:

| client | seq ÷ http.request | 32 in flight ÷ http.request |
|---|---|---|
${reference.join('\n')}

### Cold import (fresh process each, ${IMPORT_REPEATS} per round × ${rounds} rounds, differences taken pair by pair; ms from just before \`require\`/\`import()\` to ready)

| module | ms median (min–max) | CommonJS modules loaded | generated files loaded |
|---|---|---|---|
${importRows.join('\n')}

wxpay-chain minus axios, same round: require ${spread(cjsDelta, 1)} ms ${pass(median(cjsDelta), 10, false)}; import ${spread(esmDelta, 1)} ms ${pass(median(esmDelta), 10, false)} (target: within 10 ms).
`;

writeFileSync(join(here, 'last-run.json'), JSON.stringify({ command, machine, rounds, requests, runs, imports }, null, 1));
log(harness);
if (write) writeResults(harness);

function writeResults(section) {
  const file = join(here, 'RESULTS.md');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  // Sections other than this one belong to others (the code generator's in particular): keep them.
  const sections = new Map();
  let intro = '';
  let current;
  for (const line of existing.split('\n')) {
    if (line.startsWith('## ')) {
      current = line;
      sections.set(current, []);
    } else if (current) sections.get(current).push(line);
    else intro += `${line}\n`;
  }
  const keep = (heading) => `${heading}\n${sections.get(heading).join('\n').replace(/\n+$/, '')}\n`;
  const parts = [intro.trim() ? intro.trimEnd() + '\n' : '# Benchmark results\n\nWritten by `npm run bench` (bench/run.mjs) except where a section says otherwise.\n'];
  parts.push(section);
  for (const heading of sections.keys()) if (heading !== '## Request path') parts.push(keep(heading));
  if (![...sections.keys()].some((h) => h.startsWith('## Code generator'))) {
    parts.push('## Code generator\n\n_Written by the code generator engineer (generation time, type-check figures)._\n');
  }
  writeFileSync(file, parts.join('\n'));
  log(`wrote ${file}`);
}
