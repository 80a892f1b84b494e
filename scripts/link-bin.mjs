// The `prepare` script (run by `npm ci` and `npm install` in a clone): npm links the bins of
// dependencies into node_modules/.bin, never the project's own, so `npx wxpay-chain` would look
// for the name in the registry. This links it to the clone's launcher.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules/.bin');
const launcher = join(root, 'scripts/wxpay-chain.cjs');
const link = join(bin, 'wxpay-chain');
mkdirSync(bin, { recursive: true });
rmSync(link, { force: true });
symlinkSync(relative(bin, launcher), link);
chmodSync(launcher, 0o755);
