// The checks made from the configuration alone: each key read for what it is, held against the
// others (the merchant's certificate against its private key and serial, the platform keys
// against the merchant's own), dates, the symmetric keys' form, the proxy the client will use.
// The configuration is read leniently, so a configuration that does not load still gets every
// finding; what loads is handed on to the checks of a captured notification.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { loadPkcs12 } from '../certificates/pkcs12.js';
import { sameSerial, validity } from '../certificates/validate.js';
import { DEFAULT_BASE_URL, isApiv2Only, resolveConfig, type WechatpayConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { configHint, isPublicKeyId, PUBLIC_KEY_SOURCE, type Diagnosis } from '../hints.js';
import type { PlatformKey } from '../signing/keys.js';
import { fingerprint, sameKey, type Findings, type KeySummary } from './findings.js';
import { redactUrl } from '../redact.js';
import { inspectKey } from './inspect.js';

const DAY = 86_400_000;
/** Certificates ending sooner than this are reported. */
export const EXPIRY_WARNING_DAYS = 30;

/** What the configuration holds, as far as it could be read. */
export interface ConfigFacts {
  mchid: string;
  serial?: string;
  privateKey?: KeyObject;
  merchantCertificate?: X509Certificate;
  /** The platform certificates and public keys that could be read, by id. */
  platformKeys: Map<string, PlatformKey>;
  apiv3Key?: Buffer;
  apiv2Key?: string;
  baseURL: string;
  maxClockSkew: number;
  /** Configured for APIv2 only: no APIv3 key, certificate or public key is expected. */
  apiv2Only: boolean;
  keys: KeySummary[];
}

export function checkConfig(config: WechatpayConfig, out: Findings, now: number, env: NodeJS.ProcessEnv = process.env): ConfigFacts {
  const given = (config ?? {}) as Partial<WechatpayConfig> & Record<string, unknown>;
  const mchid = typeof given.mchid === 'string' ? given.mchid : String(given.mchid ?? '?');
  const facts: ConfigFacts = {
    mchid,
    platformKeys: new Map(),
    baseURL: typeof given.baseURL === 'string' ? given.baseURL : DEFAULT_BASE_URL,
    maxClockSkew: typeof given.maxClockSkew === 'number' && given.maxClockSkew > 0 ? given.maxClockSkew : 300,
    apiv2Only: config !== null && typeof config === 'object' && isApiv2Only(given),
    keys: [],
  };
  if (config === null || typeof config !== 'object') {
    out.add('CONFIG_INVALID', { message: 'the configuration is not an object', fix: 'give an object with mchid, serial, privateKey and certs' }, { field: 'config' });
    return facts;
  }
  if (facts.apiv2Only) {
    out.add('APIV2_ONLY', { message: `mchid ${mchid} is configured for APIv2 only (apiv2Key without certs or apiv3Key): APIv3 calls, downloads and APIv3 notifications are refused`, fix: 'nothing, if the application only makes APIv2 calls; for APIv3, add serial, privateKey and certs (or apiv3Key)' }, { key: { role: 'APIv2 key', id: mchid }, field: 'apiv2Key' });
  }
  checkMerchantKey(given, facts, out, now);
  checkPlatformKeys(given, facts, out, now);
  checkSymmetricKeys(given, facts, out);
  checkProxy(given, facts, out, env);
  // Whatever the configuration refuses that no finding above explains.
  try {
    resolveConfig(config);
  } catch (error) {
    const field = error instanceof ConfigError ? error.field : 'config';
    if (!out.list.some((finding) => finding.severity === 'error' && explains(finding, field))) {
      const message = error instanceof Error ? error.message.slice(0, error.message.length - (error instanceof ConfigError && error.hint ? ` (hint: ${error.hint})`.length : 0)) : String(error);
      out.add('CONFIG_INVALID', { message, fix: (error instanceof ConfigError ? configHint(error.field, message)?.fix : undefined) ?? 'correct the field the message names' }, { field });
    }
  }
  return facts;
}

// A finding explains the configuration's refusal of `field` when it concerns that field, or the
// key that a `certs["…"]` field is keyed by.
function explains(finding: { field?: string; key?: { id?: string } }, field: string): boolean {
  if (finding.field === field) return true;
  const id = finding.key?.id;
  return id !== undefined && field.startsWith('certs[') && field.toUpperCase() === `CERTS[${JSON.stringify(id.toUpperCase())}]`;
}

function merchantRef(facts: ConfigFacts) {
  return { role: 'merchant private key' as const, ...(facts.serial ? { id: facts.serial } : {}) };
}

function certificateRef(serial: string) {
  return { role: 'merchant API certificate' as const, id: serial };
}

function checkMerchantKey(given: Partial<WechatpayConfig>, facts: ConfigFacts, out: Findings, now: number): void {
  const { mchid } = facts;
  let certificate: X509Certificate | undefined;
  if (given.pkcs12 !== undefined) {
    try {
      const bundle = loadPkcs12(given.pkcs12, given.pkcs12Passphrase ?? mchid);
      facts.privateKey = bundle.privateKey;
      certificate = bundle.certificate;
      facts.serial = typeof given.serial === 'string' ? given.serial : bundle.serial;
      facts.keys.push({ role: 'merchant private key', id: bundle.serial, format: 'PKCS#12 bundle', fingerprint: fingerprint(bundle.privateKey) });
    } catch (error) {
      const reason = error instanceof ConfigError ? error.message.replace(/^pkcs12: /, '').replace(/ \(hint: .*\)$/, '') : String(error);
      out.add('PKCS12_UNREADABLE', { message: `pkcs12 (apiclient_cert.p12 of mchid ${mchid}) cannot be opened: ${reason}`, fix: 'give the DER bytes or a file:// URL of apiclient_cert.p12, and pkcs12Passphrase if it is not the merchant id' }, { key: { role: 'merchant private key' }, field: 'pkcs12' });
    }
  } else {
    if (typeof given.serial === 'string') facts.serial = given.serial;
    if (given.privateKey === undefined) {
      // An APIv2-only client needs the private key only for mutual TLS, which WeChat Pay asks for on a few calls.
      if (!facts.apiv2Only) out.add('PRIVATE_KEY_MISSING', { message: `no merchant API private key for mchid ${mchid}: privateKey (or pkcs12) is not set`, fix: 'set privateKey to apiclient_key.pem (PEM text or a file:// URL), or pkcs12 to apiclient_cert.p12' }, { key: merchantRef(facts), field: 'privateKey' });
    } else {
      inspectPrivateKey(given.privateKey, facts, out);
    }
  }
  const serial = facts.serial;
  if (serial !== undefined && isPublicKeyId(serial)) {
    out.add('SERIAL_IS_PUBLIC_KEY_ID', { message: `serial is ${serial}, the id of the WeChat Pay public key, not the merchant API certificate serial of mchid ${mchid}`, fix: `move ${serial} into certs (certs["${serial}"] = the public key's PEM) and set serial to the merchant API certificate serial (openssl x509 -noout -serial -in apiclient_cert.pem)` }, { key: { role: 'WeChat Pay public key', id: serial }, field: 'serial' });
  }
  if (certificate === undefined && given.merchantCertificate !== undefined) {
    const inspected = inspectKey(given.merchantCertificate);
    if (inspected.kind === 'certificate') certificate = inspected.certificate;
    else out.add('CONFIG_INVALID', { message: `merchantCertificate is not a certificate: ${inspected.reason ?? inspected.format}`, fix: 'give apiclient_cert.pem, the merchant API certificate, as PEM text' }, { key: { role: 'merchant API certificate' }, field: 'merchantCertificate' });
  }
  if (!certificate) return;
  facts.merchantCertificate = certificate;
  const own = certificate.serialNumber.toUpperCase();
  facts.keys.push({ role: 'merchant API certificate', id: own, format: 'X.509 certificate', fingerprint: fingerprint(certificate.publicKey), notAfter: new Date(validity(certificate).notAfter).toISOString() });
  if (serial !== undefined && !sameSerial(own, serial)) {
    out.add('MERCHANT_CERT_SERIAL_MISMATCH', { message: `the merchant API certificate (${given.pkcs12 !== undefined ? 'pkcs12' : 'merchantCertificate'}) has serial ${own}, but serial is ${serial} (mchid ${mchid})`, fix: `set serial to ${own} if this is the current certificate, or give the certificate whose serial is ${serial}` }, { key: certificateRef(own), field: 'serial' });
  }
  if (facts.privateKey && !certificate.checkPrivateKey(facts.privateKey)) {
    out.add('MERCHANT_CERT_KEY_MISMATCH', { message: `privateKey (${fingerprint(facts.privateKey)}) is not the key of merchant API certificate ${own} (${fingerprint(certificate.publicKey)}), mchid ${mchid}`, fix: 'give the apiclient_key.pem issued together with this apiclient_cert.pem (openssl x509 -noout -modulus and openssl rsa -noout -modulus print the same modulus for a pair)' }, { key: certificateRef(own), field: 'privateKey' });
  }
  const { notAfter } = validity(certificate);
  if (notAfter <= now) {
    out.add('MERCHANT_CERT_EXPIRED', { message: `merchant API certificate ${own} of mchid ${mchid} expired on ${new Date(notAfter).toISOString()}`, fix: 'renew the merchant API certificate in the merchant platform (账户中心 → API安全) and configure the new key and serial' }, { key: certificateRef(own), field: 'merchantCertificate' });
  } else if (notAfter - now < EXPIRY_WARNING_DAYS * DAY) {
    out.add('MERCHANT_CERT_EXPIRING', { message: `merchant API certificate ${own} of mchid ${mchid} expires on ${new Date(notAfter).toISOString()}, in ${Math.ceil((notAfter - now) / DAY)} days`, fix: 'renew it in the merchant platform (账户中心 → API安全) before then, and configure the new key and serial' }, { key: certificateRef(own), field: 'merchantCertificate' });
  }
}

function inspectPrivateKey(input: unknown, facts: ConfigFacts, out: Findings): void {
  const inspected = inspectKey(input);
  const ref = merchantRef(facts);
  const who = `the merchant API private key (privateKey) of mchid ${facts.mchid}`;
  if (inspected.kind === 'private') {
    if (inspected.key!.asymmetricKeyType !== 'rsa') {
      out.add('PRIVATE_KEY_WRONG_KIND', { message: `${who} is an ${inspected.key!.asymmetricKeyType} key (${inspected.format}); WeChat Pay's APIv3 signs with RSA`, fix: 'give apiclient_key.pem, the RSA key the merchant API certificate was issued for' }, { key: ref, field: 'privateKey' });
      return;
    }
    facts.privateKey = inspected.key!;
    facts.keys.push({ role: 'merchant private key', ...(facts.serial ? { id: facts.serial } : {}), format: inspected.format, fingerprint: fingerprint(inspected.key!) });
    return;
  }
  const diagnosis: Record<Exclude<typeof inspected.kind, 'private'>, () => [Parameters<Findings['add']>[0], Diagnosis]> = {
    encrypted: () => ['PRIVATE_KEY_ENCRYPTED', { message: `${who} is encrypted (${inspected.format})`, fix: 'decrypt it once (openssl pkey -in encrypted.pem -out apiclient_key.pem), or pass a KeyObject made with createPrivateKey({ key, passphrase })' }],
    certificate: () => ['PRIVATE_KEY_WRONG_KIND', { message: `${who} holds a certificate (serial ${inspected.certificate!.serialNumber.toUpperCase()}), not a private key`, fix: 'give apiclient_key.pem ("-----BEGIN PRIVATE KEY-----"), which sits beside apiclient_cert.pem: a certificate holds only the public key' }],
    public: () => ['PRIVATE_KEY_WRONG_KIND', { message: `${who} holds a public key (${inspected.format}${inspected.key ? `, ${fingerprint(inspected.key)}` : ''}): the WeChat Pay public key?`, fix: 'give apiclient_key.pem; the WeChat Pay public key goes into certs under its PUB_KEY_ID_' }],
    pkcs12: () => ['PRIVATE_KEY_WRONG_KIND', { message: `${who} holds ${inspected.format}`, fix: 'give the bundle as pkcs12 (with pkcs12Passphrase if it is not the merchant id) instead of privateKey, and leave privateKey out' }],
    unreadable: () => ['PRIVATE_KEY_UNREADABLE', { message: `${who} cannot be read: ${inspected.reason ?? inspected.format}`, fix: 'give apiclient_key.pem as PEM text ("-----BEGIN PRIVATE KEY-----" … "-----END PRIVATE KEY-----") or as an absolute file:// URL' }],
  };
  const [code, found] = diagnosis[inspected.kind as Exclude<typeof inspected.kind, 'private'>]();
  out.add(code, found, { key: ref, field: 'privateKey' });
}

/** Whether a certificate is the merchant's own: its key is the merchant's, or its subject names the merchant. */
function isMerchantCertificate(certificate: X509Certificate, facts: ConfigFacts): string | undefined {
  if (facts.privateKey && sameKey(certificate.publicKey, facts.privateKey)) return 'its public key is the one of privateKey';
  if (facts.merchantCertificate && sameSerial(certificate.serialNumber, facts.merchantCertificate.serialNumber)) return 'it is merchantCertificate itself';
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1];
  if (cn !== undefined && facts.mchid !== '?' && cn.trim() === facts.mchid) return `its subject names the merchant (CN=${cn})`;
  return undefined;
}

function checkPlatformKeys(given: Partial<WechatpayConfig>, facts: ConfigFacts, out: Findings, now: number): void {
  const certs = given.certs;
  const refreshed = given.apiv3Key !== undefined;
  const { mchid } = facts;
  if (certs !== undefined && (certs === null || typeof certs !== 'object')) {
    out.add('CONFIG_INVALID', { message: 'certs is not an object', fix: 'give { "<platform certificate serial>": PEM, "PUB_KEY_ID_…": PEM }' }, { field: 'certs' });
    return;
  }
  for (const [id, input] of Object.entries(certs ?? {})) {
    const field = `certs[${JSON.stringify(id)}]`;
    const publicKeyId = isPublicKeyId(id);
    if (!publicKeyId && !/^[0-9A-Fa-f]+$/.test(id)) {
      out.add('PLATFORM_KEY_ID_INVALID', { message: `${field} is keyed by neither a platform certificate serial (hex) nor a PUB_KEY_ID_`, fix: `key a platform certificate by its serial, the WeChat Pay public key by its PUB_KEY_ID_ from ${PUBLIC_KEY_SOURCE}` }, { field });
      continue;
    }
    const role = publicKeyId ? ('WeChat Pay public key' as const) : ('platform certificate' as const);
    const ref = { role, id };
    const inspected = inspectKey(input);
    if (inspected.kind === 'unreadable' || inspected.kind === 'encrypted' || inspected.kind === 'pkcs12') {
      out.add('PLATFORM_KEY_UNREADABLE', { message: `${field} (${role} ${id}) cannot be read: ${inspected.reason ?? inspected.format}`, fix: publicKeyId ? `give the public key's PEM ("-----BEGIN PUBLIC KEY-----") from ${PUBLIC_KEY_SOURCE}` : 'give the platform certificate PEM (npx wxpay-chain certificates saves them), or an absolute file:// URL' }, { key: ref, field });
      continue;
    }
    if (inspected.kind === 'private') {
      const own = facts.privateKey && sameKey(inspected.key!, facts.privateKey) ? "the merchant's own private key (privateKey)" : 'a private key';
      out.add('PLATFORM_KEY_IS_PRIVATE', { message: `${field} holds ${own}, where WeChat Pay's ${role} ${id} belongs`, fix: publicKeyId ? `give the WeChat Pay public key from ${PUBLIC_KEY_SOURCE}` : "give WeChat Pay's platform certificate; never put a private key into certs" }, { key: ref, field });
      continue;
    }
    if (inspected.kind === 'public') {
      if (facts.privateKey && sameKey(inspected.key!, facts.privateKey)) {
        out.add('PUBLIC_KEY_IS_MERCHANT', { message: `${field} holds the public key of the merchant's own privateKey (${fingerprint(inspected.key!)}), not WeChat Pay's`, fix: `give the WeChat Pay public key from ${PUBLIC_KEY_SOURCE}` }, { key: ref, field });
        continue;
      }
      if (!publicKeyId) {
        out.add('PUBLIC_KEY_UNDER_SERIAL', { message: `${field} holds a bare public key (${fingerprint(inspected.key!)}) under a certificate serial`, fix: `if it is the WeChat Pay public key, key it by its PUB_KEY_ID_ (${PUBLIC_KEY_SOURCE}); a platform certificate serial takes the certificate PEM` }, { key: { role: 'WeChat Pay public key' }, field });
        continue;
      }
      if (inspected.key!.asymmetricKeyType !== 'rsa') {
        out.add('PLATFORM_KEY_UNREADABLE', { message: `${field} is an ${inspected.key!.asymmetricKeyType} key; WeChat Pay's APIv3 signs with RSA`, fix: `give the RSA public key from ${PUBLIC_KEY_SOURCE}` }, { key: ref, field });
        continue;
      }
      facts.platformKeys.set(id, { id, key: inspected.key! });
      facts.keys.push({ role, id, format: inspected.format, fingerprint: fingerprint(inspected.key!) });
      continue;
    }
    const certificate = inspected.certificate!;
    const own = certificate.serialNumber.toUpperCase();
    const merchant = isMerchantCertificate(certificate, facts);
    if (merchant) {
      out.add('PLATFORM_CERT_IS_MERCHANT', { message: `${field} is the merchant's own API certificate ${own} (mchid ${mchid}): ${merchant}; answers are signed by WeChat Pay's keys`, fix: refreshed ? `remove it: with apiv3Key the platform certificates are downloaded` : `replace it with a platform certificate (npx wxpay-chain certificates downloads them) or the WeChat Pay public key from ${PUBLIC_KEY_SOURCE}` }, { key: { role: 'merchant API certificate', id: own }, field });
      continue;
    }
    if (publicKeyId) {
      out.add('PUBLIC_KEY_ID_NOT_PUBLIC_KEY', { message: `${field} holds a certificate (serial ${own}), but a PUB_KEY_ID_ names the WeChat Pay public key`, fix: `give the public key's PEM ("-----BEGIN PUBLIC KEY-----") from ${PUBLIC_KEY_SOURCE}; a platform certificate goes under its serial, certs["${own}"]` }, { key: ref, field });
      continue;
    }
    if (facts.serial !== undefined && (sameSerial(id, facts.serial) || sameSerial(own, facts.serial))) {
      out.add('SERIAL_IS_PLATFORM', { message: `serial ${facts.serial} is the serial of platform certificate ${own} in ${field}, not of the merchant API certificate of mchid ${mchid}`, fix: 'set serial to the merchant API certificate serial (商户API证书序列号: openssl x509 -noout -serial -in apiclient_cert.pem); keep the platform certificate in certs' }, { key: { role: 'platform certificate', id: own }, field: 'serial' });
    }
    if (!sameSerial(id, own)) {
      out.add('PLATFORM_CERT_SERIAL_MISMATCH', { message: `${field} holds platform certificate ${own}, whose serial is not ${id}: answers signed by ${own} are not found under it`, fix: `key it by its own serial: certs["${own}"]` }, { key: { role: 'platform certificate', id: own }, field });
    }
    const { notBefore, notAfter } = validity(certificate);
    facts.keys.push({ role, id: own, format: inspected.format, fingerprint: fingerprint(certificate.publicKey), notAfter: new Date(notAfter).toISOString() });
    if (notAfter <= now) {
      out.add('PLATFORM_CERT_EXPIRED', { message: `platform certificate ${own} (${field}) expired on ${new Date(notAfter).toISOString()}`, fix: refreshed ? 'remove it: with apiv3Key the client downloads the current ones' : 'give apiv3Key so the client downloads the current platform certificates, or replace it (npx wxpay-chain certificates)' }, { key: ref, field, severity: refreshed ? 'warning' : 'error' });
      continue;
    }
    if (notBefore > now) {
      out.add('PLATFORM_CERT_NOT_YET_VALID', { message: `platform certificate ${own} (${field}) is valid only from ${new Date(notBefore).toISOString()}`, fix: "check this machine's clock, and that this is the certificate WeChat Pay lists now" }, { key: ref, field });
    } else if (notAfter - now < EXPIRY_WARNING_DAYS * DAY) {
      out.add('PLATFORM_CERT_EXPIRING', { message: `platform certificate ${own} (${field}) expires on ${new Date(notAfter).toISOString()}, in ${Math.ceil((notAfter - now) / DAY)} days`, fix: refreshed ? 'nothing: with apiv3Key the client downloads its successor' : 'give apiv3Key so the client follows the rotation, or add its successor to certs before then' }, { key: ref, field, severity: refreshed ? 'info' : 'warning' });
    }
    facts.platformKeys.set(own, { id: own, key: certificate.publicKey, certificate });
  }
  if (facts.platformKeys.size === 0 && !refreshed && !facts.apiv2Only) {
    out.add('NO_VERIFICATION_KEY', { message: `no platform certificate or WeChat Pay public key to verify mchid ${mchid}'s answers and notifications with`, fix: `add certs["PUB_KEY_ID_…"] (${PUBLIC_KEY_SOURCE}) or a platform certificate, or give apiv3Key to download the platform certificates` }, { field: 'certs' });
  }
}

function checkSymmetricKeys(given: Partial<WechatpayConfig>, facts: ConfigFacts, out: Findings): void {
  const { mchid } = facts;
  const v3 = given.apiv3Key;
  const v2 = given.apiv2Key;
  const ref3 = { role: 'APIv3 key' as const, id: mchid };
  const ref2 = { role: 'APIv2 key' as const, id: mchid };
  if (v3 === undefined) {
    if (!facts.apiv2Only) out.add('APIV3_KEY_ABSENT', { message: `no apiv3Key for mchid ${mchid}: notifications cannot be decrypted, and platform certificates are not downloaded`, fix: 'give apiv3Key (账户中心 → API安全 → APIv3密钥) to receive notifications or to keep platform certificates current' }, { key: ref3, field: 'apiv3Key' });
  } else if (typeof v3 !== 'string' && !Buffer.isBuffer(v3)) {
    out.add('APIV3_KEY_LENGTH', { message: `apiv3Key of mchid ${mchid} is a ${typeof v3}, not a string or Buffer`, fix: 'give the 32-character APIv3 key as a string' }, { key: ref3, field: 'apiv3Key' });
  } else {
    const bytes = Buffer.isBuffer(v3) ? v3 : Buffer.from(v3, 'utf8');
    const text = bytes.toString('latin1');
    facts.keys.push({ role: 'APIv3 key', id: mchid, length: bytes.length });
    if (/\s/.test(text)) {
      const trimmed = text.trim().length === 32 ? ': without it, it has the right 32 characters' : '';
      out.add('APIV3_KEY_WHITESPACE', { message: `apiv3Key of mchid ${mchid} contains whitespace (${/^\s|\s$/.test(text) ? 'at an end: a newline from a file?' : 'inside'})${trimmed}`, fix: 'remove the whitespace (e.g. .trim() what is read from a file or the environment)' }, { key: ref3, field: 'apiv3Key' });
    } else if (bytes.length !== 32) {
      out.add('APIV3_KEY_LENGTH', { message: `apiv3Key of mchid ${mchid} is ${bytes.length} bytes; the APIv3 key is 32`, fix: 'copy the whole APIv3 key from 账户中心 → API安全 → APIv3密钥 (not the private key, not a hash of the key)' }, { key: ref3, field: 'apiv3Key' });
    } else {
      facts.apiv3Key = Buffer.from(bytes);
    }
    if (typeof v2 === 'string' && bytes.equals(Buffer.from(v2, 'utf8'))) {
      out.add('APIV3_KEY_IS_APIV2_KEY', { message: `apiv3Key and apiv2Key of mchid ${mchid} are the same key; WeChat Pay sets them apart`, fix: 'copy each from the merchant platform: APIv3密钥 into apiv3Key, API密钥 into apiv2Key' }, { key: ref3, field: 'apiv3Key' });
    }
  }
  if (v2 !== undefined) {
    const problem = typeof v2 !== 'string' ? `a ${typeof v2}, not a string` : /\s/.test(v2) ? 'contains whitespace' : v2.length !== 32 ? `${v2.length} characters long` : !/^[A-Za-z0-9]+$/.test(v2) ? 'not only letters and digits' : undefined;
    if (problem) {
      out.add('APIV2_KEY_FORM', { message: `apiv2Key of mchid ${mchid} is ${problem}; the APIv2 key is 32 letters and digits`, fix: 'copy it from 账户中心 → API安全 → API密钥, without spaces or newlines' }, { key: ref2, field: 'apiv2Key' });
    } else {
      facts.apiv2Key = v2 as string;
      facts.keys.push({ role: 'APIv2 key', id: mchid, length: (v2 as string).length });
    }
  }
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'];

function checkProxy(given: Partial<WechatpayConfig> & Record<string, unknown>, facts: ConfigFacts, out: Findings, env: NodeJS.ProcessEnv): void {
  const proxy = given.proxy as { host?: unknown; port?: unknown; protocol?: unknown } | false | undefined;
  const set = PROXY_VARIABLES.filter((name) => env[name]);
  const fix = 'a proxy that changes the path or body makes WeChat Pay answer 401 SIGN_ERROR: run the doctor with --online; proxy: false in the configuration sends directly';
  if (proxy && typeof proxy === 'object') {
    out.add('PROXY', { message: `calls go through the configured proxy ${String(proxy.protocol ?? 'http')}://${String(proxy.host)}:${String(proxy.port ?? '')}`, fix }, { field: 'proxy' });
    return;
  }
  if (set.length === 0) return;
  const names = set.map((name) => `${name}=${redactUrl(String(env[name]))}`).join(', ');
  if (proxy === false) {
    out.add('PROXY', { message: `${names} is set, but the configuration says proxy: false: calls go directly to ${facts.baseURL}`, fix: 'nothing, if WeChat Pay is reachable directly from here' }, { field: 'proxy' });
    return;
  }
  const used = proxyFor(facts.baseURL, env);
  out.add('PROXY', {
    message: used ? `calls to ${facts.baseURL} go through the proxy ${redactUrl(used)} (${names})` : `${names} is set, but not used for ${facts.baseURL} (NO_PROXY, or no variable for its scheme)`,
    fix,
  }, { field: 'proxy' });
}

/** The proxy axios takes from the environment for `url` (its rules: `<scheme>_proxy`, `all_proxy`, `no_proxy`). */
export function proxyFor(url: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, '');
  const get = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || '';
  const port = Number(parsed.port) || (scheme === 'https' ? 443 : 80);
  const host = parsed.hostname;
  const noProxy = get('no_proxy').toLowerCase();
  if (noProxy === '*') return undefined;
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    const [, name = entry, entryPort] = /^(.+):(\d+)$/.exec(entry) ?? [];
    if (entryPort && Number(entryPort) !== port) continue;
    if (/^[.*]/.test(name) ? host.endsWith(name.replace(/^\*/, '')) : host === name) return undefined;
  }
  const proxy = get(`${scheme}_proxy`) || get('all_proxy');
  if (!proxy) return undefined;
  return proxy.includes('://') ? proxy : `${scheme}://${proxy}`;
}
