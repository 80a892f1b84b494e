// Where one client's time goes: runs it under `node --cpu-prof` against the bench server and
// prints the functions with the most self time, grouped by file.
//   node bench/profile.mjs [client name] [requests]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchSetup, startBenchServer } from './setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2] ?? 'ours-chain';
const requests = process.argv[3] ?? '3000';
const { dir, env, remove } = benchSetup('wxpay-prof-');
const { server, port } = await startBenchServer(env);
const profDir = join(dir, 'prof');
const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, join(here, 'client.cjs')], {
  env: { ...env, BENCH_CLIENT: name, BENCH_PORT: String(port), BENCH_REQUESTS: requests, BENCH_WARMUP: '200' },
  encoding: 'utf8',
});
server.kill();
console.log(run.stdout.trim());
const profile = JSON.parse(readFileSync(join(profDir, readdirSync(profDir)[0]), 'utf8'));
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const calls = 200 + 2 * Number(requests);
const byFn = new Map();
const byFile = new Map();
for (const node of profile.nodes) {
  const t = dt.get(node.id) ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? relative(join(here, '..'), url.replace('file://', '')) : '(native)';
  const key = `${functionName || '(anonymous)'}  ${file}:${lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t);
  const group = file.includes('node_modules/') ? file.split('node_modules/')[1].split('/').slice(0, 1).join('/') : file.startsWith('node:') ? file.split('/')[0] : file;
  byFile.set(group, (byFile.get(group) ?? 0) + t);
}
const top = (map, n) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}% ${(v / calls).toFixed(1).padStart(6)} µs/call  ${k}`)
    .join('\n');
console.log(`\nby file / package:\n${top(byFile, 25)}\n\nby function (self):\n${top(byFn, Number(process.env.TOP ?? 40))}`);
remove();
