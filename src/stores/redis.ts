// Shared state on Redis, for a merchant served by several processes: the platform certificates
// and a refresh lock (so one process downloads a rotation and the others read it), and the
// notification replay store with its notification-id guard (so a notification is accepted once,
// and handled once, across all of them).
//
// Redis 6.0 or later: the stores use GET, SET with NX and PX, DEL, INCR and EVAL (Lua) only.
// Every expiry is relative (PX), computed on this process's clock: Redis's own clock never
// decides how long a nonce or a notification id is kept.
//
// The client is ioredis, an optional peer dependency loaded on first use; or bring your own
// connection: anything with ioredis' `call(command, ...args)` works (an ioredis `Redis` or
// `Cluster`, or a two-line wrapper around node-redis' `sendCommand`). Every call these stores
// make is bounded by the client's `storeTimeout`; when Redis is down, the replay store fails
// closed (503) and the certificate path keeps the keys the process already holds.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CertificateStore, StoredCertificates, StoreLease } from '../certificates/store.js';
import { ConfigError } from '../errors.js';
import { packageDir } from '../here.js';
import type { Begun, NonceStore, NotificationLedger } from '../webhooks/nonces.js';

/** The one method these stores use: ioredis' generic command call. */
export interface RedisCommands {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** A connected client (an ioredis `Redis`), shared with the rest of the application. */
  client?: RedisCommands;
  /** `redis://…` URL: an ioredis client is made on first use (then `close()` ends it). */
  url?: string;
  /** Key prefix (default `wxpay:`), to share one Redis database with other data. */
  prefix?: string;
  /** Told of connection errors of a client made from `url` (every failed call is reported by the SDK anyway). */
  onError?: (error: Error) => void;
}

interface OwnClient extends RedisCommands {
  readonly status: string;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
type RedisConstructor = new (url: string, options: Record<string, unknown>) => OwnClient;

const load = createRequire(join(packageDir, 'index.js'));

/** One Redis connection (given, or made from a URL on first use) and a key prefix. */
export class RedisConnection {
  readonly prefix: string;
  readonly #given: RedisCommands | undefined;
  readonly #url: string | undefined;
  readonly #onError: ((error: Error) => void) | undefined;
  #own: OwnClient | undefined;
  #connected: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigError('redis', 'expected { client } or { url }');
    const { client, url, prefix = 'wxpay:', onError } = options;
    if (client !== undefined && typeof client?.call !== 'function') {
      throw new ConfigError('redis.client', 'expected a Redis client with call(command, ...args), e.g. new Redis() from ioredis');
    }
    if (client === undefined) {
      if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) throw new ConfigError('redis.url', 'expected a redis:// or rediss:// URL, or pass { client }');
      try {
        load.resolve('ioredis');
      } catch {
        throw new ConfigError('redis.url', 'making a Redis connection needs the ioredis package: npm install ioredis (or pass { client })');
      }
    }
    if (typeof prefix !== 'string') throw new ConfigError('redis.prefix', 'expected a string');
    this.#given = client;
    this.#url = url;
    this.#onError = onError;
    this.prefix = prefix;
  }

  async call(command: string, ...args: (string | number)[]): Promise<unknown> {
    const client = this.#client();
    if (this.#connected && this.#own?.status !== 'ready') await this.#connected;
    return client.call(command, ...args);
  }

  /** Ends the connection this object made from `url`; a given client is left to its owner. */
  async close(): Promise<void> {
    const own = this.#own;
    this.#own = undefined;
    await own?.quit().catch(() => undefined);
  }

  #client(): RedisCommands {
    if (this.#given) return this.#given;
    if (!this.#own) {
      const loaded = load('ioredis') as RedisConstructor & { default?: RedisConstructor };
      const Redis = loaded.default ?? loaded;
      // No offline queue: while Redis is away a command fails at once (the replay store answers
      // 503 straight away) instead of waiting to run minutes later, when a claim it makes would
      // refuse WeChat Pay's retry as a replay. The first connection is awaited (see call()).
      const own = new Redis(this.#url!, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 1, enableAutoPipelining: true });
      own.on('error', (error) => this.#onError?.(error));
      this.#connected = own.connect().catch(() => undefined);
      this.#own = own;
    }
    return this.#own;
  }
}

// Takes the lock only when free, with a fencing token that grows with every attempt.
const LOCK = `local token = redis.call('INCR', KEYS[2])
if redis.call('SET', KEYS[1], token, 'NX', 'PX', ARGV[1]) then return token end
return 0`;
// Deletes a key only while it holds this holder's value.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
// Writes unless a newer lease has written since (a holder that outlived its lock loses).
const FENCED_WRITE = `if ARGV[2] ~= '' then
  local seen = tonumber(redis.call('GET', KEYS[2]) or '0')
  if tonumber(ARGV[2]) < seen then return 0 end
  redis.call('SET', KEYS[2], ARGV[2])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

function connectionOf(options: RedisStoreOptions | RedisConnection): RedisConnection {
  return options instanceof RedisConnection ? options : new RedisConnection(options);
}

/** Platform certificates on Redis (`<prefix>certificates:<mchid>`), with the refresh lock. */
export class RedisCertificateStore implements CertificateStore {
  readonly connection: RedisConnection;

  constructor(options: RedisStoreOptions | RedisConnection) {
    this.connection = connectionOf(options);
  }

  #key(kind: string, mchid: string): string {
    return `${this.connection.prefix}${kind}:${mchid}`;
  }

  async read(mchid: string): Promise<StoredCertificates | undefined> {
    const text = await this.connection.call('GET', this.#key('certificates', mchid));
    if (text === null || text === undefined) return undefined;
    const value = JSON.parse(String(text)) as StoredCertificates;
    if (typeof value?.updatedAt !== 'number' || !Array.isArray(value.certificates)) throw new Error(`${this.#key('certificates', mchid)} does not hold stored certificates`);
    return value;
  }

  async write(mchid: string, value: StoredCertificates, lease?: StoreLease): Promise<void> {
    const keys = [this.#key('certificates', mchid), this.#key('certificates-fence', mchid)];
    await this.connection.call('EVAL', FENCED_WRITE, 2, ...keys, JSON.stringify(value), lease ? lease.token : '');
  }

  async lock(mchid: string, ttl: number): Promise<StoreLease | undefined> {
    const key = this.#key('refresh-lock', mchid);
    const token = Number(await this.connection.call('EVAL', LOCK, 2, key, this.#key('refresh-token', mchid), Math.max(1, Math.round(ttl))));
    if (!(token > 0)) return undefined;
    return { token, release: async () => void (await this.connection.call('EVAL', RELEASE, 1, key, String(token))) };
  }
}

// Marks a notification id in progress unless a delivery handled it or is handling it; returns
// what was there ('' when this caller may run the handler).
const BEGIN = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ''`;

/**
 * Accepted notification nonces on Redis (`<prefix>nonce:<nonce>`, kept for what is left of the
 * notification's time window): `SET NX PX`, so one process among many accepts a notification.
 * `release` removes only a claim this store made, so giving back a claim whose answer was lost
 * can never free another process's. Also the notification-id guard
 * (`<prefix>notification:<id>`): in progress for a lease while a handler runs, then the reply
 * for as long as WeChat Pay may deliver the notification again.
 */
export class RedisNonceStore implements NonceStore, NotificationLedger {
  readonly connection: RedisConnection;
  readonly #mine = new Map<string, { token: string; expiresAt: number }>();

  constructor(options: RedisStoreOptions | RedisConnection) {
    this.connection = connectionOf(options);
  }

  async claim(nonce: string, expiresAt: number): Promise<boolean> {
    this.#prune();
    const token = randomBytes(12).toString('base64url');
    const known = this.#mine.get(nonce);
    // Recorded before the answer: a claim whose answer is lost can still be given back.
    if (!known) this.#mine.set(nonce, { token, expiresAt });
    // What is left of the window on this process's clock (the clock that accepted the timestamp),
    // at least a second.
    const ttl = Math.max(1000, Math.ceil(expiresAt * 1000 - Date.now()));
    const answer = await this.connection.call('SET', `${this.connection.prefix}nonce:${nonce}`, token, 'NX', 'PX', ttl);
    if (answer === 'OK') this.#mine.set(nonce, { token, expiresAt });
    else if (this.#mine.get(nonce)?.token === token) this.#mine.delete(nonce);
    return answer === 'OK';
  }

  async release(nonce: string): Promise<void> {
    const mine = this.#mine.get(nonce);
    if (!mine) return;
    await this.connection.call('EVAL', RELEASE, 1, `${this.connection.prefix}nonce:${nonce}`, mine.token);
    this.#mine.delete(nonce);
  }

  async begin(id: string, leaseMs: number): Promise<Begun> {
    const token = `p:${randomBytes(12).toString('base64url')}`;
    const found = String((await this.connection.call('EVAL', BEGIN, 1, this.#notification(id), token, Math.max(1, Math.round(leaseMs)))) ?? '');
    if (found === '') return { state: 'start', token };
    if (found.startsWith('h:')) return { state: 'handled', reply: found.slice(2) };
    return { state: 'in-progress' };
  }

  async finish(id: string, token: string, outcome: { reply: string } | 'failed', keepMs: number): Promise<void> {
    if (outcome === 'failed') {
      await this.connection.call('EVAL', RELEASE, 1, this.#notification(id), token);
      return;
    }
    await this.connection.call('SET', this.#notification(id), `h:${outcome.reply}`, 'PX', Math.max(1, Math.round(keepMs)));
  }

  #notification(id: string): string {
    return `${this.connection.prefix}notification:${id}`;
  }

  /** Forget tokens whose claims have expired in Redis (claims go in roughly in expiry order). */
  #prune(): void {
    const now = Date.now() / 1000;
    for (const [nonce, { expiresAt }] of this.#mine) {
      if (expiresAt > now) break;
      this.#mine.delete(nonce);
    }
  }
}

/** The three on one connection: `certificates` (with its lock), `nonces`, and `close()`. */
export function redisStores(options: RedisStoreOptions): { certificates: RedisCertificateStore; nonces: RedisNonceStore; connection: RedisConnection; close(): Promise<void> } {
  const connection = new RedisConnection(options);
  return { certificates: new RedisCertificateStore(connection), nonces: new RedisNonceStore(connection), connection, close: () => connection.close() };
}
