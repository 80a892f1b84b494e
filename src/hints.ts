// The one-line diagnoses shared by the errors (`error.hint`) and by `wxpay-chain doctor`: the
// likely cause, naming the key by its role and id, and what to do. They are made only from what
// an error already knows (codes, ids, WeChat Pay's own answer) and never hold a key, a
// signature or a body. Kept on the floor, beneath the errors that carry them.

/** A cause and its fix, each one line. */
export interface Diagnosis {
  message: string;
  fix: string;
}

/** The one line an error carries: the cause, then the fix. */
export function oneLine(diagnosis: Diagnosis): string {
  return `${diagnosis.message}; fix: ${diagnosis.fix}`;
}

export function isPublicKeyId(id: string): boolean {
  return id.startsWith('PUB_KEY_ID_');
}

/** Where a merchant finds the WeChat Pay public key and its id. */
export const PUBLIC_KEY_SOURCE = 'the merchant platform (账户中心 → API安全 → 微信支付公钥)';

/** How to verify a notification's raw bytes in each framework (one line). */
export const RAW_BODY_FIX =
  "verify the bytes as received: Express app.post('/notify', express.raw({ type: '*/*' }), wxpay.webhooks.express(handler)) or app.use(express.json({ verify: keepRawBody })); Koa wxpay.webhooks.koa(handler); Fastify fastify.register(wxpay.webhooks.fastify(handler, { url })); never JSON.stringify(req.body)";

/** A WeChat Pay key (platform certificate or public key), by role and id. */
export function wechatpayKey(id: string): string {
  return isPublicKeyId(id) ? `the WeChat Pay public key ${id}` : `platform certificate ${id}`;
}

export function unknownKey(id: string): Diagnosis {
  return isPublicKeyId(id)
    ? {
        message: `signed by the WeChat Pay public key ${id}, which this client does not hold`,
        fix: `add certs["${id}"] = that public key's PEM, from ${PUBLIC_KEY_SOURCE}`,
      }
    : {
        message: `signed by platform certificate ${id}, which this client does not hold`,
        fix: `give apiv3Key so the client downloads the platform certificates, or add certs["${id}"] (npx wxpay-chain certificates saves it)`,
      };
}

export function badSignature(id: string | undefined): Diagnosis {
  if (id === undefined) {
    return { message: 'the sign does not match under the APIv2 key', fix: 'set apiv2Key to the APIv2 key of the merchant platform (账户中心 → API安全 → API密钥), or find what changed the message on the way' };
  }
  return {
    message: `the body is not the bytes WeChat Pay signed with ${wechatpayKey(id)}, or certs["${id}"] holds another key`,
    fix: `for a notification, ${RAW_BODY_FIX}; for an answer, look for a proxy that changes bodies; check that certs["${id}"] is ${isPublicKeyId(id) ? `the public key ${PUBLIC_KEY_SOURCE} shows` : 'the certificate WeChat Pay lists under that serial'}`,
  };
}

export function clockSkew(seconds?: number): Diagnosis {
  return {
    message: seconds === undefined ? "this machine's clock is off, or the message is old" : `this machine's clock differs from WeChat Pay's by about ${Math.round(seconds)} s, or the message is old`,
    fix: "sync this machine's clock (NTP); a notification held in a queue or replayed is refused for its age alone",
  };
}

export const MISSING_HEADERS: Diagnosis = {
  message: 'something other than WeChat Pay answered (a proxy, gateway or CDN), or one of them dropped the Wechatpay-* headers',
  fix: 'check that baseURL (or the notification URL) reaches WeChat Pay directly, and that proxies forward Wechatpay-Timestamp/-Nonce/-Signature/-Serial unchanged',
};

export const PROBE: Diagnosis = {
  message: 'a WECHATPAY/SIGNTEST/ probe: WeChat Pay checks that merchants verify signatures',
  fix: 'nothing: refusing it is correct (a handler that accepts it does not verify signatures)',
};

export const WRONG_APIV3_KEY: Diagnosis = {
  message: 'apiv3Key is not the APIv3 key set in the merchant platform',
  fix: 'copy the APIv3 key from 账户中心 → API安全 → APIv3密钥 (32 characters; not the APIv2 key, not the private key); if it was reset, the old one no longer opens anything',
};

export const SWAPPED_KEYS: Diagnosis = {
  message: 'apiv3Key and apiv2Key are swapped: what was given as apiv2Key opens what the APIv3 key encrypts',
  fix: 'exchange the values of apiv3Key and apiv2Key',
};

export const BAD_APIV3_KEY_SIZE: Diagnosis = {
  message: 'the APIv3 key is 32 bytes (32 ASCII characters)',
  fix: 'set apiv3Key to the APIv3 key from 账户中心 → API安全 → APIv3密钥, without spaces or newlines',
};

export const NOT_FOR_THIS_KEY: Diagnosis = {
  message: "the field was not encrypted for this merchant's private key, or it was altered",
  fix: 'decrypt with the client of the merchant (mchid) the answer belongs to; its privateKey must be the key of its serial',
};

export const WRONG_APIV2_KEY: Diagnosis = {
  message: 'apiv2Key is not the APIv2 key set in the merchant platform (req_info is encrypted under its MD5)',
  fix: 'copy the APIv2 key from 账户中心 → API安全 → API密钥 (32 characters; not the APIv3 key)',
};

export const NO_PLATFORM_CERTIFICATE: Diagnosis = {
  message: 'this merchant has no platform certificate: WeChat Pay signs its answers and notifications with the WeChat Pay public key',
  fix: `add certs["PUB_KEY_ID_…"] = the public key's PEM, from ${PUBLIC_KEY_SOURCE}`,
};

export const RESERIALISED_BODY: Diagnosis = {
  message: 'a body parser consumed the notification before the signature check (the bytes WeChat Pay signed are gone)',
  fix: RAW_BODY_FIX,
};

export const REPLAYED: Diagnosis = {
  message: 'the same Wechatpay-Nonce came twice inside the time window: a replay (WeChat Pay signs each delivery, retries included, afresh)',
  fix: 'nothing, if it was refused; if it came through a proxy that resends requests, make it stop',
};

/** `detail.sign_information` of a 401 SIGN_ERROR: what WeChat Pay built the message from. */
export interface SignInformation {
  method?: string;
  url?: string;
  /** The message WeChat Pay verified, the body cut short, newlines as `\n`. */
  truncated_sign_message?: string;
  /** The message's length in bytes. */
  sign_message_length?: number;
}

/** What the client signed, to hold against WeChat Pay's `sign_information`. Not secret. */
export interface SignedRequest {
  method: string;
  /** Path and query as signed and sent. */
  url: string;
  timestamp: string;
  nonce: string;
  /** The first bytes of the body, as far as WeChat Pay shows it. */
  bodyStart: string;
  /** The message's length in bytes. */
  length: number;
  serial: string;
  mchid: string;
}

/** How many characters of the body WeChat Pay's `truncated_sign_message` shows. */
const SHOWN_BODY = 8;

/** The parts of a signed request that WeChat Pay's `sign_information` can be held against. */
export function signedRequest(method: string, url: string, timestamp: string, nonce: string, body: string, serial: string, mchid: string): SignedRequest {
  const upper = method.toUpperCase();
  return {
    method: upper,
    url,
    timestamp,
    nonce,
    bodyStart: body.slice(0, SHOWN_BODY),
    length: Buffer.byteLength(`${upper}\n${url}\n${timestamp}\n${nonce}\n${body}\n`),
    serial,
    mchid,
  };
}

/** The message WeChat Pay would show for a request signed as `signed`. */
export function truncatedMessage(signed: SignedRequest): string {
  return `${signed.method}\n${signed.url}\n${signed.timestamp}\n${signed.nonce}\n${signed.bodyStart}\n`;
}

/** `sign_information` from a SIGN_ERROR's `detail`, in either of the shapes WeChat Pay has used. */
export function signInformation(detail: unknown): SignInformation | undefined {
  const info = (detail as { sign_information?: unknown } | null | undefined)?.sign_information;
  if (typeof info !== 'object' || info === null) return undefined;
  const given = info as Record<string, unknown>;
  const text = (name: string) => (typeof given[name] === 'string' ? (given[name] as string) : undefined);
  const length = Number(given.sign_message_length);
  const out: SignInformation = {};
  if (text('method') !== undefined) out.method = text('method')!;
  if (text('url') !== undefined) out.url = text('url')!;
  if (text('truncated_sign_message') !== undefined) out.truncated_sign_message = text('truncated_sign_message')!;
  if (Number.isSafeInteger(length)) out.sign_message_length = length;
  return out;
}

export type SignErrorCause = 'wrong-key' | 'altered' | 'serial' | 'timestamp' | 'mchid' | 'format' | 'unknown';

export interface SignErrorDiagnosis extends Diagnosis {
  cause: SignErrorCause;
}

function sameUrl(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return decodeURIComponent(a) === decodeURIComponent(b);
  } catch {
    return false;
  }
}

/**
 * Why WeChat Pay answered 401 SIGN_ERROR. With its `sign_information` and what the client signed:
 * the same message verified means the signature itself is wrong (the private key is not the key
 * of `serial`); another message means something between changed the request. Without them, the
 * message WeChat Pay gave.
 */
export function diagnoseSignError(message: string, detail: unknown, signed?: SignedRequest): SignErrorDiagnosis {
  const info = signInformation(detail);
  const who = signed ? ` of merchant API certificate ${signed.serial} (mchid ${signed.mchid})` : ' of serial';
  if (info && (info.method !== undefined || info.url !== undefined || info.sign_message_length !== undefined)) {
    const theirs = `${info.method ?? '?'} ${info.url ?? '?'} (${info.sign_message_length ?? '?'} bytes)`;
    if (!signed) {
      return {
        cause: 'unknown',
        message: `WeChat Pay verified ${theirs}`,
        fix: `if that is the request sent, privateKey is not the private key${who}; if not, something between (a proxy, a gateway) changed the request`,
      };
    }
    const ours = `${signed.method} ${signed.url} (${signed.length} bytes)`;
    const changed: string[] = [];
    if (info.method !== undefined && info.method.toUpperCase() !== signed.method) changed.push('method');
    if (info.url !== undefined && !sameUrl(info.url, signed.url)) changed.push('path or query');
    const shown = info.truncated_sign_message;
    if (shown !== undefined && !changed.length) {
      // METHOD, URL, TIMESTAMP, NONCE, then the start of the body.
      const lines = shown.split('\n');
      if (lines[2] !== signed.timestamp || lines[3] !== signed.nonce) changed.push('Authorization header');
      else {
        const body = shown.slice(lines.slice(0, 4).join('\n').length + 1).replace(/\n$/, '');
        if (!signed.bodyStart.startsWith(body) && !body.startsWith(signed.bodyStart)) changed.push('body');
      }
    }
    if (!changed.length && info.sign_message_length !== undefined && info.sign_message_length !== signed.length) changed.push('body');
    if (changed.length) {
      return {
        cause: 'altered',
        message: `WeChat Pay verified ${theirs} but the client signed ${ours}: the request was changed in transit (${changed.join(', ')})`,
        fix: 'send to WeChat Pay without rewriting: a proxy or gateway on the way must pass the method, path, query, body and Authorization header unchanged (no prefix stripped, no JSON re-encoded)',
      };
    }
    return {
      cause: 'wrong-key',
      message: `WeChat Pay verified exactly what the client signed (${ours}), so the signature is wrong: privateKey is not the private key${who}`,
      fix: `use the apiclient_key.pem issued with certificate ${signed.serial}, or set serial to the certificate of this key (the modulus of openssl x509 -noout -modulus -in apiclient_cert.pem and of openssl rsa -noout -modulus -in apiclient_key.pem must be equal)`,
    };
  }
  const serial = signed ? ` ${signed.serial}` : '';
  const mchid = signed ? ` ${signed.mchid}` : '';
  if (/序列号|serial/i.test(message)) {
    return {
      cause: 'serial',
      message: `WeChat Pay does not accept serial${serial} as an API certificate of mchid${mchid} ("${message}")`,
      fix: 'set serial to the merchant API certificate serial (商户API证书序列号: openssl x509 -noout -serial -in apiclient_cert.pem), not a platform certificate serial, a PUB_KEY_ID_ or a replaced certificate',
    };
  }
  if (/timestamp|时间/i.test(message)) {
    return { cause: 'timestamp', message: `WeChat Pay refused the request's timestamp ("${message}")`, fix: "sync this machine's clock (NTP): WeChat Pay accepts 5 minutes either way" };
  }
  if (/mchid|商户号/i.test(message)) {
    return { cause: 'mchid', message: `WeChat Pay does not accept mchid${mchid} with this certificate ("${message}")`, fix: 'set mchid to the merchant id the API certificate was issued to' };
  }
  if (/Authorization/i.test(message)) {
    return { cause: 'format', message: `WeChat Pay could not read the Authorization header ("${message}")`, fix: 'look for a proxy or an interceptor that rewrites or drops the Authorization header' };
  }
  return { cause: 'unknown', message: `WeChat Pay refused the signature ("${message}")`, fix: 'run npx wxpay-chain doctor --online to compare what was signed with what WeChat Pay verified' };
}

/** The hint of a VerificationError, from its code, its message and the key id it names. */
export function verificationHint(code: string, message: string, keyId: string | undefined): Diagnosis | undefined {
  // APIv2 has no signature headers and no key ids: its sign is made with the APIv2 key.
  const v2 = keyId === undefined && /APIv2/.test(message);
  switch (code) {
    case 'MISSING_HEADERS':
      return v2 ? undefined : MISSING_HEADERS;
    case 'BAD_TIMESTAMP':
      return { ...MISSING_HEADERS, message: 'Wechatpay-Timestamp is not one WeChat Pay wrote: something between rewrote it' };
    case 'TIMESTAMP_SKEW':
      return clockSkew();
    case 'SIGNTEST_PROBE':
      return PROBE;
    case 'UNKNOWN_SERIAL':
      return keyId === undefined ? undefined : unknownKey(keyId);
    case 'BAD_SIGNATURE':
      return keyId === undefined && !v2 ? undefined : badSignature(keyId);
    default:
      return undefined;
  }
}

/** The hint of a DecryptionError: which key failed follows from what was being opened. */
export function decryptionHint(code: string, message: string): Diagnosis | undefined {
  if (code === 'BAD_KEY') return BAD_APIV3_KEY_SIZE;
  if (code !== 'AUTHENTICATION_FAILED') return undefined;
  if (/RSA-OAEP/.test(message)) return NOT_FOR_THIS_KEY;
  if (/APIv2|req_info/.test(message)) return WRONG_APIV2_KEY;
  return WRONG_APIV3_KEY;
}

/** The hint of a CertificateError. */
export function certificateHint(code: string): Diagnosis | undefined {
  switch (code) {
    case 'DECRYPT_FAILED':
      return WRONG_APIV3_KEY;
    case 'NO_PLATFORM_CERTIFICATE':
      return NO_PLATFORM_CERTIFICATE;
    case 'EXPIRED':
      return { message: 'WeChat Pay no longer signs with an expired platform certificate', fix: 'give apiv3Key so the client keeps the platform certificates current, or replace it in certs' };
    default:
      return undefined;
  }
}

/** The hint of a WebhookError. */
export function webhookHint(code: string): Diagnosis | undefined {
  if (code === 'BODY_CONSUMED') return RESERIALISED_BODY;
  if (code === 'REPLAYED_NONCE') return REPLAYED;
  return undefined;
}

/** The hint of a ConfigError, by the field it names: what that key is, and where it comes from. */
export function configHint(field: string, message: string): Diagnosis | undefined {
  if (field === 'privateKey') {
    if (/encrypted/i.test(message)) return { message: 'privateKey is encrypted', fix: 'give the decrypted apiclient_key.pem (openssl pkey -in key.pem -out apiclient_key.pem), or a KeyObject made with createPrivateKey({ key, passphrase })' };
    return {
      message: 'privateKey is the merchant API private key: apiclient_key.pem, "-----BEGIN PRIVATE KEY-----"',
      fix: 'not apiclient_cert.pem, a platform certificate or the WeChat Pay public key; npx wxpay-chain doctor --config names what was given',
    };
  }
  if (field === 'serial') {
    return {
      message: 'serial is the merchant API certificate serial (商户API证书序列号)',
      fix: 'read it with openssl x509 -noout -serial -in apiclient_cert.pem; a platform certificate serial or a PUB_KEY_ID_ goes into certs',
    };
  }
  if (field === 'certs' || field.startsWith('certs[')) {
    return {
      message: "certs holds WeChat Pay's keys: platform certificates under their serial, the WeChat Pay public key under its PUB_KEY_ID_",
      fix: `not apiclient_cert.pem (the merchant's own certificate); the public key and its id are in ${PUBLIC_KEY_SOURCE}`,
    };
  }
  if (field === 'apiv3Key') return { message: 'apiv3Key is the APIv3 key (APIv3密钥), 32 characters', fix: 'copy it from 账户中心 → API安全 → APIv3密钥; it is neither the APIv2 key nor the private key' };
  if (field === 'apiv2Key') return { message: 'apiv2Key is the APIv2 key (API密钥), 32 characters', fix: 'copy it from 账户中心 → API安全 → API密钥; it is not the APIv3 key' };
  if (field === 'pkcs12' || field === 'pkcs12Passphrase') {
    return { message: 'pkcs12 is apiclient_cert.p12, the merchant API certificate with its private key', fix: 'its passphrase is the merchant id unless it was changed' };
  }
  if (field === 'merchantCertificate') {
    return { message: "merchantCertificate is the merchant's own API certificate (apiclient_cert.pem)", fix: 'a platform certificate goes into certs, not here' };
  }
  return undefined;
}
