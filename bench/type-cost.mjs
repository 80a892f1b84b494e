// `npm run bench:types`: what the SDK's typings cost the project that installs it, beside the same
// project without the SDK and beside stripe's and the AWS S3 client's. A five-call shop module
// (bench/type-cost/consumers/) is compiled by `tsc --extendedDiagnostics` per SDK, and an editor
// (tsserver over its stdio protocol) answers a completion and a hover in bench/type-cost/editor/,
// every SDK once per round, the order rotated each round (so load drifts hit all alike); ratios
// are taken within a round, then their median. The packed wxpay-chain is installed as a consumer
// would (`npm pack`, then `npm install` of the tarball), in $TMPDIR/wxpay-chain-type-cost/.
//
//   node bench/type-cost.mjs [--rounds N] [--before <tarball>] [--no-build] [--no-footprint] [--no-write]
//
// --before: another wxpay-chain tarball (an earlier build) measured in the same rounds as `before`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
// Outside the repository: an editor looks for package.json files up the tree, and the repository's
// own dependencies would be offered for auto-import in every consumer.
const work = join(tmpdir(), 'wxpay-chain-type-cost');
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const rounds = Number(option('--rounds', 7));
const build = !argv.includes('--no-build');
const footprint = !argv.includes('--no-footprint');
const write = !argv.includes('--no-write');
const typescript = join(root, 'node_modules', 'typescript');
const tscBin = join(typescript, 'bin', 'tsc');
const tsserverJs = join(typescript, 'lib', 'tsserver.js');
const log = (s) => process.stderr.write(`${s}\n`);
const npm = (args, cwd) => execFileSync('npm', args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const before = option('--before', undefined);
const SDKS = before ? ['base', 'wxpay', 'before', 'stripe', 's3'] : ['base', 'wxpay', 'stripe', 's3'];
const SOURCE = { before: 'wxpay' }; // the earlier build runs the same shop module and editor file
// Editor probes: the cursor sits right after `at` (the first occurrence in the file).
const PROBES = {
  base: [{ name: 'completion', at: 'shop.', trigger: '.' }, { name: 'hover', at: 'shop.or', command: 'quickinfo' }],
  wxpay: [
    { name: 'completion', at: 'wxpay.v3.', trigger: '.' },
    { name: 'hover', at: 'native.po', command: 'quickinfo' },
    { name: 'chain', at: "wxpay.chain('v3/pay/", trigger: '/' },
  ],
  stripe: [{ name: 'completion', at: 'stripe.paymentIntents.', trigger: '.' }, { name: 'hover', at: 'paymentIntents.cr', command: 'quickinfo' }],
  s3: [{ name: 'completion', at: 's3.', trigger: '.', last: true }, { name: 'hover', at: 's3.se', command: 'quickinfo' }],
};
PROBES.before = PROBES.wxpay;

// ---- set-up: the packed package and the peers, installed into one consumer folder
const started = Date.now();
const load = [loadavg()[0]];
if (build) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
mkdirSync(work, { recursive: true });
const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root))[0];
const tarball = join(work, packed.filename);
// Each consumer is its own project with its own node_modules holding its SDK alone (and Node's
// types), as a shop that uses one SDK has: an editor's auto-import provider sees no other SDK.
const pins = JSON.parse(readFileSync(join(here, 'type-cost', 'package.json'), 'utf8')).dependencies;
const DEPENDENCIES = { base: {}, wxpay: { 'wxpay-chain': `file:${tarball}` }, before: { 'wxpay-chain': `file:${before && resolve(before)}` }, stripe: { stripe: pins.stripe }, s3: { '@aws-sdk/client-s3': pins['@aws-sdk/client-s3'] } };
for (const sdk of SDKS) {
  const dir = join(work, sdk);
  rmSync(join(dir, 'index.ts'), { force: true });
  rmSync(join(dir, 'editor'), { recursive: true, force: true });
  rmSync(join(dir, 'node_modules', 'wxpay-chain'), { recursive: true, force: true });
  mkdirSync(join(dir, 'editor'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module', dependencies: { '@types/node': pins['@types/node'], ...DEPENDENCIES[sdk] } }, null, 1));
  npm(['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'], dir);
  copyFileSync(join(here, 'type-cost', 'consumers', `${SOURCE[sdk] ?? sdk}.ts`), join(dir, 'index.ts'));
  copyFileSync(join(here, 'type-cost', 'editor', `${SOURCE[sdk] ?? sdk}.ts`), join(dir, 'editor', 'index.ts'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.base.json', include: ['index.ts'] }));
  writeFileSync(join(dir, 'editor', 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', include: ['index.ts'] }));
}
copyFileSync(join(here, 'type-cost', 'consumers', 'tsconfig.base.json'), join(work, 'tsconfig.base.json'));
const installedVersion = (sdk, name) => JSON.parse(readFileSync(join(work, sdk, 'node_modules', name, 'package.json'), 'utf8')).version;
const versions = { stripe: installedVersion('stripe', 'stripe'), '@aws-sdk/client-s3': installedVersion('s3', '@aws-sdk/client-s3'), '@types/node': installedVersion('base', '@types/node'), typescript: JSON.parse(readFileSync(join(typescript, 'package.json'), 'utf8')).version };

// ---- tsc
const KEYS = { 'Memory used': 'memoryKB', 'Parse time': 'parse', 'Bind time': 'bind', 'Check time': 'check', 'Total time': 'total', Types: 'types', Instantiations: 'instantiations', Files: 'files', 'Lines of Definitions': 'definitionLines' };
function tsc(sdk) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@ %e %U %S %M', process.execPath, tscBin, '-p', join(work, sdk, 'tsconfig.json'), '--extendedDiagnostics'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tsc ${sdk}: exit ${r.status}\n${r.stdout.slice(0, 3000)}\n${r.stderr.slice(-2000)}`);
  const [, wall, user, sys, rss] = r.stderr.split('\n').find((l) => l.startsWith('@@')).split(' ');
  const out = { wall: +wall, cpu: +user + +sys, rssMB: +rss / 1024 };
  for (const line of r.stdout.split('\n')) {
    const m = /^([A-Za-z ]+):\s+([\d.]+)([Ks]?)$/.exec(line.trim());
    if (m && KEYS[m[1]]) out[KEYS[m[1]]] = +m[2];
  }
  return out;
}

// ---- tsserver
class TsServer {
  constructor(cwd) {
    this.child = spawn(process.execPath, [tsserverJs, '--disableAutomaticTypingAcquisition', '--suppressDiagnosticEvents'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    this.buffer = Buffer.alloc(0);
    this.seq = 0;
    this.pending = new Map();
    this.child.stdout.on('data', (chunk) => this.#read(chunk));
  }
  #read(chunk) {
    // a completion answer can be hundreds of kB: join the chunks only once a whole message may be in
    this.chunks = [...(this.chunks ?? []), chunk];
    this.pendingBytes = (this.pendingBytes ?? 0) + chunk.length;
    if (this.need !== undefined && this.pendingBytes < this.need) return;
    this.buffer = Buffer.concat([this.buffer, ...this.chunks]);
    this.chunks = [];
    this.pendingBytes = 0;
    this.need = undefined;
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, end).toString())[1]);
      if (this.buffer.length < end + 4 + length) {
        this.need = end + 4 + length - this.buffer.length;
        return;
      }
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString());
      this.buffer = this.buffer.subarray(end + 4 + length);
      if (message.type === 'response') this.pending.get(message.request_seq)?.(message);
    }
  }
  request(command, args, answer = true) {
    const seq = ++this.seq;
    const done = answer ? new Promise((resolve) => this.pending.set(seq, resolve)) : undefined;
    this.child.stdin.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    return done;
  }
  rssMB() {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  }
  close() {
    this.child.stdin.end();
    this.child.kill();
  }
}

function position(text, probe) {
  const at = (probe.last ? text.lastIndexOf(probe.at) : text.indexOf(probe.at)) + probe.at.length;
  if (at < probe.at.length) throw new Error(`marker ${probe.at} not found`);
  const head = text.slice(0, at);
  return { line: head.split('\n').length, offset: at - head.lastIndexOf('\n') };
}

async function editor(sdk, probe) {
  const file = join(work, sdk, 'editor', 'index.ts');
  const text = readFileSync(file, 'utf8');
  const args = { file, ...position(text, probe) };
  const command = probe.command ?? 'completionInfo';
  if (command === 'completionInfo') Object.assign(args, { triggerKind: probe.trigger ? 2 : 1, triggerCharacter: probe.trigger, includeExternalModuleExports: false });
  const server = new TsServer(join(work, sdk, 'editor'));
  try {
    await server.request('configure', { preferences: { includePackageJsonAutoImports: 'auto', includeCompletionsForModuleExports: true } });
    const t0 = performance.now();
    server.request('open', { file, fileContent: text, projectRootPath: join(work, sdk, 'editor') }, false);
    const first = await server.request(command, args);
    const cold = performance.now() - t0;
    if (!first.success) throw new Error(`${sdk} ${probe.name}: ${first.message}`);
    const warm = [];
    for (let i = 0; i < 5; i++) {
      const t1 = performance.now();
      await server.request(command, args);
      warm.push(performance.now() - t1);
    }
    const answer = command === 'quickinfo' ? `${first.body.displayString.slice(0, 60).replace(/\s+/g, ' ')}… | ${first.body.documentation.slice(0, 40).replace(/\s+/g, ' ')}` : `${first.body.entries.length} entries`;
    return { cold, warm: median(warm), rssMB: server.rssMB(), answer, documentation: command === 'quickinfo' ? first.body.documentation : undefined, tags: command === 'quickinfo' ? first.body.tags : undefined };
  } finally {
    server.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const spread = (xs, digits = 2) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

// ---- the interleaved rounds
for (const sdk of SDKS) tsc(sdk); // the file cache warm, and every consumer known to compile
const compile = Object.fromEntries(SDKS.map((s) => [s, []]));
const edit = Object.fromEntries(SDKS.map((s) => [s, Object.fromEntries(PROBES[s].map((p) => [p.name, []]))]));
for (let round = 0; round < rounds; round++) {
  const order = SDKS.map((_, i) => SDKS[(i + round) % SDKS.length]);
  for (const sdk of order) compile[sdk].push(tsc(sdk));
  for (const sdk of order) for (const probe of PROBES[sdk]) edit[sdk][probe.name].push(await editor(sdk, probe));
  load.push(loadavg()[0]);
  log(`round ${round + 1}/${rounds} done (load ${loadavg()[0].toFixed(1)})`);
}

// ---- footprint: tarball and install size, beside the peers (each installed alone, production dependencies only)
const PEERS = ['wechatpay-axios-plugin', 'wechatpay-node-v3', 'stripe', '@aws-sdk/client-s3', '@octokit/rest'];
function installed(spec) {
  const dir = join(work, 'footprint', spec.replace(/[^A-Za-z0-9.-]/g, '_').slice(-60));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  npm(['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', spec], dir);
  const modules = join(dir, 'node_modules');
  const packages = readdirSync(modules).flatMap((n) => (n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : n.startsWith('.') ? [] : [n]));
  return { bytes: Number(execFileSync('du', ['-sb', modules], { encoding: 'utf8' }).split('\t')[0]), packages: packages.length };
}
let sizes;
if (footprint) {
  const devVersion = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  const specs = { 'wechatpay-axios-plugin': `wechatpay-axios-plugin@${devVersion('wechatpay-axios-plugin')}`, 'wechatpay-node-v3': `wechatpay-node-v3@${devVersion('wechatpay-node-v3')}`, stripe: `stripe@${versions.stripe}`, '@aws-sdk/client-s3': `@aws-sdk/client-s3@${versions['@aws-sdk/client-s3']}`, '@octokit/rest': '@octokit/rest@22.0.1' };
  sizes = [{ name: `wxpay-chain ${packed.version} (this build)`, packed: packed.size, unpacked: packed.unpackedSize, files: packed.entryCount, ...installed(tarball) }];
  if (before) {
    const info = JSON.parse(npm(['pack', resolve(before), '--dry-run', '--json', '--ignore-scripts'], work))[0];
    sizes.push({ name: `wxpay-chain ${info.version} (before: ${before.split('/').pop()})`, packed: info.size, unpacked: info.unpackedSize, files: info.entryCount, ...installed(resolve(before)) });
  }
  for (const peer of PEERS) {
    const info = JSON.parse(npm(['pack', specs[peer], '--dry-run', '--json', '--ignore-scripts'], work))[0];
    sizes.push({ name: `${peer} ${info.version}`, packed: info.size, unpacked: info.unpackedSize, files: info.entryCount, ...installed(specs[peer]) });
  }
}

// ---- report
const ratio = (sdk, key) => compile[sdk].map((x, i) => x[key] / compile.base[i][key]);
const added = (sdk, key) => compile[sdk].map((x, i) => x[key] - compile.base[i][key]);
const editRatio = (sdk, probe, key = 'cold') => edit[sdk][probe].map((x, i) => x[key] / edit.base[probe === 'chain' ? 'completion' : probe][i][key]);
const meets = (value, limit) => (value <= limit ? '**met**' : '**not met**');
const kB = (b) => `${(b / 1000).toFixed(0)} kB`;
const MB = (b) => `${(b / 1e6).toFixed(2)} MB`;
const seconds = ((Date.now() - started) / 1000).toFixed(0);
const hover = edit.wxpay.hover.at(-1);
const hoverText = `${hover.documentation} ${(hover.tags ?? []).map((t) => `@${t.name} ${t.text}`).join(' ')}`;

const lines = [];
lines.push('## Type cost: what the typings cost a consumer', '');
lines.push(`Command: \`npm run bench:types -- --rounds ${rounds}${before ? ` --before ${before.split('/').pop()}` : ''}\` (bench/type-cost.mjs; took ${seconds} s). Written by that command; the other sections are kept.${before ? ' `before` is an earlier build of this package (the tarball given), installed and measured the same way in the same rounds.' : ''}`, '');
lines.push(`Machine: ${cpus()[0]?.model?.trim() ?? 'unknown'}, ${cpus().length} cores, Linux ${release()}; Node ${process.version}; TypeScript ${versions.typescript}, @types/node ${versions['@types/node']}, stripe ${versions.stripe}, @aws-sdk/client-s3 ${versions['@aws-sdk/client-s3']}. One-minute load average during the run: ${spread(load, 1)}${Math.max(...load) > cpus().length ? ' — **taken under load** (the machine is shared): read the same-round ratios, not the absolute times' : ''}.`, '');
lines.push('The same five-call shop module (an order, a query, a refund, the payment notification, a bill or file), strict, `noUncheckedIndexedAccess`, `exactOptionalPropertyTypes`, `skipLibCheck: true`, compiled with `tsc -p … --extendedDiagnostics` against each SDK installed from its package (this one from `npm pack`); `base` is the module with every SDK value `any`. Each cell: median over the rounds (min–max); ratios are to `base` within each round.', '');
lines.push('| consumer | tsc wall s | ratio to base | CPU s | ratio (CPU) | memory used MB | added MB | parse s | bind s | check s | files | types |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const sdk of SDKS) {
  const c = compile[sdk];
  const col = (k, d = 2) => spread(c.map((x) => x[k]), d);
  lines.push(`| ${sdk} | ${col('wall')} | ${sdk === 'base' ? '1' : spread(ratio(sdk, 'wall'))} | ${col('cpu')} | ${sdk === 'base' ? '1' : spread(ratio(sdk, 'cpu'))} | ${spread(c.map((x) => x.memoryKB / 1024), 0)} | ${sdk === 'base' ? '–' : spread(added(sdk, 'memoryKB').map((k) => k / 1024), 0)} | ${col('parse')} | ${col('bind')} | ${col('check')} | ${median(c.map((x) => x.files))} | ${median(c.map((x) => x.types))} |`);
}
lines.push('', 'Editor (tsserver, a fresh server per probe: "cold" is from opening the file to the answer, "warm" the median of 5 repeats):', '');
lines.push('| consumer | probe | cold ms | cold ratio to base | warm ms | server RSS MB | answer |', '|---|---|---|---|---|---|---|');
for (const sdk of SDKS) {
  for (const probe of PROBES[sdk]) {
    const xs = edit[sdk][probe.name];
    lines.push(`| ${sdk} | ${probe.name} (\`${probe.at}\`) | ${spread(xs.map((x) => x.cold), 0)} | ${sdk === 'base' ? '1' : spread(editRatio(sdk, probe.name))} | ${spread(xs.map((x) => x.warm), 1)} | ${median(xs.map((x) => x.rssMB)).toFixed(0)} | ${xs.at(-1).answer.replace(/\|/g, '\\|')} |`);
  }
}
lines.push('', '### Targets (wxpay-chain against base, same round)', '', '| target | figure | |', '|---|---|---|');
lines.push(`| tsc ≤ 1.3× | ${spread(ratio('wxpay', 'wall'))} (CPU ${spread(ratio('wxpay', 'cpu'))})${before ? `; before: ${spread(ratio('before', 'wall'))} (CPU ${spread(ratio('before', 'cpu'))})` : ''} | ${meets(median(ratio('wxpay', 'wall')), 1.3)} |`);
lines.push(`| heap added ≤ 40 MB | ${spread(added('wxpay', 'memoryKB').map((k) => k / 1024), 0)} MB${before ? `; before: ${spread(added('before', 'memoryKB').map((k) => k / 1024), 0)} MB` : ''} | ${meets(median(added('wxpay', 'memoryKB')) / 1024, 40)} |`);
lines.push(`| cold completion ≤ 1.3× | ${spread(editRatio('wxpay', 'completion'))}${before ? `; before: ${spread(editRatio('before', 'completion'))}` : ''} | ${meets(median(editRatio('wxpay', 'completion')), 1.3)} |`);
lines.push(`| warm completion in \`chain('v3/pay/\` ≤ 15 ms | ${spread(edit.wxpay.chain.map((x) => x.warm), 1)} ms${before ? `; before: ${spread(edit.before.chain.map((x) => x.warm), 1)} ms` : ''} | ${meets(median(edit.wxpay.chain.map((x) => x.warm)), 15)} |`);
lines.push(`| hover on a verb keeps label and link | ${/Native下单/.test(hoverText) && /https:\/\/pay\.weixin\.qq\.com\//.test(hoverText) ? 'yes' : 'no'}: ${hoverText.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 90)} | ${/Native下单/.test(hoverText) ? '**met**' : '**not met**'} |`);
if (sizes) {
  const ours = sizes[0];
  lines.push(`| packed ≤ 500 kB, unpacked ≤ 4 MB | ${kB(ours.packed)}, ${MB(ours.unpacked)} | ${ours.packed <= 500_000 && ours.unpacked <= 4_000_000 ? '**met**' : '**not met**'} |`);
  lines.push('', 'Footprint: the package (`npm pack --dry-run`) and what `npm install --omit=dev <it>` puts in an empty project\'s node_modules (every dependency included):', '');
  lines.push('| package | packed | unpacked | files | installed | packages installed |', '|---|---|---|---|---|---|');
  for (const s of sizes) lines.push(`| ${s.name} | ${kB(s.packed)} | ${MB(s.unpacked)} | ${s.files} | ${MB(s.bytes)} | ${s.packages} |`);
}
const section = `${lines.join('\n')}\n`;
if (write) writeFileSync(join(root, 'bench', 'type-cost-last.json'), JSON.stringify({ rounds, versions, load, compile, edit: Object.fromEntries(Object.entries(edit).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([p, xs]) => [p, xs.map(({ documentation, tags, ...x }) => x)]))])), sizes }, null, 1));
process.stdout.write(section);
if (write) {
  const file = join(root, 'bench', 'RESULTS.md');
  const text = readFileSync(file, 'utf8');
  const heading = '## Type cost: what the typings cost a consumer';
  const start = text.indexOf(heading);
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + heading.length);
  const updated = start < 0 ? `${text.replace(/\n*$/, '\n\n')}${section}` : `${text.slice(0, start)}${section}${next < 0 ? '' : text.slice(next + 1)}`;
  writeFileSync(file, updated);
  log('wrote bench/RESULTS.md');
}
