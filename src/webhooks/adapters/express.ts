// Express (4 and 5; NestJS on Express too). The raw body may already be gone: `express.json()`
// parses it into an object, and `JSON.stringify` of that object is not the bytes WeChat Pay
// signed (key order, spacing and escapes may differ), so it is never re-serialised. What works:
//   app.post('/notify', wxpay.webhooks.express(handler))  // before any app.use(express.json())
//   app.post('/notify', express.raw({ type: '*/*' }), wxpay.webhooks.express(handler))  // likewise
//   app.use(express.json({ verify: keepRawBody }))         // keeps req.rawBody beside req.body
//   NestFactory.create(AppModule, { rawBody: true })       // NestJS keeps req.rawBody itself
// With no body parser on the way the middleware reads the stream itself. A body parsed without a
// raw copy is refused with 500 (BODY_CONSUMED), so WeChat Pay retries once fixed, and the message
// names the fix for where the parser was: on the route, or app-wide before it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../body.js';
import { WebhookError } from '../errors.js';
import { handle, type HandleOptions, type WebhookHandler } from '../handle.js';
import type { WebhookParser } from '../parse.js';
import type { Reporting } from '../report.js';
import { send } from './node.js';

/** The parts of an Express request this adapter reads (no dependency on express' types). */
export interface ExpressLikeRequest extends IncomingMessage {
  body?: unknown;
  rawBody?: Buffer | string;
  _body?: boolean;
  /** The matched route (Express 4 and 5): its layers tell a parser on the route from one app-wide. */
  route?: { stack?: ReadonlyArray<{ name?: string }> };
}

export interface ExpressContext {
  req: ExpressLikeRequest;
  res: ServerResponse;
}

/** For `express.json({ verify: keepRawBody })`: keeps the exact bytes as `req.rawBody`. */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buffer: Buffer): void {
  (req as ExpressLikeRequest).rawBody = Buffer.from(buffer);
}

// body-parser's middleware names: a parser that makes text or an object of the body.
const PARSERS = new Set(['jsonParser', 'urlencodedParser', 'textParser']);

function consumed(req: ExpressLikeRequest): WebhookError {
  const onRoute = req.route?.stack?.some((layer) => layer.name !== undefined && PARSERS.has(layer.name));
  return new WebhookError(
    'BODY_CONSUMED',
    onRoute
      ? 'a body parser on this route (express.json()) parsed the notification and its bytes are gone: put express.raw({ type: "*/*" }) in its place, or nothing'
      : "a JSON body parser ran app-wide before this route (app.use(express.json()), or NestJS's default) and the bytes are gone: " +
          'register this route before the parser, or keep the bytes with express.json({ verify: keepRawBody }) ' +
          '(NestJS: NestFactory.create(AppModule, { rawBody: true })); express.raw() on the route cannot bring them back',
  );
}

function rawBodyOf(req: ExpressLikeRequest, limit: number): Promise<Buffer | string> {
  if (req.rawBody !== undefined) return Promise.resolve(req.rawBody);
  if (Buffer.isBuffer(req.body) || typeof req.body === 'string') return Promise.resolve(req.body);
  // Express 4's parsers leave `req.body = {}` on a request they did not read: only `_body`, an
  // ended stream or a body with content say that one did.
  const placeholder = req.body === undefined || (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) && Object.keys(req.body).length === 0);
  if (req._body === true || req.readableEnded || !placeholder) return Promise.reject(consumed(req));
  return readBody(req, limit);
}

export function expressWebhook(parser: WebhookParser, handler: WebhookHandler<ExpressContext>, options?: HandleOptions & Reporting) {
  return async (req: ExpressLikeRequest, res: ServerResponse, _next?: (error?: unknown) => void): Promise<void> => {
    const raw = async () => ({ headers: req.headers, body: await rawBodyOf(req, parser.maxBodyBytes) });
    send(res, await handle(parser, raw, handler, { req, res }, options));
  };
}
