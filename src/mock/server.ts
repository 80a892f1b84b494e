// A local WeChat Pay on loopback: checks every request as WeChat Pay does, answers from the
// routes it was given, signs every answer with its platform key, and records what it saw.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WechatpayConfig } from '../config.js';
import { checkAuthorization, nonceLedger, type Merchant } from './authorization.js';
import { certifiedKey, publicKeyId, rsaKeyPair, type CertifiedKey, type KeyPair } from './identity.js';
import { signedHeaders, type SigningKey } from './respond.js';

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
}

export interface MockAnswer {
  status?: number;
  json?: unknown;
  /** A raw body (e.g. a file download), sent as is. */
  raw?: Buffer | string;
  headers?: Record<string, string>;
  /** Leave the answer unsigned (WeChat Pay does so for file downloads). */
  unsigned?: boolean;
}

export type RouteHandler = (request: RecordedRequest) => MockAnswer | Promise<MockAnswer>;

export interface MockServerOptions {
  /** Sign answers with a platform certificate (default) or with the WeChat Pay public key. */
  mode?: 'certificate' | 'public-key';
  port?: number;
}

export interface MockServer {
  /** Base URL to hand the client, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  /** A ready client configuration: merchant identity, keys, platform certificate or public key. */
  readonly clientConfig: WechatpayConfig;
  readonly merchant: { mchid: string } & CertifiedKey;
  readonly platform: CertifiedKey;
  readonly publicKey: KeyPair & { id: string };
  readonly requests: RecordedRequest[];
  route(method: string, template: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

function compileRoute(method: string, template: string, handler: RouteHandler): Route {
  const names: string[] = [];
  const source = template
    .split(/(\{[^{}]+\})/)
    .map((part) => {
      const param = /^\{(.+)\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('');
  return { method: method.toUpperCase(), template, pattern: new RegExp(`^/${source}$`), names, handler };
}

function send(res: ServerResponse, signer: SigningKey | undefined, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  const signature = signer ? signedHeaders(signer, body) : {};
  res.writeHead(status, { 'Content-Type': 'application/json', ...signature, ...headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const merchant = { mchid: '1900000001', ...certifiedKey({ commonName: '1900000001' }) };
  const platform = certifiedKey({ commonName: 'Tenpay.com Root CA' });
  const publicKey = { id: publicKeyId(), ...rsaKeyPair() };
  const signer: SigningKey =
    options.mode === 'public-key' ? { id: publicKey.id, privateKey: publicKey.privateKey } : { id: platform.serial, privateKey: platform.privateKey };
  const merchants = new Map<string, Merchant>([[merchant.mchid, { mchid: merchant.mchid, serial: merchant.serial, publicKey: merchant.publicKey }]]);
  const nonces = nonceLedger();
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const checked = checkAuthorization({ method, url, body, authorization: req.headers.authorization }, merchants, nonces);
    if ('status' in checked) return send(res, signer, checked.status, JSON.stringify({ code: checked.code, message: checked.message }));
    const parsed = new URL(url, 'http://mock');
    const text = body.toString();
    const recorded: RecordedRequest = {
      method,
      url,
      params: {},
      query: Object.fromEntries(parsed.searchParams),
      headers: req.headers,
      body: text,
    };
    if (text) {
      try {
        recorded.json = JSON.parse(text);
      } catch {
        requests.push(recorded);
        return send(res, signer, 400, JSON.stringify({ code: 'PARAM_ERROR', message: 'body is not valid JSON' }));
      }
    }
    requests.push(recorded);
    const route = routes.find((r) => r.method === method && r.pattern.test(parsed.pathname));
    if (!route) return send(res, signer, 404, JSON.stringify({ code: 'NOT_FOUND', message: `no such endpoint: ${method} ${parsed.pathname}` }));
    const match = route.pattern.exec(parsed.pathname)!;
    recorded.template = route.template;
    route.names.forEach((name, i) => (recorded.params[name] = decodeURIComponent(match[i + 1]!)));
    const answer = await route.handler(recorded);
    const status = answer.status ?? (answer.json === undefined && answer.raw === undefined ? 204 : 200);
    const payload = answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
    send(res, answer.unsigned ? undefined : signer, status, payload, answer.headers);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        send(res, signer, 500, JSON.stringify({ code: 'SYSTEM_ERROR', message: (error as Error).message }));
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;

  return {
    url,
    merchant,
    platform,
    publicKey,
    requests,
    clientConfig: {
      mchid: merchant.mchid,
      serial: merchant.serial,
      privateKey: merchant.privateKeyPem,
      certs: options.mode === 'public-key' ? { [publicKey.id]: publicKey.publicKeyPem } : { [platform.serial]: platform.certificatePem },
      baseURL: url,
    },
    route(method, template, handler) {
      routes.push(compileRoute(method, template.replace(/^\//, ''), handler));
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
