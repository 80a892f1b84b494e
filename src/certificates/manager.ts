// Keeps a client's platform certificates current: downloads `GET /v3/certificates`, opens and
// checks each certificate, verifies the download's own signature, and installs the result in
// the client's keyring. Refreshes run on a schedule and when a response is signed with a serial
// the keyring does not know, one at a time (single flight) and rate-limited after a failed or
// useless attempt, so an unknown serial can never cause a download loop.
import type { AxiosHeaders, AxiosInstance } from 'axios';
import type { X509Certificate } from 'node:crypto';
import type { Keyring, KeySource } from '../signing/keyring.js';
import type { PlatformKey } from '../signing/keys.js';
import { verifySignature, type SignatureHeaders } from '../signing/verify.js';
import { internal } from '../signing/internal.js';
import { bounded, StoreError } from '../bounded/store-call.js';
import { alarm, type Alarm } from './alarms.js';
import { CertificateError } from './errors.js';
import type { CertificateStore, StoredCertificates, StoreLease } from './store.js';
import { checkCertificate, openCertificateList, validity } from './validate.js';

export const CERTIFICATES_PATH = 'v3/certificates';

/** The raw, signed answer to `GET /v3/certificates`. */
export interface DownloadedAnswer {
  body: string;
  headers: SignatureHeaders;
  status: number;
  requestId?: string | undefined;
}

export interface CertificateManagerOptions {
  mchid: string;
  apiv3Key: Buffer;
  keyring: Keyring;
  /** Sends the signed GET; must not verify the answer (that needs the certificates it carries). */
  download: () => Promise<DownloadedAnswer>;
  store: CertificateStore;
  /** Milliseconds any one store call may take before it counts as failed (StoreError STORE_TIMEOUT). */
  storeTimeout?: number;
  /** Milliseconds a refresh lock is held at most (a store with `lock`); a dead holder blocks no longer. */
  lockTtl?: number;
  /** Milliseconds between scheduled refreshes; 0 disables the schedule. */
  refreshInterval: number;
  /** Milliseconds to wait after a failed or useless refresh before an unknown serial may trigger another. */
  minInterval: number;
  maxClockSkew: number;
  ca?: X509Certificate | undefined;
  onError?: ((error: Error) => void) | undefined;
  now?: () => number;
}

type FlightKind = 'scheduled' | 'demand' | 'explicit';

export interface RefreshEvent {
  at: Date;
  /** `download` or `store`. */
  source: 'download' | 'store';
  serials: string[];
}

export class CertificateManager implements KeySource {
  readonly #options: CertificateManagerOptions;
  readonly #now: () => number;
  #inflight: { kind: FlightKind; promise: Promise<PlatformKey[]> } | undefined;
  #blockedUntil = 0;
  #schedule: Alarm | undefined;
  #expiry: Alarm | undefined;
  #downloads = 0;
  #last: RefreshEvent | undefined;
  #lastError: Error | undefined;
  #stopped = false;

  constructor(options: CertificateManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#scheduleNext(options.refreshInterval);
    this.sweep();
  }

  /** How many times `v3/certificates` was requested by this client. */
  get downloads(): number {
    return this.#downloads;
  }

  /** The last successful refresh. */
  get lastRefresh(): RefreshEvent | undefined {
    return this.#last;
  }

  /** The last failure, cleared by the next success. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** The platform certificates in the keyring, newest first. */
  list(): { serial: string; notBefore: Date; notAfter: Date; certificate: X509Certificate }[] {
    return this.#options.keyring
      .values()
      .filter((key) => key.certificate)
      .map((key, index) => ({ serial: key.id, ...dates(key.certificate!), certificate: key.certificate!, index }))
      // Newest first; certificates issued in the same second: the one installed last first.
      .sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime() || b.index - a.index)
      .map(({ index: _index, ...entry }) => entry);
  }

  /**
   * The keyring's refresh hook. With `unknownSerial`: fetch certificates because a response
   * named that serial (shares a running refresh, honours the rate limit, never throws for a
   * rate-limited call). Without: download now (shares a running download) and throw on failure.
   */
  async refresh(reason: { unknownSerial?: string } = {}): Promise<PlatformKey[]> {
    const serial = reason.unknownSerial;
    if (serial === undefined) return this.#join('explicit');
    const ring = this.#options.keyring;
    if (ring.get(serial)) return [];
    const running = this.#inflight;
    if (running) {
      await running.promise.catch((error: unknown) => {
        if (running.kind !== 'scheduled') throw error;
      });
      // A scheduled refresh that started before this serial appeared may have missed it.
      if (ring.get(serial) || running.kind !== 'scheduled') return [];
      if (this.#inflight) return this.#inflight.promise.then(() => [], () => []);
    }
    if (this.#now() < this.#blockedUntil) return [];
    return this.#start('demand', serial);
  }

  /** Makes sure there is at least one platform certificate, from the store or a download. */
  async ensure(): Promise<void> {
    if (this.#options.keyring.values().some((key) => key.certificate)) return;
    if (this.#inflight) {
      await this.#inflight.promise;
      return;
    }
    if (this.#now() < this.#blockedUntil && this.#lastError) throw this.#lastError;
    await this.#start('demand');
  }

  /** Stops the schedule (timers are unref'd, so a process exits without calling this). */
  stop(): void {
    this.#stopped = true;
    this.#schedule?.cancel();
    this.#expiry?.cancel();
  }

  #join(kind: FlightKind): Promise<PlatformKey[]> {
    return this.#inflight ? this.#inflight.promise : this.#start(kind);
  }

  #start(kind: FlightKind, serial?: string): Promise<PlatformKey[]> {
    const promise = this.#fly(kind, serial).finally(() => {
      if (this.#inflight?.promise === promise) this.#inflight = undefined;
    });
    this.#inflight = { kind, promise };
    return promise;
  }

  async #fly(kind: FlightKind, serial: string | undefined): Promise<PlatformKey[]> {
    await null;
    const ring = this.#options.keyring;
    try {
      const keys = (kind !== 'explicit' && (await this.#fromStore(kind, serial))) || (await this.#shared(kind, serial));
      for (const key of keys) ring.set(key);
      this.sweep();
      this.#lastError = undefined;
      if (serial !== undefined && !ring.get(serial)) this.#blockedUntil = this.#now() + this.#options.minInterval;
      return keys;
    } catch (error) {
      this.#blockedUntil = this.#now() + this.#options.minInterval;
      this.#lastError = error as Error;
      throw error;
    }
  }

  /** Stored certificates, when they answer the need without a download. */
  async #fromStore(kind: FlightKind, serial: string | undefined, since = Infinity): Promise<PlatformKey[] | undefined> {
    let stored: StoredCertificates | undefined;
    try {
      const { store, mchid } = this.#options;
      stored = await bounded('certificates.read', this.#storeTimeout, () => store.read(mchid));
    } catch (error) {
      this.#report(error);
      return undefined;
    }
    if (!stored) return undefined;
    const now = this.#now();
    const keys: PlatformKey[] = [];
    for (const entry of stored.certificates) {
      try {
        keys.push(checkCertificate(entry.serial, entry.pem, { now, ca: this.#options.ca }));
      } catch {
        // An expired or unacceptable stored certificate is simply not used.
      }
    }
    if (keys.length === 0) return undefined;
    const age = now - stored.updatedAt;
    // A time stamp from the future (a wrong clock, a bad write) would make the entry look fresh
    // forever and freeze the schedule: past the tolerated clock difference it counts as stale.
    const future = age < -this.#options.maxClockSkew * 1000;
    if (future) this.#report(new StoreError('STORE_FAILED', 'certificates.read', `updatedAt ${new Date(stored.updatedAt).toISOString()} is in the future; treated as stale`));
    const fresh = !future && age < this.#options.refreshInterval;
    // Written since `since`: another process just finished the download this one waited for; even
    // without the serial it is the answer (that download was useless), not a reason to repeat it.
    const useful = stored.updatedAt >= since || (serial !== undefined ? keys.some((key) => key.id === serial.toUpperCase()) : kind === 'demand' || fresh);
    if (!useful) return undefined;
    this.#last = { at: new Date(now), source: 'store', serials: keys.map((key) => key.id) };
    return keys;
  }

  get #storeTimeout(): number {
    return this.#options.storeTimeout ?? DEFAULT_STORE_TIMEOUT;
  }

  /**
   * Downloads once across every process sharing a store that has `lock`: the lock holder downloads
   * and writes, the others wait for the result to appear in the store. A holder that dies leaves a
   * lock that expires after `lockTtl`; a store that fails or does not answer leaves this process
   * to download on its own (still single-flight and rate-limited here).
   */
  async #shared(kind: FlightKind, serial: string | undefined): Promise<PlatformKey[]> {
    const { store, mchid } = this.#options;
    if (kind === 'explicit' || typeof store.lock !== 'function') return this.#download();
    const ttl = this.#options.lockTtl ?? DEFAULT_LOCK_TTL;
    const poll = Math.min(1000, Math.max(20, ttl / 10));
    // Past one full lock lifetime after the current holder's would have ended, stop waiting.
    const since = this.#now();
    const giveUp = since + 2 * ttl + poll;
    for (;;) {
      let lease: StoreLease | undefined;
      try {
        lease = await bounded('certificates.lock', this.#storeTimeout, () => store.lock!(mchid, ttl));
      } catch (error) {
        this.#report(error);
        return this.#download();
      }
      if (lease) return this.#holding(lease, kind, serial);
      // Unref'd, as every timer of the client: waiting on another process's download keeps no process alive.
      await new Promise((resolve) => setTimeout(resolve, poll).unref());
      const stored = await this.#fromStore(kind, serial, since);
      if (stored) return stored;
      if (this.#now() > giveUp) return this.#download();
    }
  }

  async #holding(lease: StoreLease, kind: FlightKind, serial: string | undefined): Promise<PlatformKey[]> {
    try {
      // The previous holder may have written what is needed between our read and our lock.
      return (await this.#fromStore(kind, serial)) ?? (await this.#download(lease));
    } finally {
      await bounded('certificates.unlock', this.#storeTimeout, () => lease.release()).catch((error: unknown) => this.#report(error));
    }
  }

  async #download(lease?: StoreLease): Promise<PlatformKey[]> {
    const { apiv3Key, ca, keyring, maxClockSkew, store, mchid } = this.#options;
    this.#downloads++;
    const answer = await this.#options.download();
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new CertificateError('BAD_RESPONSE', 'v3/certificates did not answer with JSON');
    }
    const now = this.#now();
    const { accepted, rejected } = openCertificateList(body, { apiv3Key, now, ca });
    for (const error of rejected) this.#report(error);
    if (accepted.length === 0) {
      throw rejected[0] ?? new CertificateError('NO_VALID_CERTIFICATE', 'v3/certificates listed no certificate');
    }
    // The answer is signed by one of the certificates it delivers (the first download can only
    // be checked that way; the AEAD envelope under the APIv3 key is what makes them trusted).
    const delivered = new Map(accepted.map((key) => [key.id, key]));
    verifySignature(
      { platformKeys: { get: (id) => delivered.get(id.toUpperCase()) ?? keyring.get(id) }, maxClockSkew, status: answer.status, requestId: answer.requestId },
      answer.headers,
      answer.body,
    );
    this.#last = { at: new Date(now), source: 'download', serials: accepted.map((key) => key.id) };
    try {
      const value = { updatedAt: now, certificates: accepted.map((key) => ({ serial: key.id, pem: key.certificate!.toString() })) };
      await bounded('certificates.write', this.#storeTimeout, () => store.write(mchid, value, lease));
    } catch (error) {
      this.#report(error);
    }
    return accepted;
  }

  /** Drops expired certificates and arms a timer for the next expiry. @internal */
  sweep(): void {
    const ring = this.#options.keyring;
    const now = this.#now();
    let next = Infinity;
    for (const key of ring.values()) {
      if (!key.certificate) continue;
      const { notAfter } = validity(key.certificate);
      if (!(notAfter > now)) ring.delete(key.id);
      else next = Math.min(next, notAfter);
    }
    this.#expiry?.cancel();
    this.#expiry = undefined;
    // The alarms hold the manager weakly: a client that is dropped is not kept alive by them.
    if (next !== Infinity && !this.#stopped) this.#expiry = alarm(this, next - now + 1, sweep);
  }

  #scheduleNext(delay: number): void {
    if (!(delay > 0) || this.#stopped) return;
    this.#schedule?.cancel();
    this.#schedule = alarm(this, delay, tick);
  }

  /** One scheduled refresh, then the next one scheduled. @internal */
  tick(): void {
    // A client that trusts only the WeChat Pay public key has no certificates to keep current.
    const keys = this.#options.keyring.values();
    if (keys.length > 0 && keys.every((key) => !key.certificate)) return this.#scheduleNext(this.#options.refreshInterval);
    const tick = this.#inflight ? this.#inflight.promise : this.#start('scheduled');
    tick.then(
      () => this.#scheduleNext(this.#options.refreshInterval),
      (error: unknown) => {
        this.#report(error);
        // Retry sooner than a full interval, but no sooner than the rate limit allows.
        this.#scheduleNext(Math.min(this.#options.refreshInterval, Math.max(this.#options.minInterval, 1000)));
      },
    );
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A throwing error handler must not break refreshing.
    }
  }
}

const DEFAULT_STORE_TIMEOUT = 2000;
const DEFAULT_LOCK_TTL = 30_000;
const sweep = (manager: CertificateManager) => manager.sweep();
const tick = (manager: CertificateManager) => manager.tick();

function dates(certificate: X509Certificate): { notBefore: Date; notAfter: Date } {
  const { notBefore, notAfter } = validity(certificate);
  return { notBefore: new Date(notBefore), notAfter: new Date(notAfter) };
}

/** Sends `GET /v3/certificates` through the client's own axios instance (signed, not verified). */
export function downloader(axios: AxiosInstance): () => Promise<DownloadedAnswer> {
  return async () => {
    const response = await axios.request<string>({
      method: 'get',
      url: CERTIFICATES_PATH,
      headers: { Accept: 'application/json' },
      // 2xx answers come back raw and unverified (checked above, with what they deliver); error
      // answers are verified by the transport as usual, without asking this manager again.
      wechatpay: internal({ unsigned: true, noRefresh: true }),
    });
    const headers = response.headers as AxiosHeaders;
    const get = (name: string) => {
      const value = headers.get?.(name) ?? (headers as Record<string, unknown>)[name.toLowerCase()];
      return value === undefined || value === null ? undefined : String(value);
    };
    return {
      body: typeof response.data === 'string' ? response.data : Buffer.isBuffer(response.data) ? (response.data as Buffer).toString() : JSON.stringify(response.data),
      headers: { timestamp: get('Wechatpay-Timestamp'), nonce: get('Wechatpay-Nonce'), signature: get('Wechatpay-Signature'), serial: get('Wechatpay-Serial') },
      status: response.status,
      requestId: get('Request-ID'),
    };
  };
}

/** The first moment after `now` at which `encryptionKey(keys)` may choose differently (a certificate starts or ends). */
export function nextValidityChange(keys: PlatformKey[], now = Date.now()): number {
  let next = Infinity;
  for (const key of keys) {
    if (!key.certificate) continue;
    const { notBefore, notAfter } = validity(key.certificate);
    if (notBefore > now && notBefore < next) next = notBefore;
    if (notAfter > now && notAfter < next) next = notAfter;
  }
  return next;
}

/** The key sensitive fields are encrypted under: the WeChat Pay public key when the client has
 * one, else the currently valid platform certificate that became valid most recently. */
export function encryptionKey(keys: PlatformKey[], now = Date.now()): PlatformKey | undefined {
  const publicKey = keys.find((key) => !key.certificate);
  if (publicKey) return publicKey;
  let best: PlatformKey | undefined;
  let bestFrom = -Infinity;
  for (const key of keys) {
    const { notBefore, notAfter } = validity(key.certificate!);
    // Ties (certificates issued in the same second) go to the one installed last.
    if (notBefore <= now && now < notAfter && notBefore >= bestFrom) {
      best = key;
      bestFrom = notBefore;
    }
  }
  return best;
}
