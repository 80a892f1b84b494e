// The client's own members. A request goes: template → prepare (options → bytes) →
// transport (sign → send → verify → decode); errors come out typed and free of secrets.
import { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { CertificateError } from './certificates/errors.js';
import { CERTIFICATES_PATH, CertificateManager, downloader, encryptionKey, nextValidityChange } from './certificates/manager.js';
import { assertApiv3Signer, resolveConfig, type ResolvedConfig, type WechatpayConfig } from './config.js';
import { rsaOaepDecrypt } from './crypto/rsa.js';
import { SealedFields, type Encryptor } from './crypto/sealed.js';
import { ApiError, ConfigError, ParameterError, RequestError, VerificationError, WechatpayError } from './errors.js';
import type { Keyring } from './signing/keyring.js';
import type { PlatformKey } from './signing/keys.js';
import { checkCallHeaders, prepare } from './request/prepare.js';
import { createTransport, type Load } from './request/transport.js';
import { Observers, type WechatpayEventName, type WechatpayEvents } from './request/events.js';
import { onFreshConnection, sharedFlags, type WechatpayRequestFlags } from './request/flags.js';
import { checkRequestSettings } from './request/options.js';
import { checkRetry, DEFAULT_RETRY, retryPolicy, type RetryPolicy } from './request/retry.js';
import { send, TemplateCall } from './request/sender.js';
import { internal } from './signing/internal.js';
import type { CallConfig, Method, Sealed, WechatpayResponse } from './typing.js';
import { Downloads } from './downloads/index.js';
import { PayParams } from './pay-params/index.js';
import { readShippedModel } from './model-file.js';
import { paginate, type Pages, type PaginateSettings } from './pagination/index.js';
import { templateHint } from './request/templates.js';
import type { PagedTemplate, PageItem, PageOptions } from './pagination/types.js';
import { isUnsignedDownload } from './request/unsigned.js';
import { compileTemplate, type CompiledTemplate } from './request/uri.js';
import { V2Transport } from './v2/transport.js';
import { Webhooks } from './webhooks/index.js';
import type { DoctorOptions, DoctorReport } from './doctor/index.js';

// Distinct templates compiled and kept per client.
const MAX_CACHED_TEMPLATES = 1024;

export interface ClientCore {
  /** The axios instance that carries every call (add interceptors here). */
  readonly axios: AxiosInstance;
  /** The merchant id this client signs for. */
  readonly mchid: string;
  /** The platform certificates and public keys this client verifies with. */
  readonly keyring: Keyring;
  /** Verified, decrypted notifications, and adapters for node:http, Express, Koa, Fastify and Fetch. */
  readonly webhooks: Webhooks;
  /** Platform certificate download and refresh; present when the client was given an `apiv3Key`. */
  readonly certificates: CertificateManager | undefined;
  /**
   * An encryptor for sensitive request fields, bound to one key: the WeChat Pay public key, or
   * else the newest valid platform certificate (downloaded first if the client has none yet).
   * A request carrying its ciphertexts gets `Wechatpay-Serial` set to that key's id.
   */
  encryptor(id?: string): Promise<Encryptor>;
  /** `(await encryptor()).encrypt(text)`; encrypt all fields of one request with one encryptor. */
  encrypt(text: string): Promise<Sealed>;
  /** Opens a sensitive field of a response (`Sealed`: RSA-OAEP under the merchant's private key). */
  decrypt(ciphertext: Sealed | string): string;
  /** Front-end pay parameters (JSAPI, mini-program, APP, partner, combined, APIv2), signed with this client's keys. */
  readonly payParams: PayParams;
  /** Bills, statements, e-receipts and other files: streamed, verified, written whole or not at all. */
  readonly downloads: Downloads;
  /**
   * Every item of a documented paged list (offset/limit, page_index or page_token), fetched page
   * by page as it is consumed: `for await (const x of wxpay.paginate('v3/…', options))`.
   */
  paginate<K extends PagedTemplate>(template: K, options?: PageOptions<K>, settings?: PaginateSettings): Pages<PageItem<K>>;
  /** Send one call by URI template; the three calling styles all end here. */
  request(method: Method, template: string, options?: object, config?: CallConfig): Promise<WechatpayResponse<unknown>>;
  /**
   * Listen to this client's calls: `request`, `response`, `retry` and `error` events, and to its
   * notifications: `notification-error` for each one refused or whose handler failed (the same
   * ones published on diagnostics_channel `wxpay-chain:<name>`). Returns the unsubscribe function.
   */
  on<N extends WechatpayEventName>(name: N, listener: (event: WechatpayEvents[N]) => void): () => void;
  /**
   * Which key is wrong, and why a signature or a notification failed: this client's configuration
   * checked offline, with `online` one signed call to WeChat Pay, with `notification` a captured
   * notification. A report to log at start-up (`ok`, findings with a code, the key, the fix); no secrets.
   */
  doctor(options?: DoctorOptions): Promise<DoctorReport>;
}

export class Core implements ClientCore {
  // Behind a getter: console.log(wxpay) then shows no axios defaults (headers, auth, proxy).
  readonly #axios: AxiosInstance;
  readonly mchid: string;
  readonly #config: ResolvedConfig;
  // What was given, for the doctor: it reads the inputs as written (formats, whitespace) too.
  readonly #given: WechatpayConfig;
  readonly #templates = new Map<string, CompiledTemplate>();
  readonly #load: Load = { inFlight: 0 };
  readonly #observers = new Observers();
  readonly #retry: RetryPolicy;
  #v2: V2Transport | undefined;
  #webhooks: Webhooks | undefined;
  #payParams: PayParams | undefined;
  #downloads: Downloads | undefined;
  #preferred: { version: number; until: number; id: string | undefined } | undefined;

  readonly #sealed = new SealedFields();
  readonly certificates: CertificateManager | undefined;
  #apiv2Only: boolean;

  constructor(config: WechatpayConfig) {
    this.#config = resolveConfig(config);
    this.#given = { ...config };
    this.mchid = this.#config.mchid;
    checkRequestSettings(this.#config.axios as Record<string, unknown>, '', ConfigError);
    this.#retry = retryPolicy(DEFAULT_RETRY, checkRetry('retry', this.#config.axios.retry, ConfigError));
    this.#axios = createTransport(this.#config, this.#load);
    const refresh = this.#config.certificates;
    if (refresh) {
      this.certificates = new CertificateManager({
        ...refresh,
        mchid: this.mchid,
        keyring: this.#config.platformKeys,
        maxClockSkew: this.#config.maxClockSkew,
        download: withNoCertificateHint(downloader(this.axios)),
      });
      this.#config.platformKeys.attach(this.certificates);
    }
    this.#apiv2Only = !this.#config.privateKey || this.#config.serial === undefined || (!refresh && this.keyring.ids().length === 0);
  }

  /** An APIv3 call on a client configured for APIv2 only: refused, naming what is missing, before anything is sent. */
  #refuseApiv3(): void {
    assertApiv3Signer(this.#config);
    // Keys added to the keyring since construction make APIv3 calls verifiable after all.
    if (this.keyring.ids().length > 0) {
      this.#apiv2Only = false;
      return;
    }
    throw new ConfigError('certs', 'this client is configured for APIv2 only: APIv3 answers are verified with a platform certificate or WeChat Pay public key (certs), or give apiv3Key to download them');
  }

  /** The axios instance that carries every call (add interceptors here). */
  get axios(): AxiosInstance {
    return this.#axios;
  }

  async encryptor(id?: string): Promise<Encryptor> {
    if (id !== undefined) {
      const chosen = this.keyring.get(id);
      if (!chosen || !encryptionKey([chosen])) {
        throw new ParameterError('id', `${String(id)} is not a currently valid platform certificate or public key of this client`);
      }
      return this.#sealed.encryptor(chosen);
    }
    const key = await this.#preferredKey(true);
    if (!key) {
      throw new CertificateError(
        'NO_ENCRYPTION_KEY',
        'no valid platform certificate or WeChat Pay public key to encrypt with: configure certs, or apiv3Key to download them',
      );
    }
    return this.#sealed.encryptor(key);
  }

  async encrypt(text: string): Promise<Sealed> {
    return (await this.encryptor()).encrypt(text);
  }

  decrypt(ciphertext: Sealed | string): string {
    assertApiv3Signer(this.#config);
    return rsaOaepDecrypt(ciphertext, this.#config.privateKey);
  }

  /** Notifications from WeChat Pay: verified with this client's keys, decrypted with its APIv3 key. */
  get webhooks(): Webhooks {
    if (!this.#webhooks) {
      const config = this.#config;
      const apiv3Key = config.certificates?.apiv3Key;
      // An APIv2-only client reads APIv2 notifications (parseV2) with its APIv2 key alone.
      if (!apiv3Key && !config.apiv2Key) throw new ConfigError('apiv3Key', 'notifications are decrypted with the APIv3 key: pass apiv3Key to new Wechatpay()');
      const { serial, privateKey } = config;
      this.#webhooks = new Webhooks({
        keys: config.platformKeys,
        apiv3Key,
        maxClockSkew: config.maxClockSkew,
        ...config.webhooks,
        ...(serial !== undefined && privateKey ? { signer: { serial, privateKey } } : {}),
        observers: this.#observers,
        ...(config.apiv2Key ? { apiv2Key: config.apiv2Key } : {}),
        mchid: config.mchid,
      });
    }
    return this.#webhooks;
  }

  get downloads(): Downloads {
    const config = this.#config;
    assertApiv3Signer(config);
    return (this.#downloads ??= new Downloads({
      axios: this.axios,
      baseURL: config.baseURL,
      mchid: config.mchid,
      privateKey: config.privateKey,
      verify: { platformKeys: config.platformKeys, maxClockSkew: config.maxClockSkew },
    }));
  }

  get payParams(): PayParams {
    const config = this.#config;
    return (this.#payParams ??= new PayParams({ mchid: config.mchid, privateKey: config.privateKey, apiv2Key: config.apiv2Key }));
  }

  /** The platform certificates and public keys this client verifies with. */
  get keyring(): Keyring {
    return this.#config.platformKeys;
  }

  paginate<K extends PagedTemplate>(template: K, options?: PageOptions<K>, settings?: PaginateSettings): Pages<PageItem<K>> {
    return paginate<PageItem<K>>((method, path, given) => this.request(method, path, given), template, options, settings);
  }

  async request(method: Method, template: string, options?: object, config?: CallConfig): Promise<WechatpayResponse<unknown>> {
    const compiled = this.#compiled(template);
    if (template.startsWith('v2/')) return this.#requestV2(method, compiled, options, config);
    if (this.#apiv2Only) this.#refuseApiv3();
    const prepared = prepare(method, compiled, options);
    if (config !== undefined) checkCallHeaders(config.headers);
    const policy = this.#callPolicy(config);
    if (this.#sealed.size !== 0) this.#sealed.stamp((options as { json?: unknown } | undefined)?.json, prepared.headers);
    if (this.#config.wechatpaySerial !== false && !hasSerialHeader(prepared.headers, config?.headers)) {
      // The certificate download itself is not held up by a download for its own header.
      const id = this.#config.wechatpaySerial ?? this.#preferredKeyIdNow() ?? (await this.#preferredKey(template !== CERTIFICATES_PATH))?.id;
      if (id !== undefined) prepared.headers['Wechatpay-Serial'] = id;
    }
    const unsigned = isUnsignedDownload(template);
    // Only a call that needs flags carries them: every config key costs axios a merge per call.
    const flags = prepared.payload ? internal({ unsigned, signedBody: prepared.body }) : unsigned ? sharedFlags(true) : undefined;
    const call = new TemplateCall(method, template, prepared.url, options, prepared.baseURL ?? this.#config.baseURL);
    this.#load.inFlight++;
    try {
      const response = await send(call, policy, this.#observers, (baseURL, fresh) => {
        // Keys are added only when set (no spread of an empty object per call): what axios gets
        // is the same config as `{ ...config, method, url, [baseURL], data, headers, … }`.
        const request: AxiosRequestConfig & { wechatpay?: WechatpayRequestFlags } = {
          ...config,
          method,
          url: prepared.url,
          data: prepared.payload ?? (prepared.body || undefined),
          headers: { ...(config?.headers as Record<string, string> | undefined), ...prepared.headers },
        };
        const base = baseURL ?? prepared.baseURL;
        if (base) request.baseURL = base;
        if (unsigned) request.responseType = 'arraybuffer';
        if (fresh) request.wechatpay = onFreshConnection(flags ?? sharedFlags(false));
        else if (flags) request.wechatpay = flags;
        return this.axios.request(request);
      });
      return response as WechatpayResponse<unknown>;
    } catch (error) {
      throw template === CERTIFICATES_PATH ? noPlatformCertificate(error) : withTemplateHint(template, toWechatpayError(error));
    } finally {
      this.#load.inFlight--;
    }
  }

  /**
   * Listen to this client's calls: `request`, `response`, `retry` and `error` events (the same
   * ones published on diagnostics_channel `wxpay-chain:<name>`). Returns the unsubscribe function.
   */
  on<N extends WechatpayEventName>(name: N, listener: (event: WechatpayEvents[N]) => void): () => void {
    return this.#observers.on(name, listener);
  }

  async doctor(options?: DoctorOptions): Promise<DoctorReport> {
    // Loaded on first use: the doctor is not part of a call's path.
    const { diagnose } = await import('./doctor/index.js');
    const nonces = this.#webhooks?.parser.nonces ?? this.#config.webhooks.nonces;
    return diagnose(this.#given, options, { axios: this.axios, config: this.#config, nonces });
  }

  /**
   * The preferred key's id from the keys held now, without waiting: every call asks, so the choice
   * is kept until the keyring changes or a certificate's validity starts or ends.
   */
  #preferredKeyIdNow(): string | undefined {
    const ring = this.keyring;
    const now = Date.now();
    const cached = this.#preferred;
    if (cached && cached.version === ring.version && now < cached.until) return cached.id;
    const keys = ring.values();
    const id = encryptionKey(keys, now)?.id;
    this.#preferred = { version: ring.version, until: nextValidityChange(keys, now), id };
    return id;
  }

  /**
   * The key answers are preferred to be signed with, and sensitive fields sealed to: the WeChat
   * Pay public key when held, else the newest valid platform certificate (WeChat Pay reads
   * `Wechatpay-Serial` as the merchant's choice between them). With none held and `download`,
   * the certificates are downloaded once first.
   */
  async #preferredKey(download: boolean): Promise<PlatformKey | undefined> {
    const key = encryptionKey(this.keyring.values());
    if (key || !download || !this.certificates) return key;
    await this.certificates.ensure();
    return encryptionKey(this.keyring.values());
  }

  async #requestV2(method: Method, compiled: CompiledTemplate, options?: object, config?: CallConfig): Promise<WechatpayResponse<unknown>> {
    this.#v2 ??= new V2Transport(this.#config);
    const policy = this.#callPolicy(config);
    try {
      return await this.#v2.request(method, compiled, options, config, policy, this.#observers);
    } catch (error) {
      throw withTemplateHint(compiled.template, toWechatpayError(error));
    }
  }

  /** A call's own deadline, size and retry settings, checked before anything is sent, and its retry policy. */
  #callPolicy(config: CallConfig | undefined): RetryPolicy {
    if (config === undefined) return this.#retry;
    checkRequestSettings(config as Record<string, unknown>, 'config.', ParameterError);
    return config.retry === undefined ? this.#retry : retryPolicy(this.#retry, config.retry);
  }

  #compiled(template: string): CompiledTemplate {
    let compiled = this.#templates.get(template);
    if (!compiled) {
      compiled = compileTemplate(template);
      // Bounded: a template built from ids (an attribute path per order) must not grow it forever.
      if (this.#templates.size >= MAX_CACHED_TEMPLATES) this.#templates.delete(this.#templates.keys().next().value!);
      this.#templates.set(template, compiled);
    }
    return compiled;
  }
}

// Axios errors carry the whole request config, Authorization header included: never pass one on.
function toWechatpayError(error: unknown): Error {
  if (error instanceof WechatpayError) return error;
  if (error instanceof AxiosError) {
    const code = error.code ?? 'REQUEST_FAILED';
    return new RequestError(code, `request failed before a response arrived: ${code}${error.message ? ` (${error.message})` : ''}`);
  }
  if (error instanceof Error) return new RequestError('REQUEST_FAILED', error.message);
  return new RequestError('REQUEST_FAILED', String(error));
}

// A 404 for a path the documentation does not have: name the nearest documented one.
function withTemplateHint(template: string, error: Error): Error {
  if (!(error instanceof ApiError) || error.httpStatus !== 404) return error;
  let hint: string | undefined;
  try {
    hint = templateHint(template, () => readShippedModel().endpoints);
  } catch {
    // No model to compare with (a damaged install): the error as it is.
  }
  if (hint) error.message = `${error.message} (${hint})`;
  return error;
}

function hasSerialHeader(prepared: Record<string, string>, given: unknown): boolean {
  return hasSerialName(prepared) || (typeof given === 'object' && given !== null && hasSerialName(given));
}

function hasSerialName(map: object): boolean {
  for (const name in map) if (name.length === 16 && Object.hasOwn(map, name) && name.toLowerCase() === 'wechatpay-serial') return true;
  return false;
}

// A merchant registered after the public-key migration has no platform certificate at all:
// WeChat Pay answers the download with 404 RESOURCE_NOT_EXISTS, which says nothing about the fix.
// When the client holds no key yet, that 404 is signed with the public key it lacks: a 404 signed
// by an unknown PUB_KEY_ID_ says the same thing (unverified, so it only changes the advice).
function noPlatformCertificate(error: unknown): Error {
  const byUnknownPublicKey = error instanceof VerificationError && error.code === 'UNKNOWN_SERIAL' && error.httpStatus === 404 && error.message.includes('PUB_KEY_ID_');
  if (byUnknownPublicKey || (error instanceof ApiError && error.httpStatus === 404 && error.code === 'RESOURCE_NOT_EXISTS')) {
    return new CertificateError(
      'NO_PLATFORM_CERTIFICATE',
      'this merchant has no platform certificate (v3/certificates answered 404 RESOURCE_NOT_EXISTS): configure the WeChat Pay public key instead, certs: { "PUB_KEY_ID_…": publicKeyPem }, from the merchant platform',
    );
  }
  return toWechatpayError(error);
}

function withNoCertificateHint<T>(download: () => Promise<T>): () => Promise<T> {
  return () => download().catch((error: unknown) => Promise.reject(noPlatformCertificate(error)));
}
