// APIv2 calls (`v2/…` templates, sent without the `v2/` prefix): an XML body signed with the
// APIv2 key (MD5 or HMAC-SHA256), an answer whose `sign` is checked the same way, and the
// merchant certificate for the calls that document `security: true` (refunds, transfers, …).
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { Agent as HttpsAgent } from 'node:https';
import type { ResolvedConfig } from '../config.js';
import { ApiError, ConfigError, ParameterError, VerificationError } from '../errors.js';
import { nonce } from '../signing/sign.js';
import { createAdapter } from '../request/adapter.js';
import type { Observers } from '../request/events.js';
import { onFreshConnection, sharedFlags } from '../request/flags.js';
import { MAX_ANSWER_BYTES, MAX_FILE_BYTES } from '../request/limits.js';
import { UNSIGNED_V2_ANSWERS } from '../generated/request-tables.js';
import { parseRetryAfter, type RetryPolicy } from '../request/retry.js';
import { send, TemplateCall } from '../request/sender.js';
import { hideInternals } from '../request/transport.js';
import { KeepAliveHttpsAgent, sharedAgents } from '../request/agents.js';
import type { CallConfig, Method, WechatpayResponse } from '../typing.js';
import { encodeQuery, expandTemplate, type CompiledTemplate } from '../request/uri.js';
import { receivedSignProblem, v2Signature, v2SignType } from './sign.js';
import { v2Upload } from './upload.js';
import { readXml, toXml, V2XmlError, type V2Value } from './xml.js';
import { dropShippedDefaults } from '../request/defaults.js';
import { header } from '../request/headers.js';

const OPTION_KEYS = new Set(['xml', 'body', 'query', 'headers', 'base_uri', 'security', 'nonceless']);

export class V2Transport {
  readonly #config: ResolvedConfig;
  readonly #axios: AxiosInstance;
  #mutualTls: HttpsAgent | undefined;
  readonly #sizeGiven: boolean;

  constructor(config: ResolvedConfig) {
    this.#config = config;
    const { retry: _retry, wechatpay: _flags, ...given } = config.axios;
    this.#sizeGiven = given.maxContentLength !== undefined;
    this.#axios = axios.create({
      // The same adapter as APIv3 calls: decoded-size bound, whole-call deadline, fresh-socket resend.
      adapter: createAdapter(sharedAgents()),
      ...given,
      baseURL: config.baseURL,
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      responseType: 'arraybuffer',
      validateStatus: () => true,
      maxRedirects: 0,
    });
    dropShippedDefaults(this.#axios.defaults, given);
  }

  async request(method: Method, compiled: CompiledTemplate, options: unknown, config: CallConfig | undefined, policy: RetryPolicy, observers: Observers): Promise<WechatpayResponse<unknown>> {
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
    if (opts.body !== undefined && (!hasBody || opts.xml !== undefined)) throw new ParameterError('body', 'a multipart upload is a POST without xml');
    if (opts.body === undefined) this.#fields(opts); // option errors before anything is sent
    const base = typeof opts.base_uri === 'string' ? opts.base_uri : undefined;
    const url = search ? `${path}?${search}` : path;
    // Answers are small XML; the bill and fund-flow downloads are files.
    const size = this.#sizeGiven || config?.maxContentLength !== undefined ? {} : { maxContentLength: /download/.test(path) ? MAX_FILE_BYTES : MAX_ANSWER_BYTES };
    const call = new TemplateCall(method, compiled.template, url, opts, base ?? this.#config.baseURL);
    // Each attempt is a new XML body: a fresh nonce_str and sign (the request number, which makes
    // the resend harmless, is the caller's and stays).
    const response = await send(call, policy, observers, async (baseURL, fresh) => {
      const sent = this.#body(method, opts, key, hasBody, headers);
      const answer = await this.#axios.request<Buffer>({
        ...config,
        ...size,
        method,
        url,
        ...(baseURL ?? base ? { baseURL: baseURL ?? base } : {}),
        data: sent.data,
        headers: sent.headers,
        ...(fresh ? { wechatpay: onFreshConnection(sharedFlags(false)) } : {}),
        ...(opts.security === true ? { httpsAgent: this.#certificateAgent() } : {}),
      });
      return this.#decode(`${method.toUpperCase()} ${compiled.template}`, answer, sent.type);
    });
    return response;
  }

  #body(method: Method, opts: Record<string, unknown>, key: string, hasBody: boolean, given: Record<string, string>) {
    const headers = { ...given };
    let data: string | Buffer | undefined;
    let type: ReturnType<typeof v2SignType>;
    if (opts.body !== undefined) {
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
    return { data, headers, type };
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

  #decode(operation: string, answer: AxiosResponse<Buffer>, type: ReturnType<typeof v2SignType>): WechatpayResponse<unknown> {
    const response = answer as unknown as WechatpayResponse<unknown>;
    const status = answer.status;
    const body = answer.data;
    const requestId = header(answer, 'request-id');
    // A 429 or 503 may say when to come back, as APIv3 answers do: the retry waits that long.
    const retryAfter = header(answer, 'retry-after');
    const wait = parseRetryAfter(retryAfter);
    const later = wait === undefined ? {} : { retryAfter: wait };
    const text = body.toString('utf8');
    let fields: Record<string, V2Value> | undefined;
    try {
      fields = readXml(text)?.fields;
    } catch (error) {
      if (!(error instanceof V2XmlError)) throw error;
      // Its sign cannot be checked, so nothing in it can be believed, not even a failure code.
      throw new VerificationError('BAD_SIGNATURE', `the APIv2 answer is not a well-formed <xml> document (${error.message}): its sign cannot be checked`, status, requestId);
    }
    response.verified = false;
    hideInternals(response);
    if (!fields) {
      response.data = body;
      if (status >= 200 && status < 300) return response;
      throw new ApiError({ status, code: `HTTP_${status}`, message: text.slice(0, 200) || 'no message', verified: false, data: body, ...(requestId ? { requestId } : {}), ...later });
    }
    if (fields.sign !== undefined) {
      const problem = receivedSignProblem(fields, this.#config.apiv2Key!, type);
      if (problem) throw new VerificationError('BAD_SIGNATURE', `the APIv2 answer's sign does not prove it: ${problem}`, status, requestId);
      response.verified = true;
    }
    response.data = fields;
    const failed = fields.return_code === 'FAIL' || fields.result_code === 'FAIL';
    if (failed || status < 200 || status >= 300) {
      const code = String(fields.err_code ?? (fields.return_code === 'FAIL' ? 'FAIL' : `HTTP_${status}`));
      const message = String(fields.err_code_des ?? fields.return_msg ?? 'no message');
      throw new ApiError({ status, code, message, verified: response.verified, data: fields, ...(requestId ? { requestId } : {}), ...later });
    }
    // A success is only believed when signed, except where the documentation shows an unsigned answer.
    if (!response.verified && !UNSIGNED_ANSWERS.has(operation)) {
      throw new VerificationError('MISSING_HEADERS', `the APIv2 answer reports SUCCESS without a sign; ${operation} is documented as signed`, status, requestId);
    }
    return response;
  }

  #certificateAgent(): HttpsAgent {
    if (!this.#mutualTls) {
      const certificate = this.#config.merchantCertificate;
      if (!certificate) {
        throw new ConfigError('merchantCertificate', 'this APIv2 call needs the merchant API certificate (apiclient_cert.pem) for mutual TLS');
      }
      const privateKey = this.#config.privateKey;
      if (!privateKey) throw new ConfigError('privateKey', 'this APIv2 call needs the merchant API private key (privateKey or pkcs12) with merchantCertificate for mutual TLS');
      const key = privateKey.export({ type: 'pkcs8', format: 'pem' });
      this.#mutualTls = new KeepAliveHttpsAgent({ cert: certificate, key });
    }
    return this.#mutualTls;
  }
}

const UNSIGNED_ANSWERS = new Set(UNSIGNED_V2_ANSWERS);

