// RSA signing off the main thread, for when many calls are in flight. One signature costs about
// as much CPU as everything else a call does; with several calls waiting, signing on another
// core lets the main thread keep sending and verifying. A single call is still signed inline:
// the round trip to a worker would only add latency.
//
// Workers are shared by every client in the process, started on first use, unref'd while idle
// (they never keep a process alive), and each is handed a private key as a KeyObject when it
// first signs with it. A worker holds at most `maxKeys` keys, the least recently used dropped
// first and handed over again if needed: merchants that come and go leave no keys behind.
// If a worker cannot start or dies, signing falls back to the calling thread.
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

// CommonJS source evaluated in the worker: the package ships ESM and CJS builds, and an eval'd
// worker needs no file path that would differ between them. The main thread mirrors which keys
// a worker holds (messages arrive in order), so `drop` and `key` keep the two in step; a job
// whose key is missing anyway is answered with an error and signed inline.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = new Map();
parentPort.on('message', (job) => {
  if (job.drop !== undefined) { keys.delete(job.drop); return; }
  if (job.key) { keys.set(job.keyId, job.key); return; }
  const key = keys.get(job.keyId);
  try {
    if (!key) throw new Error('signing key ' + job.keyId + ' not held');
    parentPort.postMessage({ id: job.id, held: keys.size, signature: sign('sha256', Buffer.from(job.message), key).toString('base64') });
  } catch (error) {
    parentPort.postMessage({ id: job.id, held: keys.size, error: String(error && error.message || error) });
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
  // Key ids the worker holds, least recently used first (a Map keeps insertion order).
  readonly #keys = new Map<number, true>();
  readonly #maxKeys: number;
  #nextId = 0;
  /** How many keys the worker itself last said it holds. */
  held = 0;
  /** Keys sent to the worker so far (each first use, and each use after being dropped). */
  handedOver = 0;
  broken = false;

  constructor(maxKeys: number) {
    this.#maxKeys = Math.max(1, maxKeys); // the key of the job being sent must fit
    this.#worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#worker.unref();
    this.#worker.on('message', (reply: { id: number; held: number; signature?: string; error?: string }) => {
      this.held = reply.held;
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
    if (this.#keys.delete(keyId)) {
      this.#keys.set(keyId, true);
    } else {
      if (this.#keys.size >= this.#maxKeys) {
        const oldest = this.#keys.keys().next().value!;
        this.#keys.delete(oldest);
        this.#worker.postMessage({ drop: oldest });
      }
      this.#worker.postMessage({ keyId, key });
      this.#keys.set(keyId, true);
      this.handedOver++;
    }
    const id = this.#nextId++;
    return new Promise<string>((resolve, reject) => {
      // Held while work is outstanding, so a script awaiting a pooled signature is not ended early.
      if (this.#jobs.size === 0) this.#worker.ref();
      this.#jobs.set(id, { resolve, reject });
      this.#worker.postMessage({ id, keyId, message });
    });
  }

  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

export interface SigningPoolOptions {
  /** Worker threads at most (0: every signature is made inline). */
  threads: number;
  /** Private keys one worker holds at most. */
  maxKeys: number;
}

// Past this many signatures queued on every worker, the calling thread signs too.
const MAX_PENDING = 64;
// Key ids outlive nothing: a KeyObject that is collected takes its id with it.
const keyIds = new WeakMap<KeyObject, number>();
let nextKeyId = 0;

export class SigningPool {
  readonly #options: SigningPoolOptions;
  readonly #workers: SigningWorker[] = [];
  #unavailable: boolean;

  constructor(options: SigningPoolOptions) {
    this.#options = options;
    this.#unavailable = options.threads <= 0;
  }

  /** Signs on a worker thread, or returns undefined when the caller should sign inline. */
  sign(key: KeyObject, message: string): Promise<string> | undefined {
    if (this.#unavailable) return undefined;
    const workers = this.#workers;
    let best: SigningWorker | undefined;
    for (const worker of workers) if (!worker.broken && (!best || worker.pending < best.pending)) best = worker;
    if ((!best || best.pending > 0) && workers.length < this.#options.threads) {
      try {
        best = new SigningWorker(this.#options.maxKeys);
        workers.push(best);
      } catch {
        this.#unavailable = true;
        return undefined;
      }
    }
    if (!best || best.broken) {
      this.#unavailable = workers.every((worker) => worker.broken);
      return undefined;
    }
    if (best.pending >= MAX_PENDING) return undefined;
    let keyId = keyIds.get(key);
    if (keyId === undefined) keyIds.set(key, (keyId = nextKeyId++));
    return best.sign(keyId, key, message);
  }

  /** Per worker: the keys it said it held at its last answer, and the keys sent to it so far. */
  stats(): { held: number; handedOver: number }[] {
    return this.#workers.map(({ held, handedOver }) => ({ held, handedOver }));
  }

  /** Ends the workers (a test's pool; the process-wide one is unref'd and never needs it). */
  async close(): Promise<void> {
    this.#unavailable = true;
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}

// One thread stays for sending, receiving and verifying; the rest may sign (at most 4).
const THREADS = Math.max(0, Math.min(4, availableParallelism() - 1, Number(process.env.WXPAY_SIGNING_THREADS ?? Infinity)));
// Enough for the merchants a process signs for at once; a key dropped and needed again costs one
// structured clone of a KeyObject (a few µs), far less than the signature.
const MAX_KEYS = 256;

let shared: SigningPool | undefined;

/** Signs on a process-wide worker thread, or returns undefined when the caller should sign inline. */
export function signOffThread(key: KeyObject, message: string): Promise<string> | undefined {
  return (shared ??= new SigningPool({ threads: THREADS, maxKeys: MAX_KEYS })).sign(key, message);
}
