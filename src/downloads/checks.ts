// The stages a download's bytes pass through on their way to the spool file, each a Transform
// that fails the transfer: a meter (size bound, idle deadline, progress), the GCM opener of
// sealed bills, gunzip (with its own bounds on what it produces), and the digest, compared when
// the last byte has passed. Nothing leaves the spool for the caller before all of them passed.
import { createDecipheriv, createHash, timingSafeEqual, type DecipherGCM, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DownloadError } from './errors.js';
import type { Digest } from './source.js';

export interface MeterOptions {
  maxBytes: number;
  /** Milliseconds without a byte before the transfer is abandoned (0: never). */
  idleTimeout: number;
  /** The Content-Length announced, when there is one: fewer bytes is a truncated transfer. */
  expected?: number | undefined;
  onProgress?: ((received: number, total: number | undefined) => void) | undefined;
}

/** Counts what arrives: too much, too little, or nothing for too long is an error. */
export class Meter extends Transform {
  received = 0;
  #timer: NodeJS.Timeout | undefined;
  constructor(readonly options: MeterOptions) {
    super();
    this.#arm();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    this.#arm();
    if (this.received > this.options.maxBytes) {
      return done(new DownloadError('TOO_LARGE', `more than maxBytes (${this.options.maxBytes} bytes) arrived; if the file is genuine, pass a larger { maxBytes } to the download`, 'maxBytes'));
    }
    this.options.onProgress?.(this.received, this.options.expected);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    this.#disarm();
    const { expected } = this.options;
    if (expected !== undefined && this.received < expected) {
      return done(new DownloadError('TRUNCATED', `the transfer ended after ${this.received} of ${expected} bytes`));
    }
    done();
  }
  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.#disarm();
    done(error);
  }
  // Called per chunk: one timer per download, pushed back with refresh() rather than replaced.
  #arm(): void {
    if (!(this.options.idleTimeout > 0)) return;
    if (this.#timer) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => this.destroy(new DownloadError('IDLE_TIMEOUT', `no data for ${this.options.idleTimeout} ms`)), this.options.idleTimeout);
    this.#timer.unref();
  }
  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

const TAG = 16;

/** AES-256-GCM over the whole file, its 16-byte tag last: the last 16 bytes seen are held back. */
export class GcmOpen extends Transform {
  readonly #decipher: DecipherGCM;
  #tail = Buffer.alloc(0);
  constructor(key: Buffer, nonce: string) {
    super();
    if (key.length !== 32) throw new DownloadError('DECRYPT_FAILED', `the bill key opened to ${key.length} bytes, not the 32 of AES-256`);
    this.#decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'), { authTagLength: TAG });
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const all = this.#tail.length ? Buffer.concat([this.#tail, chunk]) : chunk;
    const cut = Math.max(0, all.length - TAG);
    this.#tail = Buffer.from(all.subarray(cut));
    done(null, cut > 0 ? this.#decipher.update(all.subarray(0, cut)) : undefined);
  }
  override _flush(done: TransformCallback): void {
    if (this.#tail.length < TAG) return done(new DownloadError('DECRYPT_FAILED', 'the sealed bill is shorter than its GCM tag'));
    try {
      this.#decipher.setAuthTag(this.#tail);
      done(null, this.#decipher.final());
    } catch {
      done(new DownloadError('DECRYPT_FAILED', 'the sealed bill failed its GCM tag check (altered, or the wrong key or nonce)'));
    }
  }
}

export interface DecodeBounds {
  /** Largest number of bytes gunzip may produce. */
  maxDecodedBytes: number;
  /** Largest expansion: bytes produced per byte taken in (checked past the first MiB produced). */
  maxRatio: number;
}

// Below this much output a high ratio is harmless (a short bill of repeated fields compresses well).
const RATIO_FLOOR = 1024 * 1024;

/**
 * Gunzips when the data starts with the gzip magic (a `tartype=GZIP` bill, a gzip transfer), else
 * passes it on; either way what leaves is counted against the decoded bounds, so a small answer
 * cannot become a huge file.
 */
export class MaybeGunzip extends Transform {
  #mode: 'sniff' | 'plain' | 'gzip' = 'sniff';
  #head = Buffer.alloc(0);
  #gunzip: Transform | undefined;
  #taken = 0;
  #produced = 0;
  constructor(readonly bounds: DecodeBounds) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#taken += chunk.length;
    if (this.#mode === 'sniff') {
      this.#head = Buffer.concat([this.#head, chunk]);
      if (this.#head.length < 2) return done();
      chunk = this.#head;
      this.#head = Buffer.alloc(0);
      this.#mode = chunk[0] === 0x1f && chunk[1] === 0x8b ? 'gzip' : 'plain';
      if (this.#mode === 'gzip') this.#start();
    }
    if (this.#mode === 'plain') return done(this.#count(chunk.length), chunk);
    this.#gunzip!.write(chunk, (error) => done(error ? gzipError() : null));
  }
  override _flush(done: TransformCallback): void {
    if (this.#mode === 'sniff') return done(this.#count(this.#head.length), this.#head.length ? this.#head : undefined);
    if (this.#mode === 'plain') return done();
    this.#gunzip!.once('end', () => done());
    this.#gunzip!.end();
  }
  /** Counts `length` more bytes out; the error naming the bound crossed, if one was. */
  #count(length: number): DownloadError | null {
    this.#produced += length;
    const { maxDecodedBytes, maxRatio } = this.bounds;
    if (this.#produced > maxDecodedBytes) {
      return new DownloadError(
        'DECODED_TOO_LARGE',
        `the file decodes to more than maxDecodedBytes (${maxDecodedBytes} bytes); if it is genuine, pass a larger { maxDecodedBytes } to the download`,
        'maxDecodedBytes',
      );
    }
    if (this.#produced > RATIO_FLOOR && this.#produced > maxRatio * this.#taken) {
      return new DownloadError(
        'DECODED_TOO_LARGE',
        `the gzip data expands more than maxRatio (${maxRatio}) times (${this.#taken} bytes became over ${this.#produced}): a compression bomb, or pass a larger { maxRatio } to the download`,
        'maxRatio',
      );
    }
    return null;
  }
  #start(): void {
    const gunzip = createGunzip();
    this.#gunzip = gunzip;
    gunzip.on('data', (data: Buffer) => {
      const over = this.#count(data.length);
      if (over) {
        gunzip.destroy();
        this.destroy(over);
        return;
      }
      // Backpressure: stop decompressing while the reader is behind.
      if (!this.push(data)) gunzip.pause();
    });
    gunzip.on('error', () => this.destroy(gzipError()));
  }
  override _read(size: number): void {
    this.#gunzip?.resume();
    super._read(size);
  }
}

function gzipError(): DownloadError {
  return new DownloadError('BAD_GZIP', 'the gzip data is corrupt or incomplete');
}

/** Hashes what passes; at the end, anything but the expected digest is an error. */
export class DigestCheck extends Transform {
  readonly #hash: Hash;
  constructor(readonly expected: () => Digest | undefined, algorithm: Digest['algorithm']) {
    super();
    this.#hash = createHash(algorithm);
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#hash.update(chunk);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    const expected = this.expected();
    const actual = this.#hash.digest();
    const wanted = Buffer.from(expected?.value ?? '', 'hex');
    if (!expected || wanted.length !== actual.length || !timingSafeEqual(wanted, actual)) {
      return done(new DownloadError('DIGEST_MISMATCH', `the file's ${expected?.algorithm ?? 'digest'} is ${actual.toString('hex')}, not the ${expected?.value ?? '(none)'} WeChat Pay signed`));
    }
    done();
  }
}

/** The first bytes must open a PDF (the fapiao download's only prescribed content). */
export class PdfCheck extends Transform {
  #checked = false;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.#checked) {
      this.#checked = true;
      if (chunk.subarray(0, 5).toString('latin1') !== '%PDF-') return done(new DownloadError('BAD_FORMAT', 'the fapiao file is not a PDF'));
    }
    done(null, chunk);
  }
}

/**
 * What WeChat Pay signs for a statement (HK / global): not the file, nor the bare digest, but the
 * JSON object `{"sha1":"<Wechatpay-Statement-Sha1>"}` made of the header as sent.
 */
export function statementSignedText(sha1: string): string {
  return `{"sha1":"${sha1}"}`;
}
