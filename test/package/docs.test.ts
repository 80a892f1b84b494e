// Docs are tests: every ```ts block of README.md and docs/*.md is compiled in strict mode against
// the BUILT package, imported as a consumer imports it ('wxpay-chain', 'wxpay-chain/mock'). Each
// block becomes an ES module (.mts) in .tmp/docs/, inside the repository, so the package name
// resolves through package.json "exports" to dist/types (a self-reference, as from node_modules).
// One program for all blocks keeps it to one type-check of the package.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const out = join(root, '.tmp', 'docs');

// Blocks that fail only because of a known product defect being fixed: block id → the fix.
// Empty today; a listed block that compiles fails the test, so an entry cannot outlive its fix.
const awaitingFix: Record<string, string> = {};

interface Block {
  /** `file › heading` (plus ` #n` for the n-th block under one heading): stable across edits elsewhere. */
  id: string;
  file: string;
  line: number;
  lang: string;
  code: string;
}

/** The fenced blocks of a markdown text, each with its info string and the heading it sits under. */
function fencedBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  const perHeading = new Map<string, number>();
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.*)$/.exec(lines[i]!);
    if (h) heading = h[1]!.trim();
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence); i++) body.push(lines[i]!);
    const n = (perHeading.get(heading) ?? 0) + 1;
    perHeading.set(heading, n);
    blocks.push({ id: `${file} › ${heading}${n > 1 ? ` #${n}` : ''}`, file, line: start + 1, lang: open[3]!.trim().split(/[\s{]/)[0]!, code: body.join('\n') });
  }
  return blocks;
}

const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const blocks = pages.flatMap((page) => fencedBlocks(page, readFileSync(join(root, page), 'utf8')));
const tsBlocks = blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

/** Builds dist/ when it is missing or older than any source or the build script. */
function ensureBuilt(): void {
  const marker = join(root, 'dist', 'types', 'index.d.ts');
  const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'scripts', 'build.mjs')).mtimeMs, statSync(join(root, 'package.json')).mtimeMs);
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
}

// A block that must NOT compile, checked in the same program: proves errors are found and mapped.
const PROBE: Block = { id: '(probe)', file: '(probe)', line: 0, lang: 'ts', code: "import { Wechatpay } from 'wxpay-chain';\nnew Wechatpay({ mchid: 1 });" };

let diagnostics = new Map<string, string[]>();

beforeAll(() => {
  ensureBuilt();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const fileOf = new Map<string, Block>();
  [...tsBlocks, PROBE].forEach((b, i) => {
    const name = join(out, `${String(i).padStart(2, '0')}-${b.file.replace(/[^a-z0-9]+/gi, '-')}-${b.line}.mts`);
    // `export {}` makes every block its own module, so the names two snippets share never clash.
    writeFileSync(name, `${b.code}\nexport {};\n`);
    fileOf.set(name, b);
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    // The testing sample (README, docs/mock.md) is a jest file, as in a project with @types/jest.
    types: ['node', 'jest'],
  };
  const program = ts.createProgram([...fileOf.keys()], options);
  diagnostics = new Map([...tsBlocks, PROBE].map((b) => [b.id, [] as string[]]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const block = d.file && fileOf.get(resolve(d.file.fileName));
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (block) diagnostics.get(block.id)!.push(`${block.file}:${block.line + 1 + where}: TS${d.code} ${text}`);
    else diagnostics.set('(outside the snippets)', [...(diagnostics.get('(outside the snippets)') ?? []), `${d.file ? relative(root, d.file.fileName) : ''}: TS${d.code} ${text}`]);
  }
}, 240_000);

test('README and docs hold ts blocks, each with a unique id', () => {
  expect(tsBlocks.length).toBeGreaterThan(10);
  expect(new Set(tsBlocks.map((b) => b.id)).size).toBe(tsBlocks.length);
});

test('every block is labelled with its language (ts blocks are TypeScript; the others say what they are)', () => {
  expect(blocks.filter((b) => !b.lang).map((b) => `${b.file}:${b.line}`)).toEqual([]);
});

test('every ```ts block compiles in strict mode against the built package', () => {
  const failing = [...diagnostics].filter(([id, errors]) => errors.length && id !== PROBE.id && !(id in awaitingFix));
  expect(Object.fromEntries(failing)).toEqual({});
});

test('every block awaiting a fix exists and still fails (remove its entry once the fix lands)', () => {
  for (const id of Object.keys(awaitingFix)) {
    expect([id, diagnostics.has(id)]).toEqual([id, true]);
    expect([id, diagnostics.get(id)!.length > 0]).toEqual([id, true]);
  }
});

test('the snippets are compiled for real: a wrong call in a block is reported against that block', () => {
  const errors = diagnostics.get(PROBE.id)!;
  expect(errors.length).toBeGreaterThan(0);
  // the call's own error, on the line of the call: the package resolved (no TS2307) and typed mchid
  expect(errors).toContain("(probe):2: TS2322 Type 'number' is not assignable to type 'string'.");
  expect(errors.join('\n')).not.toContain('TS2307');
});
