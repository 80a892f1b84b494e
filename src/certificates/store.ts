// Where downloaded platform certificates are kept so that several processes (or several
// clients) of one merchant share them instead of each downloading its own. Certificates are
// public, but whoever can write the store decides what the client trusts: treat it like the
// `certs` configuration.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredCertificate {
  /** Upper-case hex serial, as in `Wechatpay-Serial`. */
  serial: string;
  /** The decrypted certificate, PEM. */
  pem: string;
}

export interface StoredCertificates {
  /** When these were downloaded and verified, epoch milliseconds. */
  updatedAt: number;
  certificates: StoredCertificate[];
}

/**
 * Where certificates are kept. `read` and `write` are all a store needs; a store shared by several
 * processes may also offer `lock`, so that one of them downloads a rotation and the others take
 * it from the store. Every call is bounded by `certificates.storeTimeout`.
 */
export interface CertificateStore {
  read(mchid: string): Promise<StoredCertificates | undefined>;
  /** With `lease`: refuse (resolve without writing) when a newer lease has written since. */
  write(mchid: string, value: StoredCertificates, lease?: StoreLease): Promise<void>;
  /** Take the refresh lock for `ttl` ms, or resolve `undefined` while another holder has it. */
  lock?(mchid: string, ttl: number): Promise<StoreLease | undefined>;
}

/** A held refresh lock. It expires by itself after its ttl, so a holder that dies blocks no one for longer. */
export interface StoreLease {
  /** The fencing token: larger for every lease taken, so a store can refuse a stale holder's write. */
  readonly token: number;
  /** Give the lock up early (only if this lease still holds it). */
  release(): Promise<void>;
}

/** Per-process store (the default): clients sharing one instance share their downloads. */
export class MemoryCertificateStore implements CertificateStore {
  readonly #entries = new Map<string, StoredCertificates>();
  async read(mchid: string): Promise<StoredCertificates | undefined> {
    const value = this.#entries.get(mchid);
    return value && { updatedAt: value.updatedAt, certificates: value.certificates.map((c) => ({ ...c })) };
  }
  async write(mchid: string, value: StoredCertificates): Promise<void> {
    this.#entries.set(mchid, { updatedAt: value.updatedAt, certificates: value.certificates.map((c) => ({ ...c })) });
  }
}

/**
 * One JSON file per merchant in `directory` (`wechatpay-certificates-<mchid>.json`), replaced
 * atomically (write to a temporary file, then rename), so readers never see half a file.
 */
export class FileCertificateStore implements CertificateStore {
  constructor(readonly directory: string) {}

  file(mchid: string): string {
    return join(this.directory, `wechatpay-certificates-${mchid}.json`);
  }

  async read(mchid: string): Promise<StoredCertificates | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(mchid), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const value = JSON.parse(text) as StoredCertificates;
    if (typeof value?.updatedAt !== 'number' || !Array.isArray(value.certificates)) throw new Error(`${this.file(mchid)} is not a certificate store file`);
    return value;
  }

  async write(mchid: string, value: StoredCertificates): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const target = this.file(mchid);
    const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o644 });
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}
