// Validates the client configuration once, at construction; every problem is a ConfigError
// that names the field, so nothing is discovered at the first payment.
import type { CreateAxiosDefaults } from 'axios';
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { loadPkcs12 } from './certificates/pkcs12.js';
import { MemoryCertificateStore, type CertificateStore } from './certificates/store.js';
import { sameSerial } from './certificates/validate.js';
import { ConfigError } from './errors.js';
import { nearest } from './nearest.js';
import { Keyring } from './signing/keyring.js';
import { loadPlatformKey, loadPrivateKey, type KeyInput, type PlatformKey } from './signing/keys.js';
import type { NonceStore } from './webhooks/nonces.js';

export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com/';

export interface WechatpayConfig extends Omit<CreateAxiosDefaults, 'baseURL'> {
  /** Merchant id (商户号), digits. */
  mchid: string;
  /** Serial number of the merchant API certificate (商户API证书序列号); read from `pkcs12` or `merchantCertificate` when those are given. */
  serial?: string;
  /**
   * Merchant API private key: PEM text, Buffer, KeyObject or `file:///abs/path/apiclient_key.pem`; or give `pkcs12`.
   * An APIv2-only client (`apiv2Key`) needs it only for the calls made over mutual TLS.
   */
  privateKey?: KeyInput;
  /**
   * Platform certificate serial → certificate PEM, and/or `PUB_KEY_ID_…` → WeChat Pay public key PEM.
   * May be empty (`{}`) when `apiv3Key` is given: the platform certificates are then downloaded.
   * An APIv2-only client (`apiv2Key`, no APIv3 calls) leaves it out.
   */
  certs?: Record<string, KeyInput>;
  /** The APIv3 key (32 bytes) set in the merchant platform: downloads and refreshes the platform certificates. */
  apiv3Key?: string | Buffer;
  /** How platform certificates are refreshed and shared (with `apiv3Key`). */
  certificates?: CertificateOptions;
  /** `apiclient_cert.p12` (DER bytes or `file://` URL) instead of `privateKey` and `serial`. */
  pkcs12?: string | Buffer;
  /** Passphrase of `pkcs12`; the merchant id by default, as WeChat Pay issues it. */
  pkcs12Passphrase?: string;
  /** Default `https://api.mch.weixin.qq.com/`. */
  baseURL?: string;
  /** APIv2 key (32 characters), for `v2/…` calls and APIv2 notifications. */
  apiv2Key?: string;
  /** Merchant API certificate PEM (apiclient_cert.pem), for APIv2 calls made with `security: true`. */
  merchantCertificate?: string | Buffer;
  /** Largest accepted difference between a response's timestamp and this machine's clock, in seconds (300). */
  maxClockSkew?: number;
  /** How notifications are received: a replay store shared by several processes, a body size limit. */
  webhooks?: WebhookConfig;
  /**
   * `Wechatpay-Serial` on every APIv3 request: by default the id of the preferred verification key
   * (the `PUB_KEY_ID_…` when configured, else the newest valid platform certificate); a string to
   * send that id instead; `false` to send none. A call's own header, or sealed fields, still decide.
   */
  wechatpaySerial?: string | false;
}

export interface WebhookConfig {
  /** Where accepted nonces are kept; share one (e.g. `RedisNonceStore`) across processes. Default: this client's memory. */
  nonces?: NonceStore;
  /** Largest notification body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Seconds a nonce store call may take before the notification is refused with 503 (default 2). */
  storeTimeout?: number;
}

export interface ResolvedWebhookConfig {
  nonces?: NonceStore;
  maxBodyBytes?: number;
  /** Milliseconds. */
  storeTimeout: number;
}

export interface CertificateOptions {
  /** Seconds between scheduled downloads (default 10800, three hours); 0 turns the schedule off. */
  refreshInterval?: number;
  /** Seconds after a failed or useless refresh before an unknown serial may trigger another (default 60). */
  minInterval?: number;
  /** Where downloaded certificates are kept and shared (default: in this client's memory). */
  store?: CertificateStore;
  /** Seconds any one store call may take before it counts as failed and is reported (default 2). */
  storeTimeout?: number;
  /** Seconds a store's refresh lock is held at most (stores with `lock`, default 30); a dead holder blocks no longer. */
  lockTtl?: number;
  /** Only accept platform certificates issued by this CA certificate (PEM, Buffer or file:// URL). */
  ca?: string | Buffer;
  /** Told about failures nobody awaits: scheduled refreshes, store errors, rejected certificates. */
  onError?: (error: Error) => void;
}

export interface ResolvedCertificateOptions {
  apiv3Key: Buffer;
  refreshInterval: number;
  minInterval: number;
  store: CertificateStore;
  /** Milliseconds. */
  storeTimeout: number;
  /** Milliseconds. */
  lockTtl: number;
  ca?: X509Certificate | undefined;
  onError?: ((error: Error) => void) | undefined;
}

export interface ResolvedConfig {
  mchid: string;
  /** Absent for an APIv2-only client: APIv3 calls then fail before anything is sent. */
  serial?: string;
  /** Absent for an APIv2-only client without mutual TLS. */
  privateKey?: KeyObject;
  platformKeys: Keyring;
  /** Present when an `apiv3Key` was given: the platform certificates are downloaded and refreshed. */
  certificates?: ResolvedCertificateOptions;
  baseURL: string;
  maxClockSkew: number;
  apiv2Key?: string;
  merchantCertificate?: string;
  webhooks: ResolvedWebhookConfig;
  /** `undefined`: the preferred key's id; `false`: no header. */
  wechatpaySerial?: string | false;
  axios: CreateAxiosDefaults;
}

// The client's own keys, and axios's request settings (CreateAxiosDefaults, axios 1.x) that pass
// through to the instance. Anything else is a typo in plain JavaScript (`apiV3Key`): refused, so it
// is neither ignored nor copied into axios's defaults, where console.log would print it.
const OWN_KEYS = [
  'mchid', 'serial', 'privateKey', 'certs', 'apiv3Key', 'certificates', 'pkcs12', 'pkcs12Passphrase', 'baseURL',
  'apiv2Key', 'merchantCertificate', 'maxClockSkew', 'webhooks', 'wechatpaySerial',
] as const;
const AXIOS_KEYS = new Set([
  'timeout', 'connectTimeout', 'retry', 'headers', 'params', 'paramsSerializer', 'timeoutErrorMessage', 'withCredentials',
  'adapter', 'auth', 'responseEncoding', 'xsrfCookieName', 'xsrfHeaderName', 'onUploadProgress', 'onDownloadProgress',
  'maxContentLength', 'maxBodyLength', 'maxRedirects', 'maxRate', 'beforeRedirect', 'socketPath', 'transport', 'httpAgent',
  'httpsAgent', 'proxy', 'cancelToken', 'decompress', 'transitional', 'signal', 'insecureHTTPParser', 'env', 'formSerializer',
  'family', 'lookup', 'withXSRFToken', 'fetchOptions', 'allowAbsoluteUrls', 'transformRequest', 'transformResponse',
  'validateStatus', 'responseType', 'url', 'method', 'data', 'httpVersion', 'http2Options', 'parseReviver', 'wechatpay',
]);

function checkKeys(config: object): void {
  for (const key of Object.keys(config)) {
    if ((OWN_KEYS as readonly string[]).includes(key) || AXIOS_KEYS.has(key)) continue;
    const guess = nearest(key, OWN_KEYS) ?? nearest(key, AXIOS_KEYS);
    throw new ConfigError(key, `not a configuration key${guess ? `; did you mean ${guess}?` : ' of new Wechatpay() (its own keys, or axios request settings such as timeout or proxy)'}`);
  }
}

const SERIALS = 'serial is the serial number of your merchant API certificate (商户API证书序列号, apiclient_cert.pem); certs holds WeChat Pay\'s platform certificates (平台证书, keyed by their serial) or its public key (微信支付公钥, keyed by PUB_KEY_ID_…)';

/** The merchant serial given where a platform key's id belongs, or the other way round: which field is wrong. */
function serialMixUp(serial: string, id: string, key: PlatformKey, merchantKey: () => KeyObject | undefined): ConfigError {
  const field = `certs[${JSON.stringify(id)}]`;
  // The merchant's own certificate (its public key matches the private key) put into certs: certs is wrong.
  if (key.key.equals(createPublicKey(merchantKey()!))) {
    return new ConfigError(field, `this is your merchant API certificate (serial ${id}), not WeChat Pay's; ${SERIALS}`);
  }
  const own = key.certificate?.serialNumber;
  // A platform certificate under its own serial, and the same serial given as `serial`: serial is wrong.
  if (own !== undefined && sameSerial(own, id)) {
    return new ConfigError('serial', `${serial} is the serial of the WeChat Pay platform certificate in certs, not of your merchant certificate; ${SERIALS}`);
  }
  const keyed = own !== undefined ? `the platform certificate by its own serial (${own})` : 'the WeChat Pay public key by its PUB_KEY_ID_…';
  return new ConfigError(field, `keyed by the merchant's own serial (${id}): key ${keyed}; ${SERIALS}`);
}


export function resolveConfig(config: WechatpayConfig): ResolvedConfig {
  if (config === null || typeof config !== 'object') {
    throw new ConfigError('config', 'expected an object with mchid, serial, privateKey and certs');
  }
  checkKeys(config);
  const {
    mchid,
    serial: givenSerial,
    privateKey: givenKey,
    certs,
    baseURL = DEFAULT_BASE_URL,
    maxClockSkew = 300,
    apiv2Key,
    merchantCertificate: givenCertificate,
    apiv3Key,
    certificates,
    pkcs12,
    pkcs12Passphrase,
    webhooks,
    wechatpaySerial,
    ...axios
  } = config;
  if (typeof mchid !== 'string' || !/^\d+$/.test(mchid)) {
    throw new ConfigError('mchid', 'expected the merchant id as a string of digits, e.g. "1900000001"');
  }
  let serial = givenSerial;
  let privateKey: KeyObject | undefined;
  let merchantCertificate = givenCertificate;
  if (pkcs12 !== undefined) {
    if (pkcs12Passphrase !== undefined && typeof pkcs12Passphrase !== 'string') throw new ConfigError('pkcs12Passphrase', 'expected a string');
    if (givenKey !== undefined) throw new ConfigError('privateKey', 'give either privateKey or pkcs12, not both');
    const bundle = loadPkcs12(pkcs12, pkcs12Passphrase ?? mchid);
    if (typeof serial === 'string' && !sameSerial(serial, bundle.serial)) {
      throw new ConfigError('serial', `does not match the certificate in pkcs12 (${bundle.serial})`);
    }
    serial ??= bundle.serial;
    privateKey = bundle.privateKey;
    merchantCertificate ??= bundle.certificate.toString();
  }
  const resolvedApiv3Key = apiv3Key === undefined ? undefined : checkApiv3Key(apiv3Key);
  const apiv2Only = isApiv2Only(config);
  if (typeof serial === 'string' && /^PUB_KEY_ID_/i.test(serial.trim())) {
    throw new ConfigError('serial', `${serial.trim()} is the id of the WeChat Pay public key, which goes in certs: { "${serial.trim()}": publicKeyPem }; ${SERIALS}`);
  }
  if (apiv2Only ? serial !== undefined && (typeof serial !== 'string' || !/^[0-9A-Fa-f]+$/.test(serial)) : typeof serial !== 'string' || !/^[0-9A-Fa-f]+$/.test(serial)) {
    throw new ConfigError('serial', `expected the merchant API certificate serial number as hex text; ${SERIALS}`);
  }
  const downloadable = resolvedApiv3Key !== undefined && (certs === undefined || (typeof certs === 'object' && certs !== null));
  if (!apiv2Only && !downloadable && (certs === null || typeof certs !== 'object' || Object.keys(certs).length === 0)) {
    throw new ConfigError(
      'certs',
      'give at least one platform certificate (serial → PEM) or WeChat Pay public key (PUB_KEY_ID_… → PEM) to verify responses with',
    );
  }
  const platformKeys = new Keyring();
  let merchantKey: KeyObject | undefined;
  const loadMerchantKey = () => (merchantKey ??= privateKey ?? loadPrivateKey('privateKey', givenKey));
  for (const [id, input] of Object.entries(certs ?? {})) {
    const field = `certs[${JSON.stringify(id)}]`;
    const key = loadPlatformKey(field, id, input);
    if (serial !== undefined && id.toUpperCase() === serial.toUpperCase()) throw serialMixUp(serial, id, key, loadMerchantKey);
    platformKeys.set(key);
  }
  if (typeof baseURL !== 'string' || !/^https?:\/\/[^/]+/.test(baseURL)) {
    throw new ConfigError('baseURL', 'expected an absolute http(s) URL such as "https://api.mch.weixin.qq.com/"');
  }
  if (typeof maxClockSkew !== 'number' || !(maxClockSkew > 0)) {
    throw new ConfigError('maxClockSkew', 'expected a positive number of seconds');
  }
  if (certificates !== undefined && resolvedApiv3Key === undefined) {
    throw new ConfigError('certificates', 'certificate refresh needs apiv3Key (the APIv3 key the downloads are encrypted with)');
  }
  if (webhooks !== undefined && resolvedApiv3Key === undefined && !apiv2Only) {
    throw new ConfigError('webhooks', 'notifications are decrypted with the APIv3 key: give apiv3Key too');
  }
  if (apiv2Key !== undefined && (typeof apiv2Key !== 'string' || apiv2Key.length !== 32)) {
    throw new ConfigError('apiv2Key', 'expected the 32-character APIv2 key set in the merchant platform');
  }
  if (merchantCertificate !== undefined && !String(merchantCertificate).includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('merchantCertificate', 'expected the merchant API certificate as PEM (apiclient_cert.pem)');
  }
  if (givenCertificate !== undefined && pkcs12 === undefined) {
    let certificateSerial: string | undefined;
    try {
      certificateSerial = new X509Certificate(String(givenCertificate)).serialNumber;
    } catch {
      throw new ConfigError('merchantCertificate', 'not a PEM certificate: expected the merchant API certificate (apiclient_cert.pem)');
    }
    if (serial !== undefined && !sameSerial(certificateSerial, serial)) {
      throw new ConfigError('serial', `${serial} is not the serial of merchantCertificate (${certificateSerial}); ${SERIALS}`);
    }
  }
  if (wechatpaySerial !== undefined && wechatpaySerial !== false && (typeof wechatpaySerial !== 'string' || !/^(?:PUB_KEY_ID_\w+|[0-9A-Fa-f]+)$/.test(wechatpaySerial))) {
    throw new ConfigError('wechatpaySerial', 'expected a platform certificate serial or "PUB_KEY_ID_…", or false to send no Wechatpay-Serial header');
  }
  return {
    ...(apiv2Key === undefined ? {} : { apiv2Key }),
    ...(wechatpaySerial === undefined ? {} : { wechatpaySerial }),
    ...(merchantCertificate === undefined ? {} : { merchantCertificate: String(merchantCertificate) }),
    mchid,
    ...(serial === undefined ? {} : { serial }),
    ...(privateKey || !apiv2Only || givenKey !== undefined ? { privateKey: loadMerchantKey() } : {}),
    platformKeys,
    ...(resolvedApiv3Key ? { certificates: resolveCertificateOptions(resolvedApiv3Key, certificates ?? {}) } : {}),
    baseURL: baseURL.endsWith('/') ? baseURL : `${baseURL}/`,
    maxClockSkew,
    webhooks: resolveWebhookConfig(webhooks),
    axios,
  };
}

/**
 * APIv2 calls and notifications need only the APIv2 key (and, for mutual TLS, the merchant
 * certificate and key): given the APIv2 key without certs or apiv3Key, APIv3 is simply not configured.
 */
export function isApiv2Only(config: Pick<WechatpayConfig, 'apiv2Key' | 'certs' | 'apiv3Key'>): boolean {
  return config.apiv2Key !== undefined && config.certs === undefined && config.apiv3Key === undefined;
}

/** Refuses, naming the missing field, an APIv3 call on a client configured for APIv2 only. */
export function assertApiv3Signer(config: ResolvedConfig): asserts config is ResolvedConfig & { serial: string; privateKey: KeyObject } {
  if (!config.privateKey) throw new ConfigError('privateKey', 'this client is configured for APIv2 only: APIv3 calls are signed with the merchant API private key (privateKey or pkcs12)');
  if (config.serial === undefined) throw new ConfigError('serial', 'APIv3 calls name the merchant API certificate serial: give serial (or pkcs12)');
}

function seconds(field: string, value: unknown, fallback: number, positive = false): number {
  if (value === undefined) return fallback * 1000;
  if (typeof value !== 'number' || !Number.isFinite(value) || !(positive ? value > 0 : value >= 0)) {
    throw new ConfigError(field, `expected a ${positive ? 'positive ' : ''}number of seconds`);
  }
  return value * 1000;
}

function resolveWebhookConfig(options: WebhookConfig | undefined): ResolvedWebhookConfig {
  if (options === undefined) return { storeTimeout: 2000 };
  if (options === null || typeof options !== 'object') throw new ConfigError('webhooks', 'expected an object such as { nonces, maxBodyBytes }');
  const { nonces, maxBodyBytes, storeTimeout } = options;
  if (nonces !== undefined && (nonces === null || typeof nonces !== 'object' || typeof nonces.claim !== 'function' || typeof nonces.release !== 'function')) {
    throw new ConfigError('webhooks.nonces', 'expected a NonceStore: an object with claim(nonce, expiresAt) and release(nonce)');
  }
  if (maxBodyBytes !== undefined && (typeof maxBodyBytes !== 'number' || !Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1024)) {
    throw new ConfigError('webhooks.maxBodyBytes', 'expected a whole number of bytes, at least 1024 (default 1048576)');
  }
  return {
    ...(nonces ? { nonces } : {}),
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
    storeTimeout: seconds('webhooks.storeTimeout', storeTimeout, 2, true),
  };
}

function checkApiv3Key(input: unknown): Buffer {
  const bytes = Buffer.isBuffer(input) ? input : typeof input === 'string' ? Buffer.from(input, 'utf8') : undefined;
  if (!bytes) throw new ConfigError('apiv3Key', 'expected the APIv3 key as a 32-character string or a 32-byte Buffer');
  const text = bytes.toString('latin1');
  if (bytes.length !== 32 && text.trim().length === 32) {
    // Never quoted: it is a secret. Where it usually comes from says what to fix.
    throw new ConfigError('apiv3Key', `has whitespace around its 32 characters (${bytes.length} bytes: a newline from a file or an environment variable?); trim it, e.g. key.trim()`);
  }
  if (bytes.length !== 32) {
    throw new ConfigError('apiv3Key', `expected 32 bytes (the APIv3 key set in the merchant platform), got ${bytes.length}`);
  }
  return Buffer.from(bytes);
}

function resolveCertificateOptions(apiv3Key: Buffer, options: CertificateOptions): ResolvedCertificateOptions {
  if (options === null || typeof options !== 'object') throw new ConfigError('certificates', 'expected an object');
  const { refreshInterval = 3 * 3600, minInterval = 60, ca, onError, storeTimeout, lockTtl } = options;
  const store: CertificateStore = options.store ?? new MemoryCertificateStore();
  if (typeof refreshInterval !== 'number' || !(refreshInterval >= 0) || !Number.isFinite(refreshInterval)) {
    throw new ConfigError('certificates.refreshInterval', 'expected a number of seconds (0 turns the schedule off)');
  }
  if (typeof minInterval !== 'number' || !(minInterval >= 0) || !Number.isFinite(minInterval)) {
    throw new ConfigError('certificates.minInterval', 'expected a number of seconds');
  }
  if (store === null || typeof store !== 'object' || typeof store.read !== 'function' || typeof store.write !== 'function') {
    throw new ConfigError('certificates.store', 'expected an object with read(mchid) and write(mchid, value)');
  }
  if (store.lock !== undefined && typeof store.lock !== 'function') throw new ConfigError('certificates.store', 'lock, when present, must be a function');
  const bounds = { storeTimeout: seconds('certificates.storeTimeout', storeTimeout, 2, true), lockTtl: seconds('certificates.lockTtl', lockTtl, 30, true) };
  if (onError !== undefined && typeof onError !== 'function') throw new ConfigError('certificates.onError', 'expected a function');
  let authority: X509Certificate | undefined;
  if (ca !== undefined) {
    const key = loadPlatformKey('certificates.ca', 'ca', ca);
    if (!key.certificate) throw new ConfigError('certificates.ca', 'expected a CA certificate ("-----BEGIN CERTIFICATE-----")');
    authority = key.certificate;
  }
  return { apiv3Key, refreshInterval: refreshInterval * 1000, minInterval: minInterval * 1000, store, ...bounds, ca: authority, onError };
}
