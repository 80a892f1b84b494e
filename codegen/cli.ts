// npm run codegen -- [--docs <dir>] [--out <dir>] [--check] [--quiet] [--diagnostics <file.json>]
// Parses the documentation corpus, prints the diagnostics report, and writes (or, with --check,
// compares) the generated files. Exit codes: 0 ok, 1 drift (--check) or unexplained rows, 2 usage.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { countByReason, parseCorpus } from './corpus.js';
import { emit } from './emit.js';

interface Args {
  docs: string;
  out: string;
  check: boolean;
  quiet: boolean;
  diagnostics?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { docs: '../shared/corpus/wechatpay-docs-35a35c5', out: 'src/generated', check: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${x} needs a value`);
      return v;
    };
    if (x === '--docs') a.docs = next();
    else if (x === '--out') a.out = next();
    else if (x === '--check') a.check = true;
    else if (x === '--quiet') a.quiet = true;
    else if (x === '--diagnostics') a.diagnostics = next();
    else if (x.startsWith('--docs=')) a.docs = x.slice(7);
    else if (x.startsWith('--out=')) a.out = x.slice(6);
    else throw new Error(`unknown argument ${x}`);
  }
  return a;
}

export function main(argv: string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(String((e as Error).message));
    console.error('usage: codegen [--docs <dir>] [--out <dir>] [--check] [--quiet] [--diagnostics <file.json>]');
    return 2;
  }
  const docs = resolve(args.docs);
  if (!existsSync(docs)) {
    console.error(`codegen: documentation folder not found: ${docs}`);
    return 2;
  }
  const t0 = performance.now();
  const { model, diagnostics, stats } = parseCorpus(docs);
  const t1 = performance.now();
  const emitted = emit(model);
  const t2 = performance.now();
  const all = [...diagnostics, ...emitted.diagnostics];

  const unexplained = stats.rows - stats.fieldRows - stats.structuralRows - stats.skippedRows;
  const log = (s: string) => {
    if (!args.quiet) console.log(s);
  };
  if (!args.quiet) {
    for (const d of all) console.log(`${d.file}:${d.line}  ${d.severity}  ${d.reason}${d.detail ? `  ${d.detail}` : ''}`);
  }
  log('');
  log(`files ${stats.files} (endpoints ${stats.endpointFiles}, webhooks ${stats.webhookFiles}, redirects ${stats.redirectFiles}, other ${stats.otherFiles})`);
  log(`endpoints ${stats.endpoints}, methods ${stats.methods}, webhooks ${stats.webhooks}, fields ${stats.fields}`);
  log(`rows ${stats.rows} = fields ${stats.fieldRows} + structural ${stats.structuralRows} + skipped ${stats.skippedRows}; unexplained ${unexplained}`);
  log(`diagnostics ${all.length}:`);
  for (const [r, n] of Object.entries(countByReason(all))) log(`  ${r.padEnd(44)} ${n}`);
  const overrides = all.filter((d) => d.reason === 'override');
  log(`overrides applied ${overrides.length} (codegen/overrides.ts):`);
  for (const o of overrides) log(`  ${o.file}  ${o.detail}`);
  if (emitted.info.unreachable.length) {
    log('segments without a chain property (use chain() or attributes):');
    for (const u of emitted.info.unreachable) log(`  ${u.parent}/${u.segment}  (${u.reason})`);
  }
  log(`parse ${(t1 - t0).toFixed(0)} ms, emit ${(t2 - t1).toFixed(0)} ms`);
  if (args.diagnostics) writeFileSync(args.diagnostics, JSON.stringify({ stats, diagnostics: all }, null, 1) + '\n');

  const out = resolve(args.out);
  const drift: string[] = [];
  const onDisk = existsSync(out) ? readdirSync(out) : [];
  for (const [name, content] of emitted.files) {
    const p = join(out, name);
    const current = existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    if (current === content) continue;
    drift.push(name);
    if (!args.check) {
      mkdirSync(out, { recursive: true });
      writeFileSync(p, content);
    }
  }
  const stale = onDisk.filter((n) => !emitted.files.has(n) && /\.(ts|json)$/.test(n));
  if (args.check) {
    if (drift.length || stale.length) {
      console.error(`codegen --check: ${out} is out of date: ${[...drift, ...stale.map((s) => `${s} (not generated)`)].join(', ')}. Run \`npm run codegen\`.`);
      return 1;
    }
    log(`codegen --check: ${out} is up to date`);
  } else {
    log(drift.length ? `wrote ${drift.join(', ')}` : 'no changes');
    if (stale.length) console.warn(`files in ${out} that the generator does not produce: ${stale.join(', ')}`);
  }
  if (unexplained !== 0) {
    console.error(`codegen: ${unexplained} table rows are neither in the model nor in the diagnostics`);
    return 1;
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
