// A local WeChat Pay on loopback. It checks every request as WeChat Pay does (signature, then
// route, then the documented request table), answers every documented endpoint from the endpoint
// model (or from a route the test gave it), signs every answer with its platform key, can be
// told to misbehave, and records what it saw.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WechatpayConfig } from '../config.js';
import { defaultAnswer } from './answers.js';
import type { MockAnswer } from './answer.js';
import { checkAuthorization, nonceLedger, type Merchant } from './authorization.js';
import { installBills, type MockBills } from './bills.js';
import { sandboxBillRows } from './sandbox-bills.js';
import { apiv3Key as makeApiv3Key, certificatesAnswer, checkApiv3Key } from './certificates.js';
import { boundBytes, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RECORDED, DEFAULT_MAX_RECORDED_BYTES, positiveInteger, readBody, recordInto, targetUrl } from './intake.js';
import { FaultPlan, type Fault, type FaultHandle, type FaultScope } from './faults.js';
import { certifiedKey, publicKeyId, rsaKeyPair, type CertifiedKey, type KeyPair } from './identity.js';
import { loadModel, type EndpointModel, type ModelEndpoint, type ModelOperation } from './model.js';
import { signedHeaders, type SigningKey } from './respond.js';
import { buildNotification, deliver, testNotification, type BuiltNotification, type NotificationVariant, type TestNotificationOptions } from './notify.js';
import { Router } from './router.js';
import { sampleBody } from './sample.js';
import { isConsoleRequest, serveConsole } from './console/serve.js';
import { Sandbox, type SandboxOptions } from './state/index.js';
import { readUpload, uploadViolation, type Upload } from './upload.js';
import { overrideConflicts, validateRequest, type Violation } from './validate.js';
import { checkApiv2Key, checkV2, makeApiv2Key, v2Answer, v2Fail, v2Router, type V2Documented } from './v2.js';

export type { MockAnswer } from './answer.js';

export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. `/v3/marketing/favor/stocks/S1/pause`. */
  url: string;
  /** The URI template that matched, e.g. `v3/marketing/favor/stocks/{stock_id}/pause`. */
  template?: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  json?: unknown;
  /** APIv2: the fields of the `<xml>` body (or of the query, for the GET ones), sign included. */
  xml?: Record<string, string>;
  /** A media upload (multipart/form-data): its meta JSON and file. */
  upload?: Upload;
  /** The status the mock answered (absent when a fault dropped the connection). */
  status?: number;
  /** The error code the mock answered with (`SIGN_ERROR`, `PARAM_ERROR`, `NOT_FOUND`, …). */
  code?: string;
  /** The fault injected into this answer, if any. */
  fault?: Fault['kind'];
  /** Whether the request's signature (APIv3 Authorization, APIv2 sign) checked out; absent when not reached. */
  signature?: 'valid' | 'invalid';
  /** The `Request-ID` of the answer (`ApiError.requestId` on the client's side). */
  requestId?: string;
  /** Answered from the sandbox's state rather than from the documented sample. */
  stateful?: boolean;
  /** Where the request differs from the documentation's table but follows codegen/overrides.ts: reported, not refused. */
  conflicts?: string[];
}

export type RouteHandler = (request: RecordedRequest) => MockAnswer | Promise<MockAnswer>;

/**
 * Which keys the made-up merchant has, as WeChat Pay answers for it: platform certificates
 * (`certificate`), only the WeChat Pay public key (`public-key`: `v3/certificates` answers 404
 * RESOURCE_NOT_EXISTS), or both while it switches from one to the other (`migrating`).
 */
export type MockMode = 'certificate' | 'public-key' | 'migrating';

export interface MockServerOptions {
  /**
   * `certificate` (default): answers signed by the platform certificate. `public-key`: signed by
   * the WeChat Pay public key, and no platform certificate to download. `migrating`: certificates
   * listed, answers signed by the public key unless the request's `Wechatpay-Serial` names a
   * platform certificate, notifications signed by the public key.
   */
  mode?: MockMode;
  /** Seconds this WeChat Pay's clock is ahead of the machine's (negative: behind); 0 by default. */
  clockOffset?: number;
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Merchant id of the made-up merchant (default `1900000001`). */
  mchid?: string;
  /** The merchant's API key and certificate (made fresh unless given). */
  merchant?: CertifiedKey;
  /** The platform certificate and key (made fresh unless given). */
  platform?: CertifiedKey;
  /** The WeChat Pay public key and its `PUB_KEY_ID_…` (made fresh unless given). */
  publicKey?: KeyPair & { id: string };
  /** The merchant's APIv3 key: 32 ASCII characters (made fresh unless given). */
  apiv3Key?: string;
  /** The merchant's APIv2 key, which signs APIv2 (`<xml>`) requests and answers: 32 ASCII characters (made fresh unless given). */
  apiv2Key?: string;
  /**
   * The endpoint model to route and validate from: the shipped one by default, another one, or
   * `false` for routes given with `route()` only.
   */
  model?: EndpointModel | false;
  /** Check requests against the documented request tables (default true). */
  validate?: boolean;
  /** Largest accepted age of a request timestamp, in seconds (300). */
  timestampWindow?: number;
  /** Largest request body read, in bytes (8 MiB); a larger one is answered 413 and its connection closed. */
  maxBodyBytes?: number;
  /** How many requests `requests` keeps, the oldest dropped first (1000). */
  maxRecordedRequests?: number;
  /** How many bytes of request bodies `requests` holds, the oldest dropped first (64 MiB). */
  maxRecordedBytes?: number;
  /**
   * The sandbox: orders, refunds and notifications with state (docs/sandbox.md). On by default;
   * `false` answers every endpoint from its documented sample, as before.
   */
  sandbox?: SandboxOptions | false;
}

export interface MockServer {
  /** Base URL to hand the client, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  /** A ready client configuration: merchant identity, keys, platform certificate or public key. */
  readonly clientConfig: WechatpayConfig;
  readonly merchant: { mchid: string } & CertifiedKey;
  /** The platform certificate answers are signed with (the newest, after a rotation). */
  readonly platform: CertifiedKey;
  /** Every platform certificate `v3/certificates` lists, oldest first. */
  readonly platforms: readonly CertifiedKey[];
  readonly publicKey: KeyPair & { id: string };
  readonly mode: MockMode;
  /** The merchant's APIv3 key, under which `v3/certificates` encrypts. */
  readonly apiv3Key: string;
  /** The merchant's APIv2 key, under which APIv2 requests and answers are signed. */
  readonly apiv2Key: string;
  /** The last `maxRecordedRequests` requests, oldest first. */
  readonly requests: RecordedRequest[];
  /** Orders, refunds and notification deliveries, and the simulated payer (docs/sandbox.md). */
  readonly sandbox: Sandbox;
  /**
   * `{ headers, body }` of a notification as this mock's WeChat Pay would send it: signed with its
   * platform key (or public key), the resource (by default the event's documented sample) sealed
   * under its APIv3 key. `variant` gives one a handler must refuse (docs/webhooks.md).
   */
  notification(eventType: string, options?: Omit<TestNotificationOptions, 'apiv3Key' | 'signer'> & { variant?: NotificationVariant }): BuiltNotification;
  /**
   * Answer `METHOD template` with `handler` instead of the documented sample (or add an
   * undocumented route). The handler decides what is acceptable: requests it answers are checked
   * against the documented table only with `{ validate: true }`.
   */
  route(method: string, template: string, handler: RouteHandler, options?: { validate?: boolean }): void;
  /** Make answers misbehave: for one route, or for the next `times` requests (default 1). */
  fault(fault: Fault, scope?: FaultScope): FaultHandle;
  clearFaults(): void;
  /** Issue a new platform certificate and sign with it from now on (in certificate mode). */
  rotatePlatformCertificate(): CertifiedKey;
  /** Bills, statements and file downloads (src/mock/bills.ts): row source, corruption, extra files. */
  readonly bills: MockBills;
  close(): Promise<void>;
}

interface Documented {
  endpoint: ModelEndpoint;
  operation: ModelOperation;
}

const JSON_TYPE = 'application/json';
const CERTIFICATES = 'v3/certificates';

function documentedRouter(model: EndpointModel): Router<Documented> {
  const router = new Router<Documented>();
  for (const endpoint of model.endpoints) {
    // APIv2 (XML, signed in the payload) is routed apart: see v2.ts.
    if (!endpoint.template.startsWith('v3/')) continue;
    for (const operation of endpoint.operations) {
      // Two templates differing only in a parameter's name share a route: the first one answers.
      router.add(operation.method, endpoint.template, { endpoint, operation });
    }
  }
  return router;
}

let sharedDocumented: { model: EndpointModel; router: Router<Documented>; v2: Router<V2Documented> } | undefined;

function routersFor(model: EndpointModel | false | undefined): { model: EndpointModel; router: Router<Documented>; v2: Router<V2Documented> } | undefined {
  if (model === false) return undefined;
  const chosen = model ?? loadModel();
  if (sharedDocumented?.model === chosen) return sharedDocumented;
  sharedDocumented = { model: chosen, router: documentedRouter(chosen), v2: v2Router(chosen) };
  return sharedDocumented;
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const mode = options.mode ?? 'certificate';
  if (mode !== 'certificate' && mode !== 'public-key' && mode !== 'migrating') throw new TypeError('mode must be "certificate", "public-key" or "migrating"');
  const offset = options.clockOffset ?? 0;
  if (typeof offset !== 'number' || !Number.isFinite(offset)) throw new TypeError('clockOffset must be a number of seconds');
  const clock = () => Date.now() + offset * 1000;
  const seconds = () => Math.floor(clock() / 1000);
  const mchid = options.mchid ?? '1900000001';
  const merchant = { mchid, ...(options.merchant ?? certifiedKey({ commonName: mchid })) };
  // Keys take a while to make: the platform certificate (in public-key mode) and the public key
  // (in certificate mode) are made when first needed.
  const platforms: CertifiedKey[] = options.platform ? [options.platform] : [];
  const allPlatforms = () => {
    if (platforms.length === 0) platforms.push(certifiedKey({ commonName: 'Tenpay.com Root CA' }));
    return platforms;
  };
  let publicKey = options.publicKey;
  const wechatpayPublicKey = () => (publicKey ??= { id: publicKeyId(), ...rsaKeyPair() });
  const apiv3Key = options.apiv3Key ?? makeApiv3Key();
  checkApiv3Key(apiv3Key);
  const apiv2Key = options.apiv2Key ?? makeApiv2Key();
  checkApiv2Key(apiv2Key);
  // `requested`: the `Wechatpay-Serial` of the request answered, which a migrating merchant's
  // answers follow when it names a platform certificate.
  const signer = (requested?: string): SigningKey => {
    const byCertificate = mode === 'certificate' || (mode === 'migrating' && requested !== undefined && allPlatforms().some((p) => p.serial === requested.toUpperCase()));
    if (!byCertificate) return { id: wechatpayPublicKey().id, privateKey: wechatpayPublicKey().privateKey };
    const platform = allPlatforms().at(-1)!;
    return { id: platform.serial, privateKey: platform.privateKey };
  };
  const merchants = new Map<string, Merchant>([[merchant.mchid, { mchid: merchant.mchid, serial: merchant.serial, publicKey: merchant.publicKey }]]);
  const window = options.timestampWindow ?? 300;
  const nonces = nonceLedger(window, clock);
  const routers = routersFor(options.model);
  const sandbox = new Sandbox(options.sandbox || {}, { ...(routers ? { model: routers.model } : {}), apiv3Key, signer: () => signer(), sample: sampleBody, build: buildNotification, deliver });
  const stateful = options.sandbox !== false;
  const documented = routers?.router;
  const documentedV2 = routers?.v2;
  const validate = options.validate ?? true;
  const manual = new Router<{ handler: RouteHandler; validate: boolean }>();
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  const maxRecorded = positiveInteger('maxRecordedRequests', options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED);
  const maxRecordedBytes = positiveInteger('maxRecordedBytes', options.maxRecordedBytes ?? DEFAULT_MAX_RECORDED_BYTES);
  const maxBodyBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);

  interface Outgoing {
    status: number;
    body: string | Buffer;
    headers?: Record<string, string>;
    unsigned?: boolean;
    /** The error code, for the record (APIv2 answers are XML, not a JSON `{ code }`). */
    code?: string;
  }

  const error = (status: number, code: string, message: string, detail?: unknown): Outgoing => ({
    status,
    body: JSON.stringify(detail === undefined ? { code, message } : { code, message, detail }),
  });

  const send = (res: ServerResponse, out: Outgoing, fault?: Fault, record?: RecordedRequest) => {
    const body = out.body;
    let headers: Record<string, string> = { 'Request-ID': randomUUID() };
    if (!out.unsigned) {
      const requested = record?.headers['wechatpay-serial'];
      const key = signer(typeof requested === 'string' ? requested : undefined);
      if (fault?.kind === 'stale-timestamp') headers = signedHeaders(key, body, seconds() - (fault.seconds ?? 600));
      else if (fault?.kind === 'bad-signature') headers = signedHeaders(key, Buffer.concat([Buffer.from(body), Buffer.from('tampered')]), seconds());
      else headers = signedHeaders(key, body, seconds());
      if (fault?.kind === 'unknown-serial') headers['Wechatpay-Serial'] = randomBytes(20).toString('hex').toUpperCase();
      if (fault?.kind === 'signtest') headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${headers['Wechatpay-Signature']}`;
    }
    const length = Buffer.byteLength(body);
    const all: Record<string, string | number> = { Date: new Date(clock()).toUTCString(), ...(length ? { 'Content-Type': JSON_TYPE } : {}), ...headers, ...out.headers, 'Content-Length': length };
    if (record) record.requestId = String(all['Request-ID']);
    if (out.status === 204) delete all['Content-Length'];
    if (fault?.kind === 'truncate' && length > 1) {
      res.writeHead(out.status, all);
      const bytes = Buffer.from(body);
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.writeHead(out.status, all);
    res.end(out.status === 204 ? undefined : body);
  };

  // APIv2: no Authorization header, a path outside `/v3/`, the sign inside the `<xml>` body.
  const answerV2 = async (req: IncomingMessage, body: Buffer, record: RecordedRequest, parsed: URL): Promise<{ out?: Outgoing; fault?: Fault }> => {
    const checked = await checkV2(documentedV2, { method: record.method, path: parsed.pathname, query: parsed.searchParams, headers: req.headers, body, contentType: req.headers['content-type'] ?? '' }, apiv2Key, validate);
    if (checked.template) record.template = checked.template;
    if (checked.fields) {
      record.xml = checked.fields;
      record.signature = checked.out?.code === 'SIGN_ERROR' ? 'invalid' : 'valid';
    }
    if (checked.conflicts) record.conflicts = checked.conflicts;
    if (checked.out) return { out: { ...checked.out, unsigned: true } };
    const { latency, fault } = faults.take(record.method, checked.template!);
    if (fault) record.fault = fault.kind;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (fault?.kind === 'reset') return { fault };
    if (fault?.kind === 'status') return { out: { ...v2Fail(fault.message ?? '系统繁忙，请稍后重试', fault.code ?? 'SYSTEM_ERROR', fault.status ?? 500), unsigned: true }, fault };
    const out = v2Answer(checked.template!, checked.operation!, checked.fields!, apiv2Key, fault?.kind === 'bad-signature');
    return { out: { ...out, unsigned: true }, fault: fault?.kind === 'truncate' ? fault : undefined };
  };

  // The request target is parsed once, where the request comes in.
  const answer = async (req: IncomingMessage, body: Buffer, record: RecordedRequest, parsed: URL): Promise<{ out?: Outgoing; fault?: Fault }> => {
    const { method, url } = record;
    if (req.headers.authorization === undefined && !url.startsWith('/v3/') && !manual.match(method, parsed.pathname).found) {
      return answerV2(req, body, record, parsed);
    }
    // An upload's signature covers its meta JSON, not the multipart bytes.
    let signed = body;
    if (/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      const upload = await readUpload(body, req.headers['content-type']!);
      if (!upload) return { out: error(400, 'PARAM_ERROR', 'multipart body needs a meta part (JSON) and a file part', { location: 'body' }) };
      record.upload = upload;
      signed = Buffer.from(upload.metaText);
    }
    const checked = checkAuthorization({ method, url, body: signed, authorization: req.headers.authorization }, merchants, nonces, window, clock);
    record.signature = 'status' in checked ? 'invalid' : 'valid';
    if ('status' in checked) return { out: error(checked.status, checked.code, checked.message, checked.detail) };

    const path = parsed.pathname;
    const own = manual.match(method, path);
    const doc = documented?.match(method, path) ?? { pathExists: false };
    const found = own.found ?? doc.found;
    if (!found) {
      const why = own.pathExists || doc.pathExists ? `${method} is not documented for ${path}` : `no such endpoint: ${method} ${path}`;
      return { out: error(404, 'NOT_FOUND', why) };
    }
    record.template = found.template;
    record.params = found.params;

    const text = record.upload ? '' : body.toString();
    if (record.upload) {
      const wrong = uploadViolation(record.upload);
      if (wrong) return { out: paramError(wrong) };
    } else if (text) {
      try {
        record.json = JSON.parse(text);
      } catch {
        return { out: error(400, 'PARAM_ERROR', 'body is not valid JSON', { location: 'body' }) };
      }
    }
    const operation = doc.found?.value.operation;
    // an upload endpoint called without its multipart body (types: #14.6)
    if (operation?.request.kind === 'multipart' && !record.upload && validate && !own.found) {
      return { out: paramError({ field: 'body.file', location: 'body', rule: 'required', issue: 'this endpoint takes a multipart upload: body { file, meta }' }) };
    }
    if (operation && validate && (!own.found || own.found.value.validate)) {
      const input = { params: found.params, query: parsed.searchParams, headers: req.headers, json: record.json };
      const violations = validateRequest(operation, input);
      if (violations.length) return { out: paramError(violations[0]!) };
      const conflicts = overrideConflicts(operation, input);
      if (conflicts.length) record.conflicts = conflicts;
    }

    const { latency, fault } = faults.take(method, found.template);
    if (fault) record.fault = fault.kind;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (fault?.kind === 'reset' && !fault.processed) return { fault };
    if (fault?.kind === 'status') {
      const status = fault.status ?? 500;
      const out = error(status, fault.code ?? 'SYSTEM_ERROR', fault.message ?? '系统繁忙，请稍后重试');
      return { out: { ...out, unsigned: fault.unsigned === true }, fault };
    }

    if (own.found) {
      const given = await own.found.value.handler(record);
      if (given.stateful) record.stateful = true;
      const status = given.status ?? (given.json === undefined && given.raw === undefined ? 204 : 200);
      const payload = given.raw ?? (given.json === undefined ? '' : JSON.stringify(given.json));
      const out: Outgoing = { status, body: payload, unsigned: given.unsigned === true };
      if (given.headers) out.headers = given.headers;
      return { out, fault };
    }
    if (found.template === CERTIFICATES && method === 'GET') {
      // A merchant on the WeChat Pay public key alone has no platform certificate to list.
      if (mode === 'public-key') return { out: error(404, 'RESOURCE_NOT_EXISTS', '无可用的平台证书'), fault };
      return { out: { status: 200, body: JSON.stringify(certificatesAnswer(allPlatforms(), apiv3Key, parsed.searchParams.get('algorithm_type') ?? 'RSA')) }, fault };
    }
    const kept = stateful ? sandbox.answer({ method, template: found.template, params: found.params, query: parsed.searchParams, json: record.json, ...(operation ? { operation } : {}) }) : undefined;
    if (kept) {
      record.stateful = true;
      return { out: { status: kept.status, body: kept.json === undefined ? '' : JSON.stringify(kept.json) }, fault };
    }
    const made = defaultAnswer(operation!, { template: found.template, params: found.params, query: parsed.searchParams, json: record.json });
    const out: Outgoing = { status: made.status, body: made.raw ?? (made.json === undefined ? '' : JSON.stringify(made.json)), unsigned: made.unsigned === true };
    if (made.contentType) out.headers = { 'Content-Type': made.contentType };
    return { out, fault };
  };

  const respond = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, body: Buffer, target: URL) => {
    answer(req, body, record, target)
      .then(({ out, fault }) => {
        // A `reset` after processing: the order exists, the answer is lost on the way.
        if (!out || fault?.kind === 'reset') {
          res.socket?.destroy();
          return;
        }
        record.status = out.status;
        const code = out.code ?? (out.status >= 400 ? (JSON.parse(out.body.toString() || '{}') as { code?: string }).code : undefined);
        if (code) record.code = code;
        send(res, out, fault, record);
      })
      .catch((failure: unknown) => {
        record.status = 500;
        record.code = 'SYSTEM_ERROR';
        send(res, error(500, 'SYSTEM_ERROR', (failure as Error).message), undefined, record);
      });
  };

  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const target = targetUrl(url);
    // The console (a page at the root and its calls) is the sandbox's, not WeChat Pay's: not recorded.
    if (target && isConsoleRequest(req, target.pathname)) {
      serveConsole(req, res, target.pathname, sandbox, requests).catch((failure: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`console: ${(failure as Error).message}`);
      });
      return;
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url,
      params: {},
      query: target ? Object.fromEntries(target.searchParams) : {},
      headers: req.headers,
      body: '',
    };
    recordInto(requests, record, maxRecorded);
    const refuse = (status: number, code: string, message: string) => {
      record.status = status;
      record.code = code;
      send(res, error(status, code, message), undefined, record);
    };
    void readBody(req, maxBodyBytes).then((read) => {
      if ('aborted' in read) return;
      if ('tooLarge' in read) {
        // The rest of the body is not read: answer, then close rather than drain an attacker's stream.
        res.shouldKeepAlive = false;
        refuse(413, 'PARAM_ERROR', `request body over ${maxBodyBytes} bytes (the mock's maxBodyBytes)`);
        return;
      }
      record.body = read.body.toString();
      // The text and what is parsed from it (JSON, an upload) are held: counted twice.
      boundBytes(requests, record, 2 * read.body.length, maxRecordedBytes);
      if (!target) {
        refuse(400, 'INVALID_REQUEST', `the request target is not a path: ${JSON.stringify(url.slice(0, 200))}`);
        return;
      }
      respond(req, res, record, read.body, target);
    });
  });
  // A request line Node cannot parse at all: a plain 400, never an exception.
  server.on('clientError', (_failure, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;

  const clientConfig: WechatpayConfig = {
    mchid: merchant.mchid,
    serial: merchant.serial,
    privateKey: merchant.privateKeyPem,
    certs: {
      ...(mode === 'public-key' ? {} : { [allPlatforms()[0]!.serial]: allPlatforms()[0]!.certificatePem }),
      ...(mode === 'certificate' ? {} : { [wechatpayPublicKey().id]: wechatpayPublicKey().publicKeyPem }),
    },
    baseURL: url,
    apiv2Key,
    // APIv2 calls with `security: true` present it (over plain http to the mock, unused).
    merchantCertificate: merchant.certificatePem,
  };

  const bills = installBills({
    url, mchid, merchantPublicKey: merchant.publicKey, sign: (text) => signedHeaders(signer(), text),
    route: (method, template, handler, routeOptions) => manual.add(method, template, { handler, validate: routeOptions?.validate === true }),
  });
  // The day's bill lists the day's orders and refunds (sample rows for a day without any).
  if (stateful) bills.source = sandboxBillRows(sandbox);

  return {
    url,
    merchant,
    get platform() {
      return allPlatforms().at(-1)!;
    },
    get platforms() {
      return allPlatforms();
    },
    get publicKey() {
      return wechatpayPublicKey();
    },
    mode,
    apiv3Key,
    apiv2Key,
    requests,
    sandbox,
    notification: (eventType, notificationOptions = {}) =>
      testNotification(eventType, { ...(routers ? { model: routers.model } : {}), timestamp: seconds(), ...notificationOptions, apiv3Key, signer: signer() }),
    clientConfig,
    bills,
    route(method, template, handler, routeOptions) {
      manual.add(method, template.replace(/^\//, ''), { handler, validate: routeOptions?.validate === true });
    },
    fault: (fault, scope) => faults.add(fault, scope),
    clearFaults: () => faults.clear(),
    rotatePlatformCertificate() {
      const next = certifiedKey({ commonName: 'Tenpay.com Root CA' });
      allPlatforms().push(next);
      return next;
    },
    close() {
      sandbox.close();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((failure) => (failure ? reject(failure) : resolve())));
    },
  };
}

function paramError(violation: Violation): { status: number; body: string } {
  return {
    status: 400,
    body: JSON.stringify({
      code: 'PARAM_ERROR',
      message: `${violation.field}: ${violation.issue}`,
      detail: { field: violation.field, location: violation.location, issue: violation.issue },
    }),
  };
}
