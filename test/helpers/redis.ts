// A real redis-server for the suites that need one: started on a free loopback port with no
// persistence, stopped after; `redisNeed` lets describeWith skip (or fail under
// WXPAY_REQUIRE_ALL=1) on a machine without the binary.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Need } from './needs.js';

export const redisNeed: Need = {
  name: 'redis-server',
  present: spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0,
  how: 'Looked for redis-server on PATH; install the Debian package: apt-get install redis-server (.ci/run does).',
};

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kill it (SIGKILL: what a crash looks like to clients). */
  kill(): Promise<void>;
  /** Start it again on the same port (empty: nothing is saved). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that holds its connections and answers nothing (slow, not down). */
  pause(): void;
  resume(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
      child = proc;
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}: ${seen}`)), 10_000);
      proc.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${seen}`));
      });
    });
  const kill = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, stop: kill, pause: () => void child?.kill('SIGSTOP'), resume: () => void child?.kill('SIGCONT') };
}
