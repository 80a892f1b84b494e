// Builds dist/esm, dist/cjs and dist/types with tsc alone, so the published
// code is exactly what the type checker saw (no bundler rewriting).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const tsc = (...args) => execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', ...args], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
tsc('-p', 'tsconfig.build.json', '--outDir', 'dist/esm');
tsc('-p', 'tsconfig.build.json', '--outDir', 'dist/cjs', '--module', 'commonjs', '--moduleResolution', 'node10');
tsc('-p', 'tsconfig.build.json', '--outDir', 'dist/types', '--declaration', '--emitDeclarationOnly');
// Each output folder says which module system its .js files use.
mkdirSync('dist/esm', { recursive: true });
writeFileSync('dist/esm/package.json', '{"type":"module"}\n');
writeFileSync('dist/cjs/package.json', '{"type":"commonjs"}\n');
