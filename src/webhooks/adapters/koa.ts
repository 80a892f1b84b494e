// Koa. With no body parser the middleware reads `ctx.req` itself; behind koa-bodyparser (or
// @koa/bodyparser) it uses `ctx.request.rawBody`, which they keep; behind koa-body it uses the
// unparsed body `includeUnparsed: true` keeps. A parsed body without a raw copy is refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../body.js';
import { WebhookError } from '../errors.js';
import { handle, type HandleOptions, type WebhookHandler } from '../handle.js';
import type { WebhookParser } from '../parse.js';
import type { WebhookReply } from '../reply.js';
import type { Reporting } from '../report.js';

/** The parts of a Koa context this adapter reads and writes. */
export interface KoaLikeContext {
  req: IncomingMessage;
  res: ServerResponse;
  request: { rawBody?: string | Buffer; body?: unknown };
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

// Where koa-body keeps the raw text with `includeUnparsed: true`.
const UNPARSED = Symbol.for('unparsedBody');

function rawBodyOf(ctx: KoaLikeContext, limit: number): Promise<Buffer | string> {
  const { rawBody, body } = ctx.request;
  if (rawBody !== undefined) return Promise.resolve(rawBody);
  if (Buffer.isBuffer(body) || typeof body === 'string') return Promise.resolve(body);
  const unparsed = body !== null && typeof body === 'object' ? (body as Record<symbol, unknown>)[UNPARSED] : undefined;
  if (typeof unparsed === 'string' || Buffer.isBuffer(unparsed)) return Promise.resolve(unparsed);
  if (body !== undefined || ctx.req.readableEnded) {
    return Promise.reject(
      new WebhookError(
        'BODY_CONSUMED',
        'a body parser read the notification without keeping its raw text: use koa-bodyparser (it keeps ctx.request.rawBody), koa-body with { includeUnparsed: true }, or put this middleware before the parser',
      ),
    );
  }
  return readBody(ctx.req, limit);
}

/** A reply onto a Koa context. */
export function answerKoa(ctx: KoaLikeContext, reply: WebhookReply): void {
  ctx.set(reply.headers);
  ctx.body = reply.body === '' ? null : reply.body;
  ctx.status = reply.status;
}

export function koaWebhook<C extends KoaLikeContext>(parser: WebhookParser, handler: WebhookHandler<C>, options?: HandleOptions & Reporting) {
  return async (ctx: C): Promise<void> => {
    const raw = async () => ({ headers: ctx.req.headers, body: await rawBodyOf(ctx, parser.maxBodyBytes) });
    answerKoa(ctx, await handle(parser, raw, handler, ctx, options));
  };
}
