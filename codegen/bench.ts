// npx tsx codegen/bench.ts [--docs <dir>] [--src] [--compare-names] [--rounds N] — speed and size of the generator, and what the
// typings cost a consumer: `tsc --noEmit` over 200 typed calls vs the same calls untyped, and vs
// the same project without the library (`client: any`).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCorpus } from './corpus.js';
import { emit, spellings, typedRequestFields } from './emit.js';
import type { Endpoint, Field, Shape } from './model.js';

const args = process.argv.slice(2);
const docs = resolve(args[args.indexOf('--docs') + 1] && args.includes('--docs') ? args[args.indexOf('--docs') + 1]! : '../shared/corpus/wechatpay-docs-35a35c5');
const repo = resolve(__dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// 1. parse + emit
const parseMs: number[] = [];
const emitMs: number[] = [];
let files = new Map<string, string>();
let model = parseCorpus(docs).model;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  model = parseCorpus(docs).model;
  const t1 = performance.now();
  files = emit(model).files;
  const t2 = performance.now();
  parseMs.push(t1 - t0);
  emitMs.push(t2 - t1);
}
console.log(`parse ${median(parseMs).toFixed(0)} ms, emit ${median(emitMs).toFixed(0)} ms, total ${(median(parseMs) + median(emitMs)).toFixed(0)} ms (median of 3, in process)`);
for (const [n, c] of files) console.log(`  ${n.padEnd(12)} ${(Buffer.byteLength(c) / 1024).toFixed(0)} KiB`);

// 2. a consumer with 200 calls, rotating chain / attribute / declarative styles
interface In {
  /** inside a multipart body: an object without members is the file */
  upload?: boolean;
  /** inside an APIv2 xml body: encrypted strings stay plain strings */
  xml?: boolean;
}
function sample(s: Shape | Field, depth = 0, where: In = {}): string {
  const f = s as Field;
  if (f.oneOf) return sample(f.oneOf[0]!, depth, where);
  let v: string;
  if (s.encoded === 'by-json_encode' && s.children?.length && !where.upload) v = `jsonEncode(${s.inner === 'list' ? sample(s.children[0]!, depth + 1) : obj(s.children, depth + 1)})`;
  else if (s.encrypted === 'by-rsa-pubkey' && s.type === 'string' && !where.xml) v = 'sealed';
  else if (s.enum?.length) v = JSON.stringify(s.enum[0]);
  else if (s.type === 'object') v = s.children?.length ? obj(s.children, depth + 1, where) : where.upload ? 'new Uint8Array(1)' : '{}';
  else if (s.type === 'integer' || s.type === 'number') v = '1';
  else if (s.type === 'boolean') v = 'true';
  else v = "'x'";
  for (let i = 0; i < (s.array ?? 0); i++) v = `[${v}]`;
  return v;
}
function obj(fields: Field[], depth: number, where: In = {}): string {
  const inner = (f: Field): In => (depth === 0 ? { upload: f.name === 'body', xml: f.name === 'xml' } : where);
  return `{ ${fields.filter((f) => f.required).map((f) => `${JSON.stringify(f.name)}: ${sample(f, depth, inner(f))}`).join(', ')} }`;
}
const reachable = (e: Endpoint) => e.template.split('/').every((s) => spellings(s).length && !['get', 'post', 'put', 'patch', 'delete'].includes(s));
const picks = model.endpoints.filter((e) => e.operations.some((o) => o.response.kind === 'json') && reachable(e)).slice(0, 1000);
const step = picks.length / 200;
const calls: string[] = [];
for (let i = 0; i < 200; i++) {
  const e = picks[Math.floor(i * step)]!;
  const op = e.operations[0]!;
  const opts = obj(typedRequestFields(op), 0);
  const style = i % 3;
  const target =
    style === 0
      ? `client.${e.template.split('/').map((s) => { const sp = spellings(s); const id = sp.find((x) => /^[A-Za-z_$][\w$]*$/.test(x)); return id ? id : `[${JSON.stringify(sp[0])}]`; }).join('.').replace(/\.\[/g, '[')}`
      : style === 1
        ? `client[${JSON.stringify(e.template)}]`
        : `client.chain(${JSON.stringify(e.template)})`;
  calls.push(`  { const r = await ${target}.${op.method}(${opts}); use(r.data); }`);
}
const dir = join(repo, 'node_modules/.cache/codegen-bench');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
// What a consumer of the package compiles against: the declaration files (`npm run build` makes the
// same ones), with skipLibCheck as most projects have it; `--src` measures against src/ instead.
const types = join(dir, 'types');
if (!args.includes('--src')) {
  execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'tsconfig.build.json'), '--declaration', '--emitDeclarationOnly', '--outDir', types], { stdio: 'inherit' });
}
const library = args.includes('--src') ? join(repo, 'src/client-types.js') : join(types, 'client-types.js');
// --compare-names: the same library with nested objects inlined (no named interfaces), same run
const compare = args.includes('--compare-names') && !args.includes('--src');
if (compare) {
  // outside node_modules/, where TypeScript would read the copy as a library (and resolve axios' types differently)
  const src = join(repo, '.tmp/codegen-bench/unnamed-src');
  rmSync(src, { recursive: true, force: true });
  cpSync(join(repo, 'src'), src, { recursive: true });
  for (const [name, content] of emit(model, { names: false }).files) if (name.endsWith('.ts')) writeFileSync(join(src, 'generated', name), content);
  writeFileSync(join(dir, 'tsconfig.unnamed-build.json'), JSON.stringify({ extends: join(repo, 'tsconfig.build.json'), compilerOptions: { rootDir: src }, include: [src], exclude: [] }));
  execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.unnamed-build.json'), '--declaration', '--emitDeclarationOnly', '--outDir', join(dir, 'types-unnamed')], { stdio: 'inherit' });
}
const body = (type: string, from = library) =>
  `import type { ${type} } from '${from}';\nimport { jsonEncode, type Sealed } from '${from.replace(/client-types\.js$/, 'index.js')}';\ndeclare const sealed: Sealed;\ndeclare const client: ${type};\ndeclare function use(x: unknown): void;\nexport async function run(): Promise<void> {\n${calls.join('\n')}\n}\n`;
writeFileSync(join(dir, 'typed.ts'), body('WechatpayClient'));
writeFileSync(join(dir, 'untyped.ts'), body('UntypedWechatpayClient'));
// the same project without the library: the budget (#14) is typed ≤ 1.5× this
writeFileSync(join(dir, 'none.ts'), `// eslint-disable-next-line\ndeclare const client: any;\ndeclare function jsonEncode(x: unknown): string;\ndeclare const sealed: string;\ndeclare function use(x: unknown): void;\nexport async function run(): Promise<void> {\n${calls.join('\n')}\n}\n`);
if (compare) writeFileSync(join(dir, 'unnamed.ts'), body('WechatpayClient', join(dir, 'types-unnamed/client-types.js')));
const consumers = ['none', 'untyped', 'typed', ...(compare ? ['unnamed'] : [])];
const totals: Record<string, number> = {};
for (const name of consumers) {
  writeFileSync(
    join(dir, `tsconfig.${name}.json`),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ES2022', moduleResolution: 'bundler', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] }, files: [`${name}.ts`] }, null, 2),
  );
}
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
// Rounds interleave the consumers (none, untyped, typed, …, then again), so that a machine whose
// load changes during the run (it is shared) skews every consumer alike; medians per consumer.
const rounds = Number(args[args.indexOf('--rounds') + 1]) > 0 && args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 5;
const runs = new Map<string, Array<{ total: number; check: number; mem: number }>>(consumers.map((c) => [c, []]));
for (let i = 0; i < rounds; i++) {
  for (const name of consumers) {
    let out = '';
    try {
      out = execFileSync(process.execPath, [tsc, '-p', join(dir, `tsconfig.${name}.json`), '--extendedDiagnostics'], { encoding: 'utf8' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? '');
      console.log(out.split('\n').filter((l) => l.includes('error')).slice(0, 10).join('\n'));
      throw new Error(`${name}.ts does not compile`);
    }
    const num = (k: string) => Number(/^(?:\S.*?):\s+([\d.]+)/.exec(out.split('\n').find((l) => l.startsWith(k)) ?? '')?.[1] ?? NaN);
    runs.get(name)!.push({ total: num('Total time'), check: num('Check time'), mem: num('Memory used') });
  }
}
for (const name of consumers) {
  const m = (k: 'total' | 'check' | 'mem') => median(runs.get(name)!.map((r) => r[k]));
  totals[name] = m('total');
  console.log(`tsc ${name}.ts: total ${m('total').toFixed(2)} s, check ${m('check').toFixed(2)} s, memory ${(m('mem') / 1024).toFixed(0)} MiB (median of ${rounds}, interleaved)`);
}
console.log(`typed / none: ${(totals.typed! / totals.none!).toFixed(2)}× (budget ≤ 1.5×); typed / untyped: ${(totals.typed! / totals.untyped!).toFixed(2)}×`);
if (compare) console.log(`without named interfaces: typed / none ${(totals.unnamed! / totals.none!).toFixed(2)}×; named / unnamed ${(totals.typed! / totals.unnamed!).toFixed(2)}×`);
console.log(`consumer files in ${dir}`);
