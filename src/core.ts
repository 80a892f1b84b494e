// The client's own members. A request goes: template → prepare (options → bytes) →
// transport (sign → send → verify → decode); errors come out typed and free of secrets.
import { AxiosError, type AxiosInstance } from 'axios';
import { resolveConfig, type ResolvedConfig, type WechatpayConfig } from './config.js';
import { RequestError, WechatpayError } from './errors.js';
import type { Keyring } from './keyring.js';
import { prepare } from './prepare.js';
import { createTransport } from './transport.js';
import type { CallConfig, Method, WechatpayResponse } from './typing.js';
import { isUnsignedDownload } from './unsigned.js';
import { compileTemplate, type CompiledTemplate } from './uri.js';
import { V2Transport } from './v2/transport.js';

export interface ClientCore {
  /** The axios instance that carries every call (add interceptors here). */
  readonly axios: AxiosInstance;
  /** The merchant id this client signs for. */
  readonly mchid: string;
  /** The platform certificates and public keys this client verifies with. */
  readonly keyring: Keyring;
  /** Send one call by URI template; the three calling styles all end here. */
  request(method: Method, template: string, options?: object, config?: CallConfig): Promise<WechatpayResponse<unknown>>;
}

export class Core implements ClientCore {
  readonly axios: AxiosInstance;
  readonly mchid: string;
  readonly #config: ResolvedConfig;
  readonly #templates = new Map<string, CompiledTemplate>();
  #v2: V2Transport | undefined;

  constructor(config: WechatpayConfig) {
    this.#config = resolveConfig(config);
    this.mchid = this.#config.mchid;
    this.axios = createTransport(this.#config);
  }

  /** The platform certificates and public keys this client verifies with. */
  get keyring(): Keyring {
    return this.#config.platformKeys;
  }

  async request(method: Method, template: string, options?: object, config?: CallConfig): Promise<WechatpayResponse<unknown>> {
    const compiled = this.#compiled(template);
    if (template.startsWith('v2/')) return this.#requestV2(method, compiled, options, config);
    const prepared = prepare(method, compiled, options);
    const unsigned = isUnsignedDownload(template);
    try {
      const response = await this.axios.request({
        ...config,
        method,
        url: prepared.url,
        ...(prepared.baseURL ? { baseURL: prepared.baseURL } : {}),
        data: prepared.body || undefined,
        headers: { ...(config?.headers as Record<string, string> | undefined), ...prepared.headers },
        ...(unsigned ? { responseType: 'arraybuffer', wechatpay: { unsigned: true } } : {}),
      });
      return response as WechatpayResponse<unknown>;
    } catch (error) {
      throw toWechatpayError(error);
    }
  }

  async #requestV2(method: Method, compiled: CompiledTemplate, options?: object, config?: CallConfig): Promise<WechatpayResponse<unknown>> {
    this.#v2 ??= new V2Transport(this.#config);
    try {
      return await this.#v2.request(method, compiled, options, config);
    } catch (error) {
      throw toWechatpayError(error);
    }
  }

  #compiled(template: string): CompiledTemplate {
    let compiled = this.#templates.get(template);
    if (!compiled) {
      compiled = compileTemplate(template);
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
