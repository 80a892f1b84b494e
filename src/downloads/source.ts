// What a download starts from: an apply answer (its `download_url` and the digest WeChat Pay
// signed with it), one entry of a sub-merchant bill list (plus the sealed per-file key), a bare
// `download_url`, or a statement request (whose digest comes signed in the answer's headers).
import { ParameterError } from '../errors.js';

/** The `download_url` of an apply answer, with the check that answer prescribes. */
export interface FileLink {
  download_url: string;
  /** `SHA1` (bills), `SHA256` or `SM3` (e-receipts). */
  hash_type?: string;
  hash_value?: string;
  /** Sub-merchant bills: the per-file AES-256-GCM key, RSA-OAEP sealed to the merchant key. */
  encrypt_key?: string;
  /** Sub-merchant bills: the GCM nonce. */
  nonce?: string;
}

/** A sub-merchant fund-flow bill answer; give it when it lists exactly one file. */
export interface FileList {
  download_bill_count?: number;
  download_bill_list?: FileLink[];
}

/** The HK / global statement of a day: `GET v3/global/statements` (or the legacy `v3/statements`). */
export interface StatementRequest {
  /** `date` as documented, `YYYYMMDD` (`YYYY-MM-DD` is passed through as given). */
  statement: { date: string; mchid?: string };
  /** `https://apihk.mch.weixin.qq.com/` for the Hong Kong host. */
  base_uri?: string;
  /** The retired `v3/statements` endpoint instead of `v3/global/statements`. */
  legacy?: boolean;
  /** Ask for a gzip transfer (`Accept-Encoding: gzip`); what is verified is the statement itself. */
  gzip?: boolean;
}

export type DownloadSource = string | FileLink | FileList | StatementRequest;

export type Digest = { algorithm: 'sha1' | 'sha256' | 'sm3'; value: string };

export interface Resolved {
  /** Origin (with a trailing slash) and the path+query the request is signed over and sent to. */
  baseURL: string;
  url: string;
  /** Headers beyond the client's own. */
  headers: Record<string, string>;
  /** The digest prescribed up front (an apply answer's); a statement's arrives with the answer. */
  digest?: Digest;
  sealed?: { encryptKey: string; nonce: string };
  statement?: boolean;
  /** A template whose files have a fixed format (fapiao PDFs). */
  pdf?: boolean;
}

const ALGORITHMS: Record<string, Digest['algorithm']> = { SHA1: 'sha1', SHA256: 'sha256', SM3: 'sm3' };
// Hosts that serve WeChat Pay's downloads; the signed request is only ever sent to them or to
// the client's own baseURL (the mock, a gateway), never to whatever host an answer names.
const WECHATPAY_HOSTS = new Set(['api.mch.weixin.qq.com', 'api2.mch.weixin.qq.com', 'apihk.mch.weixin.qq.com']);

export function resolveSource(source: DownloadSource, clientBase: string, mchid: string): Resolved {
  if (typeof source === 'string') return link({ download_url: source }, clientBase);
  if (source === null || typeof source !== 'object') {
    throw new ParameterError('source', 'expected an apply answer ({ download_url, hash_type, hash_value }), a download_url or { statement: { date } }');
  }
  if ('statement' in source) return statement(source, clientBase, mchid);
  if ('download_bill_list' in source && !('download_url' in source)) {
    const list = source.download_bill_list;
    if (!Array.isArray(list) || list.length !== 1) {
      throw new ParameterError('source.download_bill_list', `lists ${Array.isArray(list) ? list.length : 'no'} files: download each entry on its own (pass the entry)`);
    }
    return link(list[0]!, clientBase);
  }
  return link(source as FileLink, clientBase);
}

function link(entry: FileLink, clientBase: string): Resolved {
  if (typeof entry.download_url !== 'string') throw new ParameterError('download_url', 'expected the download_url of an apply answer');
  let url: URL;
  try {
    url = new URL(entry.download_url);
  } catch {
    throw new ParameterError('download_url', 'is not an absolute URL');
  }
  const base = new URL(clientBase);
  const official = url.protocol === 'https:' && WECHATPAY_HOSTS.has(url.hostname) && !url.port;
  if (!official && url.origin !== base.origin) {
    throw new ParameterError('download_url', `points at ${url.origin}, which is neither WeChat Pay nor this client's baseURL; the signed request is not sent there`);
  }
  const resolved: Resolved = { baseURL: `${url.origin}/`, url: url.pathname.slice(1) + url.search, headers: {} };
  if (entry.hash_type !== undefined || entry.hash_value !== undefined) {
    const algorithm = ALGORITHMS[String(entry.hash_type).toUpperCase()];
    if (!algorithm) throw new ParameterError('hash_type', `${String(entry.hash_type)} is not a digest WeChat Pay uses (SHA1, SHA256, SM3)`);
    if (typeof entry.hash_value !== 'string' || !/^[0-9a-fA-F]{40,128}$/.test(entry.hash_value)) {
      throw new ParameterError('hash_value', 'expected the hex digest from the apply answer');
    }
    resolved.digest = { algorithm, value: entry.hash_value.toLowerCase() };
  }
  if (entry.encrypt_key !== undefined || entry.nonce !== undefined) {
    if (typeof entry.encrypt_key !== 'string' || typeof entry.nonce !== 'string' || entry.nonce === '') {
      throw new ParameterError('encrypt_key', 'a sealed bill needs both encrypt_key and nonce from its download_bill_list entry');
    }
    resolved.sealed = { encryptKey: entry.encrypt_key, nonce: entry.nonce };
  }
  if (url.pathname.endsWith('/v3/new-tax-control-fapiao/download')) resolved.pdf = true;
  return resolved;
}

function statement(source: StatementRequest, clientBase: string, mchid: string): Resolved {
  const { date, mchid: forMchid = mchid } = source.statement ?? ({} as StatementRequest['statement']);
  if (typeof date !== 'string' || !/^\d{8}$|^\d{4}-\d{2}-\d{2}$/.test(date)) throw new ParameterError('statement.date', 'expected the day as YYYYMMDD (as documented)');
  if (typeof forMchid !== 'string' || !/^\d+$/.test(forMchid)) throw new ParameterError('statement.mchid', 'expected a merchant id (digits)');
  const base = source.base_uri ?? clientBase;
  if (typeof base !== 'string' || !/^https?:\/\/[^/]+/.test(base)) throw new ParameterError('base_uri', 'expected an absolute http(s) URL');
  const path = source.legacy ? 'v3/statements' : 'v3/global/statements';
  return {
    baseURL: base.endsWith('/') ? base : `${base}/`,
    url: `${path}?date=${date}&mchid=${forMchid}`,
    headers: source.gzip ? { 'Accept-Encoding': 'gzip' } : {},
    statement: true,
  };
}
