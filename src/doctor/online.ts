// The online checks: one signed `GET /v3/certificates` through the client's own axios instance
// (its proxy, agents and interceptors), the answer read raw whatever its status, and held
// against the configuration: the clock from `Date`, a 401 SIGN_ERROR against what was signed,
// the certificates against the APIv3 key, the signing key against the keys held, and the
// merchant's mode (platform certificates, public key, or both while it switches).
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { CertificateError } from '../certificates/errors.js';
import { CERTIFICATES_PATH } from '../certificates/manager.js';
import { openCertificateList } from '../certificates/validate.js';
import type { ResolvedConfig } from '../config.js';
import { VerificationError } from '../errors.js';
import { diagnoseSignError, isPublicKeyId, PUBLIC_KEY_SOURCE, SWAPPED_KEYS, unknownKey, wechatpayKey, WRONG_APIV3_KEY, type SignedRequest, type SignErrorCause } from '../hints.js';
import { signedRequestOf } from '../request/transport.js';
import { internal } from '../signing/internal.js';
import type { PlatformKey } from '../signing/keys.js';
import { hasSignature, verifySignature } from '../signing/verify.js';
import type { NonceStore } from '../webhooks/nonces.js';
import { opensWithApiv2Key, type DoctorCode, type Findings } from './findings.js';
import { redactUrl } from '../redact.js';

/** What the doctor needs of a client that loaded: its transport and its resolved configuration. */
export interface DoctorClient {
  axios: AxiosInstance;
  config: ResolvedConfig;
  /** The client's notification nonce store, to tell a replay. */
  nonces?: NonceStore | undefined;
}

/** How WeChat Pay answers for this merchant: platform certificates, the public key, or both while it switches. */
export type MerchantMode = 'certificate' | 'public-key' | 'migrating';

export interface OnlineFacts {
  mode?: MerchantMode;
  /** Seconds this machine's clock is ahead of WeChat Pay's (negative: behind). */
  clockSkew?: number;
  /** The key WeChat Pay signed the answer with. */
  signedBy?: string;
  /** The platform certificates the answer delivered and the APIv3 key opened. */
  delivered: PlatformKey[];
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

const CAUSE_CODES: Record<SignErrorCause, DoctorCode> = {
  'wrong-key': 'SIGN_ERROR_WRONG_KEY',
  altered: 'SIGN_ERROR_ALTERED',
  serial: 'SIGN_ERROR_SERIAL',
  timestamp: 'SIGN_ERROR_TIMESTAMP',
  mchid: 'SIGN_ERROR_OTHER',
  format: 'SIGN_ERROR_OTHER',
  unknown: 'SIGN_ERROR_OTHER',
};

export async function checkOnline(client: DoctorClient, out: Findings, now: () => number, timeout: number): Promise<OnlineFacts> {
  const facts: OnlineFacts = { delivered: [] };
  const { config } = client;
  const { mchid } = config;
  const call = `GET ${config.baseURL}${CERTIFICATES_PATH}`;
  let sent: SignedRequest | undefined;
  let raw: RawAnswer | undefined;
  const inner = axios.getAdapter(client.axios.defaults.adapter ?? ['http']);
  const request: AxiosRequestConfig & { wechatpay?: unknown } = {
    method: 'get',
    url: CERTIFICATES_PATH,
    headers: { Accept: 'application/json' },
    timeout,
    // Whatever the transport makes of the answer, the doctor reads it as it arrived.
    adapter: async (settings) => {
      sent = signedRequestOf(config, settings);
      const response = await inner(settings);
      raw = rawAnswer(response, now());
      return response;
    },
    wechatpay: internal({ unsigned: true, noRefresh: true }),
  };
  try {
    await client.axios.request(request);
  } catch (error) {
    if (!raw) {
      const code = (error as { code?: unknown }).code;
      out.add('ONLINE_UNREACHABLE', {
        message: `${redactUrl(call)} failed before an answer: ${typeof code === 'string' ? `${code} ` : ''}${(error as Error).message ?? String(error)}`,
        fix: 'check baseURL, DNS, the firewall and the proxy settings (HTTPS_PROXY, NO_PROXY) of this machine',
      });
      return facts;
    }
  }
  const answer = raw!;
  checkClock(answer, config, facts, out);
  const signature = {
    timestamp: answer.headers['wechatpay-timestamp'],
    nonce: answer.headers['wechatpay-nonce'],
    signature: answer.headers['wechatpay-signature'],
    serial: answer.headers['wechatpay-serial'],
  };
  const json = parseJson(answer.body);
  const code = typeof json?.code === 'string' ? json.code : undefined;
  if (!hasSignature(signature) && code === undefined && !Array.isArray(json?.data)) {
    out.add('UNSIGNED_ANSWER', {
      message: `${redactUrl(call)} was answered ${answer.status}${answer.headers['content-type'] ? ` (${answer.headers['content-type']})` : ''} without a WeChat Pay signature: something other than WeChat Pay answered`,
      fix: `check that baseURL (${redactUrl(config.baseURL)}) is WeChat Pay's API (https://api.mch.weixin.qq.com/) and that no proxy or gateway answers in its place`,
    });
    return facts;
  }

  const listed = Array.isArray(json?.data) ? (json!.data as { serial_no?: unknown }[]).map((entry) => String(entry?.serial_no ?? '').toUpperCase()).filter(Boolean) : [];
  let decryptFailed = false;
  if (answer.status === 200 && Array.isArray(json?.data)) decryptFailed = !openDelivered(json, config, facts, out, now());

  const held = config.platformKeys;
  const delivered = new Map(facts.delivered.map((key) => [key.id, key]));
  const id = signature.serial;
  let unknown = false;
  if (hasSignature(signature)) {
    try {
      verifySignature({ platformKeys: { get: (key) => delivered.get(key.toUpperCase()) ?? held.get(key) }, maxClockSkew: Infinity }, signature, answer.body);
      facts.signedBy = id;
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      if (error.code === 'UNKNOWN_SERIAL') unknown = true;
      else if (error.code === 'BAD_SIGNATURE') {
        out.add('ANSWER_BAD_SIGNATURE', {
          message: `WeChat Pay's answer is signed under ${wechatpayKey(id!)}, but does not verify with certs["${id}"]: that entry holds another key (or a proxy changed the answer)`,
          fix: isPublicKeyId(id!) ? `replace certs["${id}"] with the public key ${PUBLIC_KEY_SOURCE} shows for mchid ${mchid}` : `replace certs["${id}"] with the certificate WeChat Pay lists (npx wxpay-chain certificates), or give apiv3Key`,
        }, { key: { role: isPublicKeyId(id!) ? 'WeChat Pay public key' : 'platform certificate', id: id! }, field: `certs[${JSON.stringify(id)}]` });
      } else {
        out.add('UNSIGNED_ANSWER', { message: `WeChat Pay's answer could not be checked (${error.code}): something between changed its signature headers`, fix: error.hint ?? 'look for a proxy that changes answers' });
      }
    }
  }

  if (answer.status === 401 && code === 'SIGN_ERROR') {
    const diagnosis = diagnoseSignError(String(json?.message ?? ''), json?.detail, sent);
    const key = diagnosis.cause === 'wrong-key' ? { role: 'merchant private key' as const, id: config.serial } : diagnosis.cause === 'serial' ? { role: 'merchant API certificate' as const, id: config.serial } : undefined;
    out.add(CAUSE_CODES[diagnosis.cause], diagnosis, { ...(key ? { key } : {}), ...(diagnosis.cause === 'wrong-key' ? { field: 'privateKey' } : diagnosis.cause === 'serial' ? { field: 'serial' } : {}) });
    return facts;
  }
  if (answer.status === 404 && code === 'RESOURCE_NOT_EXISTS') facts.mode = 'public-key';
  else if (answer.status === 200 && Array.isArray(json?.data)) facts.mode = id !== undefined && isPublicKeyId(id) ? 'migrating' : 'certificate';
  else {
    out.add('ONLINE_API_ERROR', {
      message: `${redactUrl(call)} was answered ${answer.status} ${code ?? ''}${typeof json?.message === 'string' ? `: ${json.message}` : ''}`.trim(),
      fix: 'the request was signed and accepted as such; see WeChat Pay\'s message (an account or permission matter), or try again later for a 5xx',
    });
    return facts;
  }
  modeFindings(facts.mode, { id, unknown, listed, decryptFailed }, config, out);
  return facts;
}

function rawAnswer(response: AxiosResponse, receivedAt: number): RawAnswer {
  const headers: Record<string, string> = {};
  const given = response.headers as { toJSON?: () => Record<string, unknown> } & Record<string, unknown>;
  for (const [name, value] of Object.entries(typeof given.toJSON === 'function' ? given.toJSON() : given)) {
    if (value !== undefined && value !== null && typeof value !== 'function') headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const data: unknown = response.data;
  const body = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data === undefined ? '' : JSON.stringify(data);
  return { status: response.status, headers, body, receivedAt };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function checkClock(answer: RawAnswer, config: ResolvedConfig, facts: OnlineFacts, out: Findings): void {
  const date = answer.headers.date ? Date.parse(answer.headers.date) : NaN;
  const signed = Number(answer.headers['wechatpay-timestamp']) * 1000;
  const theirs = Number.isFinite(date) ? date : Number.isFinite(signed) && signed > 0 ? signed : undefined;
  if (theirs === undefined) return;
  // `Date` has whole seconds: half a second either way is the header's, not the clock's.
  const skew = Math.round((answer.receivedAt - theirs - 500) / 1000);
  facts.clockSkew = skew;
  const size = Math.abs(skew);
  const limit = Math.min(300, config.maxClockSkew);
  if (size <= 60) return;
  const direction = skew > 0 ? 'ahead of' : 'behind';
  out.add('CLOCK_SKEW', {
    message: `this machine's clock is ${size} s ${direction} WeChat Pay's (its Date: ${answer.headers.date ?? new Date(theirs).toUTCString()})${size > limit ? ': requests are refused (5 minutes at most) and answers too' : ''}`,
    fix: `sync the clock (NTP): WeChat Pay refuses a request more than 300 s off, and the client an answer more than maxClockSkew (${config.maxClockSkew} s) off`,
  }, { severity: size > limit ? 'error' : 'warning' });
}

/** Opens the delivered certificates with the APIv3 key; false when they do not decrypt. */
function openDelivered(json: Record<string, unknown>, config: ResolvedConfig, facts: OnlineFacts, out: Findings, now: number): boolean {
  const apiv3Key = config.certificates?.apiv3Key;
  if (!apiv3Key) return true;
  try {
    facts.delivered = openCertificateList(json, { apiv3Key, now, ...(config.certificates?.ca ? { ca: config.certificates.ca } : {}) }).accepted;
    return true;
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    if (error.code !== 'DECRYPT_FAILED') {
      out.add('ONLINE_API_ERROR', { message: `the platform certificates WeChat Pay sent could not be read: ${error.code}`, fix: 'look for a proxy that changes answers; if there is none, report the Request-ID to WeChat Pay' });
      return true;
    }
  }
  const swapped = opensWithApiv2Key(config.apiv2Key, (key) => openCertificateList(json, { apiv3Key: key, now }));
  const diagnosis = swapped ? SWAPPED_KEYS : WRONG_APIV3_KEY;
  out.add('CERTIFICATES_DECRYPT_FAILED', {
    message: `the platform certificates WeChat Pay sent do not decrypt under apiv3Key of mchid ${config.mchid} (AEAD_AES_256_GCM tag mismatch): ${swapped ? diagnosis.message : 'is this the APIv2 key, or a key reset since?'}`,
    fix: diagnosis.fix,
  }, { key: { role: 'APIv3 key', id: config.mchid }, field: 'apiv3Key' });
  return false;
}

interface Signing {
  id: string | undefined;
  unknown: boolean;
  listed: string[];
  decryptFailed: boolean;
}

function modeFindings(mode: MerchantMode, signing: Signing, config: ResolvedConfig, out: Findings): void {
  const { mchid } = config;
  const { id, unknown, listed } = signing;
  const ids = config.platformKeys.ids();
  const publicKeys = ids.filter(isPublicKeyId);
  const certificates = ids.filter((held) => !isPublicKeyId(held));
  const refreshed = config.certificates !== undefined;
  const keyRef = id === undefined ? undefined : { role: isPublicKeyId(id) ? ('WeChat Pay public key' as const) : ('platform certificate' as const), id };
  const listedText = listed.length ? listed.join(', ') : 'none';
  if (mode === 'public-key' && publicKeys.length === 0) {
    const key = id !== undefined && isPublicKeyId(id) ? id : 'PUB_KEY_ID_…';
    out.add('PUBLIC_KEY_MODE', {
      message: `mchid ${mchid} has no platform certificate (GET /v3/certificates: 404 RESOURCE_NOT_EXISTS): WeChat Pay signs its answers and notifications with the WeChat Pay public key ${key}, and this client holds no public key`,
      fix: `add certs["${key}"] = the public key's PEM, from ${PUBLIC_KEY_SOURCE}`,
    }, { ...(keyRef ? { key: keyRef } : {}), field: `certs[${JSON.stringify(key)}]` });
  } else if (mode === 'migrating' && unknown && id !== undefined) {
    out.add('MIGRATION_INCOMPLETE', {
      message: `mchid ${mchid} is switching from platform certificates (${listedText}) to the WeChat Pay public key ${id}, which signs its answers now and which this client does not hold`,
      fix: `add certs["${id}"] = the public key's PEM, from ${PUBLIC_KEY_SOURCE}; keep the platform certificates until the switch completes`,
    }, { ...(keyRef ? { key: keyRef } : {}), field: `certs[${JSON.stringify(id)}]` });
  } else if (mode === 'migrating' && certificates.length === 0 && !refreshed) {
    out.add('MIGRATION_INCOMPLETE', {
      message: `mchid ${mchid} is switching to the WeChat Pay public key, but WeChat Pay still lists platform certificates (${listedText}), which may sign answers and notifications until the switch completes; this client holds none`,
      fix: `give apiv3Key so the client downloads them, or add certs["${listed[0] ?? '<serial>'}"]`,
    }, { severity: 'warning', key: { role: 'platform certificate', ...(listed[0] ? { id: listed[0] } : {}) }, field: 'certs' });
  } else if (unknown && id !== undefined && !(signing.decryptFailed && listed.includes(id.toUpperCase()))) {
    const diagnosis = unknownKey(id);
    out.add('ANSWER_UNKNOWN_KEY', {
      message: `WeChat Pay signs mchid ${mchid}'s answers with ${wechatpayKey(id)}, which this client does not hold${ids.length ? ` (it holds ${ids.join(', ')})` : ''}`,
      fix: diagnosis.fix,
    }, { ...(keyRef ? { key: keyRef } : {}), field: `certs[${JSON.stringify(id)}]` });
  }
  if (mode !== 'public-key' && listed.length) {
    for (const serial of certificates) {
      if (!listed.includes(serial.toUpperCase())) {
        out.add('PLATFORM_CERT_NOT_LISTED', {
          message: `platform certificate ${serial} in certs is no longer listed by WeChat Pay for mchid ${mchid} (it lists ${listedText})`,
          fix: refreshed ? 'nothing: with apiv3Key the client holds the listed ones too' : `add the listed certificates (npx wxpay-chain certificates), or give apiv3Key; ${serial} can go once nothing is signed with it`,
        }, { key: { role: 'platform certificate', id: serial }, field: `certs[${JSON.stringify(serial)}]` });
      }
    }
  }
  const by = id === undefined ? '' : `, signed by ${wechatpayKey(id)}`;
  const text: Record<MerchantMode, string> = {
    certificate: `mchid ${mchid} uses platform certificates: WeChat Pay lists ${listedText}${by}`,
    'public-key': `mchid ${mchid} uses the WeChat Pay public key only (no platform certificate)${by}`,
    migrating: `mchid ${mchid} is switching from platform certificates (${listedText}) to the WeChat Pay public key${by}`,
  };
  out.add('MODE', { message: text[mode], fix: mode === 'migrating' ? 'hold both the public key and the platform certificates until the switch completes' : 'nothing' });
}
