// Bills, statements, e-receipts and the other file downloads: one call from the apply answer (or
// the download_url) to a Readable or a file. The request goes through the client's own axios
// instance (signed like every call); the bytes are counted, opened, gunzipped and hashed as they
// stream, and the stream fails rather than end on anything unverified. A file target is written
// under a temporary name and renamed only once the digest matched.
import type { AxiosInstance, AxiosResponse } from 'axios';
import { AxiosError } from 'axios';
import { constants, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PassThrough, Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError, RequestError, WechatpayError } from '../errors.js';
import { internal } from '../signing/internal.js';
import { verifySignature, type VerifyContext } from '../signing/verify.js';
import { DigestCheck, GcmOpen, MaybeGunzip, Meter, PdfCheck, statementSignedText } from './checks.js';
import { DownloadError } from './errors.js';
import { resolveSource, type Digest, type DownloadSource, type Resolved } from './source.js';
import { header, signatureHeaders } from '../request/headers.js';

export { DownloadError, type DownloadCode } from './errors.js';
export type { DownloadSource, FileLink, FileList, StatementRequest } from './source.js';
export { readBill, BillReader, type BillKind, type BillRow, type TradeBillRow, type FundFlowBillRow, type BillSummary } from './bill-csv.js';

export interface DownloadOptions {
  /** Largest file accepted, in bytes (default 1 GiB). */
  maxBytes?: number;
  /** Milliseconds without a byte before the transfer is abandoned (default 60 000; 0: never). */
  idleTimeout?: number;
  /** Called as bytes arrive: bytes so far, and the announced size when known. */
  onProgress?: (received: number, total: number | undefined) => void;
  signal?: AbortSignal;
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
const ERROR_BODY_LIMIT = 64 * 1024;

/** One object per file, returned to the caller as the stream; `check` says what proved it. */
interface Started {
  stream: Readable;
  check: () => DownloadResult['verified'];
  digest: () => Digest | undefined;
}


// File answers are not signed (their digest is checked instead); only the SDK's own flag says so.
const UNSIGNED = internal({ unsigned: true });

export class Downloads {
  readonly #context: DownloadContext;
  constructor(context: DownloadContext) {
    this.#context = context;
  }

  /**
   * The file as a Readable of verified bytes: it errors (a DownloadError, ApiError or
   * RequestError) instead of ending when the digest does not match or the transfer breaks.
   * A bad source throws here, before anything is sent.
   */
  stream(source: DownloadSource, options: DownloadOptions = {}): Readable {
    return this.#start(source, options).stream;
  }

  /** Downloads to `path`: written to a temporary name beside it, renamed once verified, removed on any failure. */
  async toFile(source: DownloadSource, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    const started = this.#start(source, options);
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
    let bytes = 0;
    const counter = new PassThrough();
    counter.on('data', (chunk: Buffer) => (bytes += chunk.length));
    // The file is open before any byte can fail, so removing it on failure cannot race its creation.
    // A failure while the file opens is kept for the pipeline below, not left unhandled.
    let early: unknown;
    const keep = (error: unknown) => (early ??= error);
    started.stream.on('error', keep);
    let handle: FileHandle;
    try {
      handle = await open(temporary, 'wx');
    } catch (error) {
      started.stream.destroy();
      throw error;
    }
    try {
      if (early !== undefined) throw early;
      await pipeline(started.stream, counter, handle.createWriteStream());
      await rename(temporary, path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    const digest = started.digest();
    return { path, bytes, verified: started.check(), ...(digest ? { digest } : {}) };
  }

  #start(source: DownloadSource, options: DownloadOptions): Started {
    const resolved = resolveSource(source, this.#context.baseURL, this.#context.mchid);
    const key = resolved.sealed ? this.#openKey(resolved.sealed.encryptKey) : undefined;
    const out = new PassThrough();
    let digest = resolved.digest;
    this.#request(resolved, options)
      .then((response) => {
        if (resolved.statement) digest = this.#statementDigest(response);
        const body = response.data as Readable;
        const length = Number(response.headers['content-length']);
        const stages: Transform[] = [
          new Meter({
            maxBytes: options.maxBytes ?? DEFAULT_MAX,
            idleTimeout: options.idleTimeout ?? 60_000,
            expected: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
            onProgress: options.onProgress,
          }),
        ];
        if (key) stages.push(new GcmOpen(key, resolved.sealed!.nonce));
        stages.push(new MaybeGunzip());
        if (digest) stages.push(new DigestCheck(() => digest, digest.algorithm));
        if (resolved.pdf) stages.push(new PdfCheck());
        // `out` stays outside the pipeline, so it is failed with the error translated (a reset
        // socket is a TRUNCATED download) rather than with the pipeline's raw one.
        const last = stages.at(-1)!;
        last.pipe(out);
        // Axios stops listening to the signal once the headers are in: the body is ours to stop.
        const signal = options.signal;
        const onAbort = () => body.destroy(new RequestError('ERR_CANCELED', 'the download was aborted'));
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        return pipeline([body, ...stages] as unknown as Parameters<typeof pipeline>[0][])
          .catch((error: unknown) => {
            last.unpipe(out);
            out.destroy(asDownloadError(error));
          })
          .finally(() => signal?.removeEventListener('abort', onAbort));
      })
      .catch((error: unknown) => out.destroy(asDownloadError(error)));
    return {
      stream: out,
      check: () => (digest ? 'digest' : resolved.pdf ? 'pdf' : 'none'),
      digest: () => digest,
    };
  }

  async #request(resolved: Resolved, options: DownloadOptions): Promise<AxiosResponse> {
    try {
      return await this.#context.axios.request({
        method: 'get',
        baseURL: resolved.baseURL,
        url: resolved.url,
        headers: { Accept: '*/*', ...resolved.headers },
        responseType: 'stream',
        decompress: false,
        validateStatus: (status) => status >= 200 && status < 300,
        wechatpay: UNSIGNED,
        ...(options.signal ? { signal: options.signal } : {}),
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
