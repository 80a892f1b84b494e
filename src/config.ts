// Validates the client configuration once, at construction; every problem is a ConfigError
// that names the field, so nothing is discovered at the first payment.
import type { CreateAxiosDefaults } from 'axios';
import type { KeyObject } from 'node:crypto';
import { ConfigError } from './errors.js';
import { Keyring } from './keyring.js';
import { loadPlatformKey, loadPrivateKey, type KeyInput } from './keys.js';

export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com/';

export interface WechatpayConfig extends Omit<CreateAxiosDefaults, 'baseURL'> {
  /** Merchant id (商户号), digits. */
  mchid: string;
  /** Serial number of the merchant API certificate (商户API证书序列号). */
  serial: string;
  /** Merchant API private key: PEM text, Buffer, KeyObject or `file:///abs/path/apiclient_key.pem`. */
  privateKey: KeyInput;
  /** Platform certificate serial → certificate PEM, and/or `PUB_KEY_ID_…` → WeChat Pay public key PEM. */
  certs: Record<string, KeyInput>;
  /** Default `https://api.mch.weixin.qq.com/`. */
  baseURL?: string;
  /** APIv2 key (32 characters), for `v2/…` calls and APIv2 notifications. */
  apiv2Key?: string;
  /** Merchant API certificate PEM (apiclient_cert.pem), for APIv2 calls made with `security: true`. */
  merchantCertificate?: string | Buffer;
  /** Largest accepted difference between a response's timestamp and this machine's clock, in seconds (300). */
  maxClockSkew?: number;
}

export interface ResolvedConfig {
  mchid: string;
  serial: string;
  privateKey: KeyObject;
  platformKeys: Keyring;
  baseURL: string;
  maxClockSkew: number;
  apiv2Key?: string;
  merchantCertificate?: string;
  axios: CreateAxiosDefaults;
}

export function resolveConfig(config: WechatpayConfig): ResolvedConfig {
  if (config === null || typeof config !== 'object') {
    throw new ConfigError('config', 'expected an object with mchid, serial, privateKey and certs');
  }
  const { mchid, serial, privateKey, certs, baseURL = DEFAULT_BASE_URL, maxClockSkew = 300, apiv2Key, merchantCertificate, ...axios } = config;
  if (typeof mchid !== 'string' || !/^\d+$/.test(mchid)) {
    throw new ConfigError('mchid', 'expected the merchant id as a string of digits, e.g. "1900000001"');
  }
  if (typeof serial !== 'string' || !/^[0-9A-Fa-f]+$/.test(serial)) {
    throw new ConfigError('serial', 'expected the merchant API certificate serial number as hex text');
  }
  if (certs === null || typeof certs !== 'object' || Object.keys(certs).length === 0) {
    throw new ConfigError(
      'certs',
      'give at least one platform certificate (serial → PEM) or WeChat Pay public key (PUB_KEY_ID_… → PEM) to verify responses with',
    );
  }
  const platformKeys = new Keyring();
  for (const [id, input] of Object.entries(certs)) {
    const field = `certs[${JSON.stringify(id)}]`;
    if (id.toUpperCase() === serial.toUpperCase()) {
      throw new ConfigError(field, "this is the merchant's own serial; certs holds WeChat Pay's platform certificates or public key");
    }
    platformKeys.set(loadPlatformKey(field, id, input));
  }
  if (typeof baseURL !== 'string' || !/^https?:\/\/[^/]+/.test(baseURL)) {
    throw new ConfigError('baseURL', 'expected an absolute http(s) URL such as "https://api.mch.weixin.qq.com/"');
  }
  if (typeof maxClockSkew !== 'number' || !(maxClockSkew > 0)) {
    throw new ConfigError('maxClockSkew', 'expected a positive number of seconds');
  }
  if (apiv2Key !== undefined && (typeof apiv2Key !== 'string' || apiv2Key.length !== 32)) {
    throw new ConfigError('apiv2Key', 'expected the 32-character APIv2 key set in the merchant platform');
  }
  if (merchantCertificate !== undefined && !String(merchantCertificate).includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('merchantCertificate', 'expected the merchant API certificate as PEM (apiclient_cert.pem)');
  }
  return {
    ...(apiv2Key === undefined ? {} : { apiv2Key }),
    ...(merchantCertificate === undefined ? {} : { merchantCertificate: String(merchantCertificate) }),
    mchid,
    serial,
    privateKey: loadPrivateKey('privateKey', privateKey),
    platformKeys,
    baseURL: baseURL.endsWith('/') ? baseURL : `${baseURL}/`,
    maxClockSkew,
    axios,
  };
}
