// Koa. With no body parser the middleware reads `ctx.req` itself; with koa-bodyparser it uses
// `ctx.request.rawBody`, which that parser keeps; a parsed body without a raw copy is refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../body.js';
import { WebhookError } from '../errors.js';
import { handle, type HandleOptions, type WebhookHandler } from '../handle.js';
import type { WebhookParser } from '../parse.js';

/** The parts of a Koa context this adapter reads and writes. */
export interface KoaLikeContext {
  req: IncomingMessage;
  res: ServerResponse;
  request: { rawBody?: string | Buffer; body?: unknown };
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

function rawBodyOf(ctx: KoaLikeContext, limit: number): Promise<Buffer | string> {
  const { rawBody, body } = ctx.request;
  if (rawBody !== undefined) return Promise.resolve(rawBody);
  if (Buffer.isBuffer(body) || typeof body === 'string') return Promise.resolve(body);
  if (body !== undefined || ctx.req.readableEnded) {
    return Promise.reject(new WebhookError('BODY_CONSUMED', 'a body parser consumed the notification without keeping ctx.request.rawBody'));
  }
  return readBody(ctx.req, limit);
}

export function koaWebhook<C extends KoaLikeContext>(parser: WebhookParser, handler: WebhookHandler<C>, options?: HandleOptions) {
  return async (ctx: C): Promise<void> => {
    const raw = async () => ({ headers: ctx.req.headers, body: await rawBodyOf(ctx, parser.maxBodyBytes) });
    const reply = await handle(parser, raw, handler, ctx, options);
    ctx.set(reply.headers);
    ctx.body = reply.body === '' ? null : reply.body;
    ctx.status = reply.status;
  };
}
