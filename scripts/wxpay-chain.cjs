#!/usr/bin/env node
// `npx wxpay-chain` in a clone of this repository (linked into node_modules/.bin by
// scripts/link-bin.mjs, which `npm ci` runs as the `prepare` script). The published package's own
// bin is dist/cjs/cli/index.js; a clone may have no dist yet, or one older than the sources, so the
// sources are run through tsx then, and the build only when it is up to date.
'use strict';
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = join(root, 'dist/cjs/cli/index.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

function upToDate() {
  try {
    return statSync(built).mtimeMs >= newest(join(root, 'src'));
  } catch {
    return false;
  }
}

if (upToDate()) {
  require(built);
} else {
  // A child with tsx's loaders (the CLI loads its commands with import()); Ctrl-C reaches both
  // processes, so this one waits for the child to stop and exits as it did.
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (require('node:os').constants.signals[signal] ?? 0);
  });
}
