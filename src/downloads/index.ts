// Bills, statements, e-receipts and the other file downloads: one call from the apply answer (or
// the download_url) to a Readable or a file. The request goes through the client's own axios
// instance (signed like every call); the bytes are counted, opened, gunzipped (within bounds on
// what gunzip produces) and hashed as they are written to a spool file, and only once every
// check passed does anything reach the caller: `toFile` renames the spool into place, `stream`
// reads it out. A forged, truncated or oversized file fails before its first byte is handed out.
import type { AxiosInstance, AxiosResponse } from 'axios';
import { AxiosError } from 'axios';
import { constants, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PassThrough, Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError, ParameterError, RequestError, WechatpayError } from '../errors.js';
import { internal } from '../signing/internal.js';
import { verifySignature, type VerifyContext } from '../signing/verify.js';
import { DigestCheck, GcmOpen, MaybeGunzip, Meter, PdfCheck, statementSignedText } from './checks.js';
import { DownloadError } from './errors.js';
import { resolveSource, type Digest, type DownloadSource, type Resolved } from './source.js';
import { header, signatureHeaders } from '../request/headers.js';

export { DownloadError, type DownloadBound, type DownloadCode } from './errors.js';
export type { DownloadSource, FileLink, FileList, StatementRequest } from './source.js';
export { readBill, BillReader, type BillKind, type BillRow, type TradeBillRow, type FundFlowBillRow, type BillSummary } from './bill-csv.js';

export interface DownloadOptions {
  /** Largest transfer accepted, in bytes as they arrive (default 1 GiB). */
  maxBytes?: number;
  /** Largest file accepted once gunzipped, in bytes (default 1 GiB); also what the spool may take on disk. */
  maxDecodedBytes?: number;
  /** Largest expansion gunzip may show, bytes out per byte in (default 100; bills compress 5–20×). */
  maxRatio?: number;
  /** Milliseconds without a byte before the transfer is abandoned (default 60 000; 0: never). */
  idleTimeout?: number;
  /** Called as bytes arrive: bytes so far, and the announced size when known. */
  onProgress?: (received: number, total: number | undefined) => void;
  signal?: AbortSignal;
  /** `stream()` only: the folder of the spool file the download is checked in (default the system's temporary folder). */
  spoolDir?: string;
}

export interface DownloadResult {
  /** Where the verified file now is. */
  path: string;
  /** Bytes written (after decryption and gunzip). */
  bytes: number;
  /** What proved the file: the signed digest, or nothing (files WeChat Pay documents no check for). */
  verified: 'digest' | 'pdf' | 'none';
  digest?: Digest;
}

export interface DownloadContext {
  axios: AxiosInstance;
  baseURL: string;
  mchid: string;
  privateKey: KeyObject;
  verify: Omit<VerifyContext, 'status' | 'requestId'>;
}

const DEFAULT_MAX = 1024 ** 3;
const DEFAULT_RATIO = 100;
const ERROR_BODY_LIMIT = 64 * 1024;

/** A source resolved and its key opened: everything that can be refused before sending. */
interface Prepared {
  resolved: Resolved;
  key: Buffer | undefined;
  options: Required<Pick<DownloadOptions, 'maxBytes' | 'maxDecodedBytes' | 'maxRatio' | 'idleTimeout'>> & DownloadOptions;
}

// File answers are not signed (their digest is checked instead); only the SDK's own flag says so.
const UNSIGNED = internal({ unsigned: true });

export class Downloads {
  readonly #context: DownloadContext;
  constructor(context: DownloadContext) {
    this.#context = context;
  }

  /**
   * The file as a Readable that gives out nothing before the whole file passed its checks: it is
   * first written to a spool file (in `spoolDir`, removed as soon as it is read out or the stream
   * is dropped), then read out. A forged, truncated or oversized file makes the stream error
   * (a DownloadError, ApiError or RequestError) before its first byte. A bad source throws here,
   * before anything is sent.
   */
  stream(source: DownloadSource, options: DownloadOptions = {}): Readable {
    const prepared = this.#prepare(source, options);
    const spool = join(options.spoolDir ?? tmpdir(), `.wxpay-chain-${randomBytes(8).toString('hex')}.part`);
    // Dropping the stream before the file was verified stops the transfer.
    const stop = new AbortController();
    const out = new PassThrough();
    let handedOver = false;
    out.once('close', () => {
      if (!handedOver) stop.abort();
    });
    this.#transfer(prepared, spool, stop.signal)
      .then(async () => {
        handedOver = true;
        if (out.destroyed) return void (await unlink(spool).catch(() => undefined));
        const handle = await open(spool, 'r');
        // POSIX keeps an unlinked file readable through the open handle: nothing is left behind
        // even if the process dies while the caller reads. Where that fails, it goes on close.
        const removed = await unlink(spool).then(() => true, () => false);
        const file = handle.createReadStream();
        if (!removed) file.once('close', () => void unlink(spool).catch(() => undefined));
        out.once('close', () => file.destroy());
        file.on('error', (error) => out.destroy(asDownloadError(error)));
        file.pipe(out);
      })
      .catch((error: unknown) => out.destroy(asDownloadError(error)));
    return out;
  }

  /** Downloads to `path`: written to a temporary name beside it, renamed once verified, removed on any failure. */
  async toFile(source: DownloadSource, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    const prepared = this.#prepare(source, options);
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
    const done = await this.#transfer(prepared, temporary, undefined);
    try {
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return { path, ...done };
  }

  #prepare(source: DownloadSource, options: DownloadOptions): Prepared {
    if (options === null || typeof options !== 'object') throw new ParameterError('options', 'expected download options such as { maxBytes }');
    const resolved = resolveSource(source, this.#context.baseURL, this.#context.mchid);
    const bound = (name: 'maxBytes' | 'maxDecodedBytes' | 'maxRatio', fallback: number) => {
      const value = options[name] ?? fallback;
      if (typeof value !== 'number' || !(value > 0)) throw new ParameterError(name, 'expected a positive number');
      return value;
    };
    const checked = { ...options, maxBytes: bound('maxBytes', DEFAULT_MAX), maxDecodedBytes: bound('maxDecodedBytes', DEFAULT_MAX), maxRatio: bound('maxRatio', DEFAULT_RATIO), idleTimeout: options.idleTimeout ?? 60_000 };
    const key = resolved.sealed ? this.#openKey(resolved.sealed.encryptKey) : undefined;
    return { resolved, key, options: checked };
  }

  /**
   * Downloads into `file` (created here, exclusively, readable by this user only) through every
   * check; resolves once all passed. On any failure the file is removed and the error thrown.
   */
  async #transfer(prepared: Prepared, file: string, stop: AbortSignal | undefined): Promise<Omit<DownloadResult, 'path'>> {
    const { resolved, key, options } = prepared;
    // The file is open before any byte can fail, so removing it on failure cannot race its creation.
    const handle: FileHandle = await open(file, 'wx', 0o600);
    const signals = [options.signal, stop].filter((signal): signal is AbortSignal => signal !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    let bytes = 0;
    try {
      const response = await this.#request(resolved, signal);
      let digest = resolved.digest;
      if (resolved.statement) digest = this.#statementDigest(response);
      const body = response.data as Readable;
      const length = Number(response.headers['content-length']);
      const stages: Transform[] = [
        new Meter({ maxBytes: options.maxBytes, idleTimeout: options.idleTimeout, expected: Number.isSafeInteger(length) && length >= 0 ? length : undefined, onProgress: options.onProgress }),
      ];
      if (key) stages.push(new GcmOpen(key, resolved.sealed!.nonce));
      stages.push(new MaybeGunzip({ maxDecodedBytes: options.maxDecodedBytes, maxRatio: options.maxRatio }));
      if (digest) stages.push(new DigestCheck(() => digest, digest.algorithm));
      if (resolved.pdf) stages.push(new PdfCheck());
      const counter = new PassThrough();
      counter.on('data', (chunk: Buffer) => (bytes += chunk.length));
      // Axios stops listening to the signal once the headers are in: the body is ours to stop.
      const onAbort = () => body.destroy(new RequestError('ERR_CANCELED', 'the download was aborted'));
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await pipeline([body, ...stages, counter, handle.createWriteStream()] as unknown as Parameters<typeof pipeline>[0][]);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      return { bytes, verified: digest ? 'digest' : resolved.pdf ? 'pdf' : 'none', ...(digest ? { digest } : {}) };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(file).catch(() => undefined);
      throw asDownloadError(error);
    }
  }

  async #request(resolved: Resolved, signal: AbortSignal | undefined): Promise<AxiosResponse> {
    try {
      return await this.#context.axios.request({
        method: 'get',
        baseURL: resolved.baseURL,
        url: resolved.url,
        headers: { Accept: '*/*', ...resolved.headers },
        responseType: 'stream',
        // The Meter bounds the transfer (maxBytes, a typed TOO_LARGE); axios's own bound for
        // answers (4 MiB) would cut every larger file.
        maxContentLength: -1,
        decompress: false,
        validateStatus: (status) => status >= 200 && status < 300,
        wechatpay: UNSIGNED,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw await this.#failure(error);
    }
  }

  // A refused download is a JSON error answer (signed like any other): read a bounded amount,
  // verify it when signed, and raise it as the ApiError a normal call would.
  async #failure(error: unknown): Promise<Error> {
    if (!(error instanceof AxiosError)) return asDownloadError(error);
    const response = error.response;
    if (!response) return new RequestError(error.code ?? 'REQUEST_FAILED', `download failed before a response arrived: ${error.code ?? error.message}`);
    const raw = await readBounded(response.data as Readable, ERROR_BODY_LIMIT).catch(() => Buffer.alloc(0));
    const requestId = header(response, 'request-id');
    const signature = signatureHeaders(response);
    let verified = false;
    if (signature.signature) {
      verifySignature({ ...this.#context.verify, status: response.status, requestId }, signature, raw);
      verified = true;
    }
    let data: unknown = raw.toString();
    try {
      data = JSON.parse(data as string);
    } catch {
      // an unsigned proxy page: kept as text
    }
    const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    return new ApiError({
      status: response.status,
      code: typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
      message: typeof body.message === 'string' ? body.message : 'download refused',
      detail: body.detail,
      requestId,
      verified,
      data,
    });
  }

  // The statement's digest arrives in a header, signed (as a JSON object) in place of the body it stands for.
  #statementDigest(response: AxiosResponse): Digest {
    const sha1 = header(response, 'wechatpay-statement-sha1');
    if (!sha1 || !/^[0-9a-fA-F]{40}$/.test(sha1)) {
      (response.data as Readable).destroy();
      throw new DownloadError('UNSIGNED_DIGEST', 'the statement came without a Wechatpay-Statement-Sha1 digest');
    }
    const signature = signatureHeaders(response);
    try {
      verifySignature({ ...this.#context.verify, status: response.status, requestId: header(response, 'request-id') }, signature, statementSignedText(sha1));
    } catch (error) {
      (response.data as Readable).destroy();
      throw new DownloadError('UNSIGNED_DIGEST', `the statement digest is not signed by WeChat Pay: ${(error as Error).message}`);
    }
    return { algorithm: 'sha1', value: sha1.toLowerCase() };
  }

  #openKey(sealed: string): Buffer {
    try {
      return privateDecrypt({ key: this.#context.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(sealed, 'base64'));
    } catch {
      throw new DownloadError('DECRYPT_FAILED', 'encrypt_key did not open under the merchant private key (is this bill for this merchant?)');
    }
  }
}

function asDownloadError(error: unknown): Error {
  if (error instanceof WechatpayError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_END') {
    return new DownloadError('TRUNCATED', 'the connection closed before the file was complete');
  }
  if (code === 'ABORT_ERR' || code === 'ERR_CANCELED') return new RequestError('ERR_CANCELED', 'the download was aborted');
  return new DownloadError('NETWORK', `the transfer failed: ${code ?? (error as Error | undefined)?.message ?? String(error)}`);
}

async function readBounded(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length > limit) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit);
}
