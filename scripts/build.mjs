// Builds dist/esm, dist/cjs and dist/types. tsc compiles and type-checks (its ES modules are the
// code that ships); esbuild then only joins them into a few files per build, because loading ~50
// small modules cost more at start-up than the rest of the package (bench/RESULTS.md, cold import).
// Dependencies stay external, so node-forge, fast-xml-parser and form-data still load on first use.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { dirname, join, relative } from 'node:path';
import { build, transform } from 'esbuild';

const tsc = (...args) => execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', ...args], { stdio: 'inherit' });
const modules = '.tmp/build/esm';
const files = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

rmSync('dist', { recursive: true, force: true });
rmSync(modules, { recursive: true, force: true });
tsc('-p', 'tsconfig.build.json', '--outDir', modules);
tsc('-p', 'tsconfig.build.json', '--outDir', 'dist/types', '--declaration', '--emitDeclarationOnly');
// The declarations (the generated catalogue most of all) are what a consumer's compiler and editor
// read: tsc indents them by four spaces a level, which is bytes without meaning, so they ship flush left.
for (const file of files('dist/types')) {
  if (file.endsWith('.d.ts')) writeFileSync(file, readFileSync(file, 'utf8').replace(/^[ \t]+/gm, ''));
}
// Without this, esbuild reads the root package.json ("type": "commonjs") and wraps modules with no
// exports (the demo, the CLI) as CommonJS, which in turn wraps every module they import.
writeFileSync(join(modules, 'package.json'), '{"type":"module"}\n');

// src/here.ts reads `__dirname`, which an ES module does not have: the ES module build gets the
// `import.meta.url` equivalent (the CommonJS files below get `import.meta.url` defined for them).
const HERE = '/*! wxpay-chain: packageDir */'; // a legal comment: esbuild keeps it
writeFileSync(
  join(modules, 'here.js'),
  `import { dirname } from 'node:path';\nimport { fileURLToPath } from 'node:url';\n${HERE}\nexport const packageDir = dirname(fileURLToPath(import.meta.url));\n`,
);

// Entry points: what package.json exports, the CLI (every file of src/cli, so each command keeps its own file
// for the dynamic import() in src/cli/commands.ts) and the demo.
const entries = ['index', 'mock/index', 'demo/index', ...readdirSync(join(modules, 'cli')).filter((f) => f.endsWith('.js')).map((f) => `cli/${f.slice(0, -3)}`)];
await build({
  entryPoints: Object.fromEntries(entries.map((e) => [e, join(modules, `${e}.js`)])),
  outdir: 'dist/esm',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: '[name]-[hash]', // shared chunks sit in the package root, where packageDir must point
  logLevel: 'warning',
});

// CommonJS: the same files, each converted on its own, so both entry points share one copy of
// every class (an error from 'wxpay-chain/mock' is instanceof the one from 'wxpay-chain').
for (const file of files('dist/esm')) {
  const out = join('dist/cjs', relative('dist/esm', file));
  mkdirSync(dirname(out), { recursive: true });
  const source = readFileSync(file, 'utf8');
  const usesMeta = source.includes('import.meta.url');
  const { code } = await transform(source, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    define: usesMeta ? { 'import.meta.url': '__wxpayFileUrl' } : undefined,
    banner: usesMeta ? 'const __wxpayFileUrl = require("node:url").pathToFileURL(__filename).href;' : undefined,
  });
  writeFileSync(out, code);
}

const here = files('dist/esm').filter((f) => readFileSync(f, 'utf8').includes(HERE));
if (here.length !== 1 || dirname(here[0]) !== 'dist/esm') throw new Error(`packageDir must be defined once, in the dist/esm root; found in ${here.join(', ') || 'no file'}`);

// Each output folder says which module system its .js files use.
writeFileSync('dist/esm/package.json', '{"type":"module"}\n');
writeFileSync('dist/cjs/package.json', '{"type":"commonjs"}\n');
// The mock and pagination read the runtime endpoint model at run time: one copy ships, in the
// CommonJS tree (src/model-file.ts also looks there from dist/esm), brotli-compressed: 60 kB on
// disk instead of 420 kB, read once per process (decompressing it takes a few milliseconds).
mkdirSync('dist/cjs/generated', { recursive: true });
writeFileSync(
  'dist/cjs/generated/runtime-model.json.br',
  brotliCompressSync(readFileSync('src/generated/runtime-model.json'), { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT } }),
);
