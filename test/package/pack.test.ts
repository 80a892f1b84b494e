// The published package, as a merchant gets it: a copy of the repository's files WITHOUT dist
// (an unbuilt clone), `npm pack` there (prepack builds), the tarball installed with npm into a
// scratch project outside the repository, then type-checked as a consumer under nodenext, bundler
// and node10 resolution and run against the packaged mock, from ESM and CommonJS.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'wxpay-pack-'));
const clone = join(scratch, 'clone');
const project = join(scratch, 'project');
const installed = join(project, 'node_modules', 'wxpay-chain');

function npm(args: string[], cwd: string): string {
  const cli = process.env.npm_execpath;
  const out = cli && cli.endsWith('.js') ? execFileSync(process.execPath, [cli, ...args], { cwd, stdio: 'pipe' }) : execFileSync('npm', args, { cwd, stdio: 'pipe' });
  return out.toString();
}

beforeAll(() => {
  // What `git clone` gives (tracked files, plus this tree's uncommitted ones), never dist/.
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root }).toString().split('\0').filter((f) => f && existsSync(join(root, f)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    writeFileSync(join(clone, file), readFileSync(join(root, file)));
  }
  if (existsSync(join(clone, 'dist'))) throw new Error('the clone must not hold dist/');
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir'); // what `npm ci` would give it
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "version": "1.0.0", "private": true }\n');
  const tarball = npm(['pack', '--silent', '--pack-destination', project], clone).trim().split('\n').pop()!;
  // From the npm cache when it holds the dependencies (then no network is needed), else the registry.
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`], project);
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('the tarball of an unbuilt clone holds the built code, typings, LICENSE, README and docs, and no sources or tests', () => {
  const files = readdirSync(installed);
  expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist', 'docs', 'bench', 'package.json']));
  expect(files).not.toContain('src');
  expect(files).not.toContain('test');
  expect(readdirSync(join(installed, 'dist')).sort()).toEqual(['cjs', 'esm', 'types']);
  expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} wxpay-chain contributors\n/);
  expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).license).toBe('MIT');
});

test('every relative link in the shipped README and docs points at a file in the package', () => {
  const pages = ['README.md', 'bench/RESULTS.md', ...readdirSync(join(installed, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  let links = 0;
  for (const page of pages) {
    for (const m of readFileSync(join(installed, page), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!.split('#')[0]!;
      if (!target || /^[a-z]+:/i.test(target)) continue;
      links++;
      if (!existsSync(join(installed, dirname(page), target))) broken.push(`${page}: ${m[1]}`);
    }
  }
  expect(links).toBeGreaterThan(5);
  expect(broken).toEqual([]);
});

// One consumer, both entry points, a typed call answered by the packaged mock (from the endpoint
// model shipped in the package). The @ts-expect-error line fails the check if a typing is `any`.
const consumerSource = `
import { Wechatpay, ParameterError } from 'wxpay-chain';
import { startMockServer } from 'wxpay-chain/mock';

async function main(): Promise<void> {
  const mock = await startMockServer();
  try {
    const wxpay = new Wechatpay(mock.clientConfig);
    const answer = await wxpay.v3.marketing.favor.stocks._stock_id_.get({ stock_id: '9856000', query: { stock_creator_mchid: '8956000' } });
    const stockId: string | undefined = answer.data.stock_id;
    console.log(JSON.stringify([answer.status, answer.verified, stockId, ParameterError.name]));
  } finally {
    await mock.close();
  }
}
// @ts-expect-error startMockServer is typed, not any
const typed: (n: number) => void = startMockServer;
void typed;
main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
`;

const MODES: Record<string, { file: string; type: 'module' | 'commonjs'; options: ts.CompilerOptions }> = {
  nodenext: { file: 'consumer.mts', type: 'module', options: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext } },
  bundler: { file: 'consumer.ts', type: 'module', options: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler } },
  node10: { file: 'consumer.ts', type: 'commonjs', options: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true } },
};

test.each(Object.keys(MODES))('%s resolution: both entry points resolve to the typings, type-check in strict mode, and a typed call runs against the mock', (mode) => {
  const { file, type, options } = MODES[mode]!;
  const dir = join(project, mode);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `{ "type": "${type}" }\n`);
  writeFileSync(join(dir, file), consumerSource);
  const compilerOptions: ts.CompilerOptions = {
    ...options,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')], // the consumer's own @types/node
    outDir: dir,
  };
  const host = ts.createCompilerHost(compilerOptions);
  for (const specifier of ['wxpay-chain', 'wxpay-chain/mock']) {
    const resolved = ts.resolveModuleName(specifier, join(dir, file), compilerOptions, host).resolvedModule;
    expect(resolved?.resolvedFileName).toBe(join(installed, 'dist/types', specifier === 'wxpay-chain' ? 'index.d.ts' : 'mock/index.d.ts'));
  }
  const program = ts.createProgram([join(dir, file)], compilerOptions, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
  expect(program.emit().emitSkipped).toBe(false);
  const out = execFileSync(process.execPath, [join(dir, file.replace(/ts$/, 'js'))], { cwd: dir, timeout: 60_000 }).toString();
  expect(JSON.parse(out)).toEqual([200, true, '9856000', 'ParameterError']);
});

// Plain JavaScript, no TypeScript: the same call in all three styles from ESM and CommonJS.
const body = `
  const mock = await startMockServer();
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', (r) => ({ json: { stock_id: r.params.stock_id } }));
  const wxpay = new Wechatpay(mock.clientConfig);
  const options = { stock_id: 'S1', json: { stock_creator_mchid: '8956000' } };
  const answers = [
    await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(options),
    await wxpay.chain('v3/marketing/favor/stocks/{stock_id}/pause').postAsync(options),
    await wxpay['v3/marketing/favor/stocks/{stock_id}/pause'].post(options),
  ];
  console.log(JSON.stringify(answers.map((a) => [a.status, a.verified, a.data.stock_id])), wxpay instanceof Wechatpay, ParameterError.name);
  await mock.close();
`;
const expected = '[[200,true,"S1"],[200,true,"S1"],[200,true,"S1"]] true ParameterError';

const consumer = (file: string, source: string): string => {
  writeFileSync(join(project, file), source);
  return execFileSync(process.execPath, [file], { cwd: project, timeout: 60_000 }).toString();
};

test('ESM: import { Wechatpay } from "wxpay-chain"', () => {
  const out = consumer('esm.mjs', `import { Wechatpay, ParameterError } from 'wxpay-chain';\nimport { startMockServer } from 'wxpay-chain/mock';\n${body}`);
  expect(out.trim()).toBe(expected);
});

test('CommonJS: require("wxpay-chain")', () => {
  const out = consumer('cjs.cjs', `const { Wechatpay, ParameterError } = require('wxpay-chain');\nconst { startMockServer } = require('wxpay-chain/mock');\n(async () => {${body}})();`);
  expect(out.trim()).toBe(expected);
});

test('the command-line tool runs from the installed package (node_modules/.bin)', () => {
  const bin = join(project, 'node_modules', '.bin', 'wxpay-chain');
  const run = (...args: string[]): string => execFileSync(bin, args, { cwd: project, timeout: 60_000 }).toString();
  expect(run('--help')).toMatch(/^usage: wxpay-chain <command>/);
  expect(run('certificates', '--help')).toMatch(/^usage: wxpay-chain certificates \[--config <client\.json>\]/);
  expect(run('mock', '--help')).toMatch(/^usage: wxpay-chain mock/);
  expect(run('--help')).toMatch(/^ {2}mock +run a local mock WeChat Pay/m);
  expect(run('--version').trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  const typo = spawnSync(bin, ['mokc'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  expect([typo.status, typo.stderr.split('\n')[0]]).toEqual([2, 'wxpay-chain: unknown command "mokc"; did you mean "mock"?']);
  const option = spawnSync(bin, ['request', 'get', 'v3/certificates', '--confg', 'client.json'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  expect([option.status, option.stderr.split('\n')[0]]).toEqual([2, 'wxpay-chain request: unknown option --confg; did you mean --config?']);
});

test('the ES module and CommonJS builds hold the same files', () => {
  const dist = join(installed, 'dist');
  const list = (dir: string): string[] =>
    readdirSync(join(dist, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.js'))
      .map((e) => join(e.parentPath, e.name).slice(join(dist, dir).length))
      .sort();
  expect(list('cjs')).toEqual(list('esm'));
  expect(list('esm')).toEqual(expect.arrayContaining(['/index.js', '/mock/index.js', '/cli/index.js']));
});
