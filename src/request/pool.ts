// RSA signing off the main thread, for when many calls are in flight. One signature costs about
// as much CPU as everything else a call does; with several calls waiting, signing on another
// core lets the main thread keep sending and verifying. A single call is still signed inline:
// the round trip to a worker would only add latency.
//
// Workers are shared by every client in the process, started on first use, unref'd while idle
// (they never keep a process alive), and each is handed a private key once, as a KeyObject.
// If a worker cannot start or dies, signing falls back to the calling thread.
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

// CommonJS source evaluated in the worker: the package ships ESM and CJS builds, and an eval'd
// worker needs no file path that would differ between them.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = new Map();
parentPort.on('message', (job) => {
  if (job.key) { keys.set(job.keyId, job.key); return; }
  try {
    parentPort.postMessage({ id: job.id, signature: sign('sha256', Buffer.from(job.message), keys.get(job.keyId)).toString('base64') });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
  }
});
`;

interface Job {
  resolve(signature: string): void;
  reject(error: Error): void;
}

class SigningWorker {
  readonly #worker: Worker;
  readonly #jobs = new Map<number, Job>();
  readonly #keys = new Set<number>();
  #nextId = 0;
  broken = false;

  constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#worker.unref();
    this.#worker.on('message', (reply: { id: number; signature?: string; error?: string }) => {
      const job = this.#jobs.get(reply.id);
      if (!job) return;
      this.#jobs.delete(reply.id);
      if (this.#jobs.size === 0) this.#worker.unref();
      if (reply.signature !== undefined) job.resolve(reply.signature);
      else job.reject(new Error(reply.error ?? 'signing failed'));
    });
    const fail = (error: unknown) => {
      this.broken = true;
      for (const job of this.#jobs.values()) job.reject(error instanceof Error ? error : new Error(String(error)));
      this.#jobs.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`signing worker exited (${code})`)));
  }

  get pending(): number {
    return this.#jobs.size;
  }

  sign(keyId: number, key: KeyObject, message: string): Promise<string> {
    if (!this.#keys.has(keyId)) {
      this.#worker.postMessage({ keyId, key });
      this.#keys.add(keyId);
    }
    const id = this.#nextId++;
    return new Promise<string>((resolve, reject) => {
      // Held while work is outstanding, so a script awaiting a pooled signature is not ended early.
      if (this.#jobs.size === 0) this.#worker.ref();
      this.#jobs.set(id, { resolve, reject });
      this.#worker.postMessage({ id, keyId, message });
    });
  }
}

// One thread stays for sending, receiving and verifying; the rest may sign (at most 4).
const SIZE = Math.max(0, Math.min(4, availableParallelism() - 1, Number(process.env.WXPAY_SIGNING_THREADS ?? Infinity)));
// Past this many signatures queued on every worker, the calling thread signs too.
const MAX_PENDING = 64;

const workers: SigningWorker[] = [];
const keyIds = new WeakMap<KeyObject, number>();
let nextKeyId = 0;
let unavailable = SIZE === 0;

/** Signs on a worker thread, or returns undefined when the caller should sign inline. */
export function signOffThread(key: KeyObject, message: string): Promise<string> | undefined {
  if (unavailable) return undefined;
  let best: SigningWorker | undefined;
  for (const worker of workers) if (!worker.broken && (!best || worker.pending < best.pending)) best = worker;
  if ((!best || best.pending > 0) && workers.length < SIZE) {
    try {
      best = new SigningWorker();
      workers.push(best);
    } catch {
      unavailable = true;
      return undefined;
    }
  }
  if (!best || best.broken) {
    unavailable = workers.every((worker) => worker.broken);
    return undefined;
  }
  if (best.pending >= MAX_PENDING) return undefined;
  let keyId = keyIds.get(key);
  if (keyId === undefined) keyIds.set(key, (keyId = nextKeyId++));
  return best.sign(keyId, key, message);
}
