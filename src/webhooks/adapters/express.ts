// Express. The raw body may already be gone: `express.json()` on the app parses it into an object,
// and `JSON.stringify` of that object is not the bytes WeChat Pay signed (key order, spacing and
// escapes may differ), so it is never re-serialised. What works, in order of preference:
//   app.post('/notify', express.raw({ type: '*/*' }), wxpay.webhooks.express(handler))
//   app.use(express.json({ verify: keepRawBody }))   // keeps req.rawBody beside req.body
// and with no body parser on the route the middleware reads the stream itself. A body that was
// parsed without a raw copy is refused with 500 (BODY_CONSUMED), so WeChat Pay retries once fixed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../body.js';
import { WebhookError } from '../errors.js';
import { handle, type HandleOptions, type WebhookHandler } from '../handle.js';
import type { WebhookParser } from '../parse.js';
import { send } from './node.js';

/** The parts of an Express request this adapter reads (no dependency on express' types). */
export interface ExpressLikeRequest extends IncomingMessage {
  body?: unknown;
  rawBody?: Buffer | string;
  _body?: boolean;
}

export interface ExpressContext {
  req: ExpressLikeRequest;
  res: ServerResponse;
}

/** For `express.json({ verify: keepRawBody })`: keeps the exact bytes as `req.rawBody`. */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buffer: Buffer): void {
  (req as ExpressLikeRequest).rawBody = Buffer.from(buffer);
}

function rawBodyOf(req: ExpressLikeRequest, limit: number): Promise<Buffer | string> {
  if (req.rawBody !== undefined) return Promise.resolve(req.rawBody);
  if (Buffer.isBuffer(req.body) || typeof req.body === 'string') return Promise.resolve(req.body);
  if (req._body === true || req.readableEnded || (req.body !== undefined && typeof req.body === 'object')) {
    return Promise.reject(
      new WebhookError('BODY_CONSUMED', 'a body parser consumed the notification: use express.raw() on this route or express.json({ verify: keepRawBody })'),
    );
  }
  return readBody(req, limit);
}

export function expressWebhook(parser: WebhookParser, handler: WebhookHandler<ExpressContext>, options?: HandleOptions) {
  return async (req: ExpressLikeRequest, res: ServerResponse, _next?: (error?: unknown) => void): Promise<void> => {
    const raw = async () => ({ headers: req.headers, body: await rawBodyOf(req, parser.maxBodyBytes) });
    send(res, await handle(parser, raw, handler, { req, res }, options));
  };
}
