// APIv2 calls (`v2/…` templates, sent without the `v2/` prefix): an XML body signed with the
// APIv2 key (MD5 or HMAC-SHA256), an answer whose `sign` is checked the same way, and the
// merchant certificate for the calls that document `security: true` (refunds, transfers, …).
import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { ResolvedConfig } from '../config.js';
import { ApiError, ConfigError, ParameterError, VerificationError } from '../errors.js';
import { nonce } from '../signing/sign.js';
import { hideInternals } from '../request/transport.js';
import type { CallConfig, Method, WechatpayResponse } from '../typing.js';
import { encodeQuery, expandTemplate, type CompiledTemplate } from '../request/uri.js';
import { v2Signature, v2SignatureMatches, v2SignType } from './sign.js';
import { v2Upload } from './upload.js';
import { fromXml, toXml } from './xml.js';

const OPTION_KEYS = new Set(['xml', 'body', 'query', 'headers', 'base_uri', 'security', 'nonceless']);

export class V2Transport {
  readonly #config: ResolvedConfig;
  readonly #axios: AxiosInstance;
  #mutualTls: HttpsAgent | undefined;

  constructor(config: ResolvedConfig) {
    this.#config = config;
    this.#axios = axios.create({
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true }),
      ...config.axios,
      baseURL: config.baseURL,
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      responseType: 'arraybuffer',
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  async request(method: Method, compiled: CompiledTemplate, options: unknown, config?: CallConfig): Promise<WechatpayResponse<unknown>> {
    const opts = (options ?? {}) as Record<string, unknown>;
    if (typeof opts !== 'object' || Array.isArray(opts)) throw new ParameterError('options', 'expected an options object like { xml, security }');
    for (const key in opts) {
      if (!OPTION_KEYS.has(key) && !compiled.params.includes(key)) {
        const hint = opts.xml === undefined && opts.body === undefined ? ` Put the request body under \`xml\`: { xml: { ${key}, … } }.` : '';
        throw new ParameterError(key, `unknown option for an APIv2 call; expected xml, body, query, headers, base_uri, security or nonceless.${hint}`);
      }
    }
    const key = this.#config.apiv2Key;
    if (!key) throw new ConfigError('apiv2Key', 'APIv2 calls are signed with the APIv2 key: pass apiv2Key to new Wechatpay()');
    const path = expandTemplate(compiled, opts).replace(/^v2\//, '');
    const search = encodeQuery(opts.query);
    const headers: Record<string, string> = { Accept: 'text/xml, application/xml, */*', ...(opts.headers as Record<string, string> | undefined) };
    const hasBody = method !== 'get' && method !== 'delete';
    let data: string | Buffer | undefined;
    let type: ReturnType<typeof v2SignType>;
    if (opts.body !== undefined) {
      if (!hasBody || opts.xml !== undefined) throw new ParameterError('body', 'a multipart upload is a POST without xml');
      const upload = v2Upload(opts.body, key);
      data = upload.payload;
      type = upload.type;
      headers['Content-Type'] = upload.contentType;
    } else {
      const fields = this.#fields(opts);
      // A GET (`query`) call carries its own signed fields in the query: its sign type is there.
      const query = method === 'get' && typeof opts.query === 'object' && opts.query !== null ? (opts.query as Record<string, unknown>) : {};
      type = v2SignType({ ...query, ...fields });
      fields.sign = v2Signature(fields, key, type);
      if (hasBody) {
        data = toXml(fields);
        headers['Content-Type'] = 'text/xml; charset=utf-8';
      }
    }
    const base = typeof opts.base_uri === 'string' ? opts.base_uri : undefined;
    const response = await this.#axios.request<Buffer>({
      ...config,
      method,
      url: search ? `${path}?${search}` : path,
      ...(base ? { baseURL: base } : {}),
      data,
      headers,
      ...(opts.security === true ? { httpsAgent: this.#certificateAgent() } : {}),
    });
    return this.#decode(response.status, response.data, type, response as unknown as WechatpayResponse<unknown>);
  }

  #fields(opts: Record<string, unknown>): Record<string, string> {
    const xml = opts.xml ?? {};
    if (typeof xml !== 'object' || xml === null || Array.isArray(xml)) throw new ParameterError('xml', 'expected an object of APIv2 fields');
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(xml)) {
      if (value === undefined || value === null) continue;
      if (typeof value === 'object') {
        throw new ParameterError(`xml.${name}`, 'APIv2 fields are text: JSON-encode structured values (e.g. detail: JSON.stringify({…}))');
      }
      fields[name] = String(value);
    }
    if (opts.nonceless !== true && fields.nonce_str === undefined) fields.nonce_str = nonce();
    return fields;
  }

  #decode(status: number, body: Buffer, type: ReturnType<typeof v2SignType>, response: WechatpayResponse<unknown>): WechatpayResponse<unknown> {
    const text = body.toString('utf8');
    const fields = fromXml(text);
    response.verified = false;
    hideInternals(response);
    if (!fields) {
      response.data = body;
      if (status >= 200 && status < 300) return response;
      throw new ApiError({ status, code: `HTTP_${status}`, message: text.slice(0, 200) || 'no message', verified: false, data: body });
    }
    if (typeof fields.sign === 'string') {
      if (!v2SignatureMatches(fields, this.#config.apiv2Key!, type)) {
        throw new VerificationError('BAD_SIGNATURE', 'the APIv2 answer sign does not match its fields under the APIv2 key', status);
      }
      response.verified = true;
    }
    response.data = fields;
    const failed = fields.return_code === 'FAIL' || fields.result_code === 'FAIL';
    if (failed || status < 200 || status >= 300) {
      const code = String(fields.err_code ?? (fields.return_code === 'FAIL' ? 'FAIL' : `HTTP_${status}`));
      const message = String(fields.err_code_des ?? fields.return_msg ?? 'no message');
      throw new ApiError({ status, code, message, verified: response.verified, data: fields });
    }
    return response;
  }

  #certificateAgent(): HttpsAgent {
    if (!this.#mutualTls) {
      const certificate = this.#config.merchantCertificate;
      if (!certificate) {
        throw new ConfigError('merchantCertificate', 'this APIv2 call needs the merchant API certificate (apiclient_cert.pem) for mutual TLS');
      }
      const key = this.#config.privateKey.export({ type: 'pkcs8', format: 'pem' });
      this.#mutualTls = new HttpsAgent({ keepAlive: true, cert: certificate, key });
    }
    return this.#mutualTls;
  }
}
