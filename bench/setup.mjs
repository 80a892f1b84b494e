// What every bench script starts with: a merchant key pair, WeChat Pay in public-key mode, the
// setup file the server and the client processes read, and the loopback server in its own process.
import { fork } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function pair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) };
}

/** Fresh keys, written to a private temporary folder; `env` points child processes at them. */
export function benchSetup(prefix = 'wxpay-bench-') {
  const merchant = pair();
  const platform = pair();
  const setup = {
    mchid: '1900000001',
    merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchantPrivateKeyPem: merchant.privateKeyPem,
    merchantPublicKeyPem: merchant.publicKeyPem,
    platformId: `PUB_KEY_ID_${Array.from(randomBytes(32), (b) => b % 10).join('')}`,
    platformPrivateKeyPem: platform.privateKeyPem,
    platformPublicKeyPem: platform.publicKeyPem,
  };
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const setupFile = join(dir, 'setup.json');
  writeFileSync(setupFile, JSON.stringify(setup), { mode: 0o600 });
  return { setup, dir, env: { ...process.env, BENCH_SETUP: setupFile }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The loopback server (bench/server.mjs) in its own process, once it listens. */
export async function startBenchServer(env) {
  const server = fork(join(here, 'server.mjs'), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => server.once('message', (m) => resolve(m.port)));
  return { server, port };
}
