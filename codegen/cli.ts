// npm run codegen -- [--docs <dir>] [--out <dir>] [--check] [--quiet] [--diagnostics <file.json>]
// npm run codegen -- --diff <old docs> <new docs> [--out <file.md>] [--labels <old>,<new>]
// Parses the documentation corpus, prints the diagnostics report, and writes (or, with --check,
// compares) the generated files; with --diff, parses two corpora and writes the API-surface
// changelog between them (stdout without --out). Exit codes: 0 ok, 1 drift (--check) or
// unexplained rows, 2 usage.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { countByReason, parseCorpus } from './corpus.js';
import { breakingChanges, diffModels, modelOf, releaseFor, renderDiff } from './diff.js';
import { emit } from './emit.js';

interface Args {
  docs: string;
  out: string;
  outGiven: boolean;
  check: boolean;
  quiet: boolean;
  diagnostics?: string;
  /** `--diff <old> <new>`: the two corpora to compare. */
  diff?: [string, string];
  labels?: [string, string];
}

const USAGE =
  'usage: codegen [--docs <dir>] [--out <dir>] [--check] [--quiet] [--diagnostics <file.json>]\n' +
  '       codegen --diff <old docs> <new docs> [--out <file.md>] [--labels <old>,<new>]';

function parseArgs(argv: string[]): Args {
  const a: Args = { docs: '../shared/corpus/wechatpay-docs-35a35c5', out: 'src/generated', outGiven: false, check: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${x} needs a value`);
      return v;
    };
    if (x === '--docs') a.docs = next();
    else if (x === '--out') {
      a.out = next();
      a.outGiven = true;
    } else if (x === '--diff') a.diff = [next(), next()];
    else if (x === '--labels') {
      const parts = next().split(',');
      if (parts.length !== 2 || parts.some((p) => !p.trim())) throw new Error('--labels takes two names: <old>,<new>');
      a.labels = [parts[0]!.trim(), parts[1]!.trim()];
    }
    else if (x === '--check') a.check = true;
    else if (x === '--quiet') a.quiet = true;
    else if (x === '--diagnostics') a.diagnostics = next();
    else if (x.startsWith('--docs=')) a.docs = x.slice(7);
    else if (x.startsWith('--out=')) {
      a.out = x.slice(6);
      a.outGiven = true;
    } else throw new Error(`unknown argument ${x}`);
  }
  if (a.diff && a.check) throw new Error('--diff and --check do not go together');
  return a;
}

/** A snapshot's short name: the folder's `-<commit>` suffix (`wechatpay-docs-35a35c5`), else the folder name. */
export function labelOf(dir: string): string {
  const name = basename(resolve(dir));
  return /-([0-9a-f]{7,40})$/.exec(name)?.[1] ?? name;
}

function runDiff(args: Args, pair: [string, string]): number {
  const [before, after] = pair.map((p) => resolve(p)) as [string, string];
  for (const dir of [before, after]) {
    if (!existsSync(dir)) {
      console.error(`codegen --diff: documentation folder not found: ${dir}`);
      return 2;
    }
  }
  const d = diffModels(modelOf(before), modelOf(after));
  const labels = args.labels ?? [labelOf(before), labelOf(after)];
  const text = renderDiff(d, { old: labels[0], new: labels[1] });
  const summary = `${labels[0]} → ${labels[1]}: ${d.endpointsAdded.length} operations on new endpoints, ${d.endpointsRemoved.length} removed, ${d.notificationsAdded.length} notification types added, ${d.changedOperations.length} operations changed, ${breakingChanges(d).length} breaking changes; release ${releaseFor(d)}`;
  if (args.outGiven) {
    const out = resolve(args.out);
    mkdirSync(dirname(out), { recursive: true });
    const current = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
    if (current !== text) writeFileSync(out, text);
    if (!args.quiet) console.log(`${summary}\n${current === text ? 'no changes to' : 'wrote'} ${out}`);
  } else {
    process.stdout.write(text);
    if (!args.quiet) console.error(summary);
  }
  return 0;
}

export function main(argv: string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(String((e as Error).message));
    console.error(USAGE);
    return 2;
  }
  if (args.diff) return runDiff(args, args.diff);
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
