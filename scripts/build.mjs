// Builds dist/esm, dist/cjs and dist/types with tsc alone, so the published
// code is exactly what the type checker saw (no bundler rewriting).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

const tsc = (...args) => execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', ...args], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
tsc('-p', 'tsconfig.build.json', '--outDir', 'dist/esm');
tsc('-p', 'tsconfig.build.json', '--outDir', 'dist/cjs', '--module', 'commonjs', '--moduleResolution', 'node10');
tsc('-p', 'tsconfig.build.json', '--outDir', 'dist/types', '--declaration', '--emitDeclarationOnly');
// Each output folder says which module system its .js files use.
mkdirSync('dist/esm', { recursive: true });
writeFileSync('dist/esm/package.json', '{"type":"module"}\n');
writeFileSync('dist/cjs/package.json', '{"type":"commonjs"}\n');
// The mock server reads the endpoint model at run time: one copy ships, in the CommonJS tree
// (src/mock/model.ts also looks there from dist/esm). src/here.ts reads `__dirname`, which an ES
// module does not have: its ESM build is replaced by the `import.meta.url` equivalent.
mkdirSync('dist/cjs/generated', { recursive: true });
copyFileSync('src/generated/model.json', 'dist/cjs/generated/model.json');
writeFileSync(
  'dist/esm/here.js',
  "import { dirname } from 'node:path';\nimport { fileURLToPath } from 'node:url';\nexport const packageDir = dirname(fileURLToPath(import.meta.url));\n",
);
