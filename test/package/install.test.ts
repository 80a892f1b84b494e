// `npm ci` on Node 20 prints no engine warning for any dependency (dev ones included) and no
// unapproved install script: every locked package's `engines.node` admits Node 20, and the
// install scripts the tree has are approved in package.json (npm 11's `allowScripts`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import semver from 'semver';

const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string }; allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string }; hasInstallScript?: boolean; dev?: boolean }> };

test('every locked package runs on the oldest Node 20 the project supports', () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;
  expect(oldest).toBe('20.0.0');
  // The Node 20 releases CI and merchants run: the latest line, and the first with the APIs the tests use.
  const refused = Object.entries(lock.packages)
    .filter(([, entry]) => entry.engines?.node && !semver.satisfies('20.19.0', entry.engines.node))
    .map(([name, entry]) => `${name} wants node ${entry.engines!.node}`);
  expect(refused).toEqual([]);
});

test("each package with an install script is approved in package.json's allowScripts", () => {
  const scripted = Object.entries(lock.packages)
    .filter(([name, entry]) => name !== '' && entry.hasInstallScript)
    .map(([name]) => name.replace(/^.*node_modules\//, ''));
  expect(scripted.length).toBeGreaterThan(0);
  for (const name of scripted) expect(pkg.allowScripts?.[name]).toBe(true);
});

test('in a clone, after the install (its prepare script), npx wxpay-chain runs this checkout, never the registry', () => {
  expect((pkg as { scripts?: Record<string, string> }).scripts?.prepare).toBe('node scripts/link-bin.mjs');
  const prepare = spawnSync('npm', ['run', 'prepare', '--silent'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(prepare.status).toBe(0);
  // --no: never download; the name must resolve to the linked launcher.
  const r = spawnSync('npx', ['--no', '--', 'wxpay-chain', '--version'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  expect(r.status).toBe(0);
  const help = spawnSync('npx', ['--no', '--', 'wxpay-chain', 'mock', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(help.stdout).toContain('usage: wxpay-chain mock');
}, 120_000);
