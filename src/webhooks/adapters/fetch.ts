// The Fetch API (Next.js route handlers, Hono, Deno-style servers): Request in, Response out.
import { WebhookError } from '../errors.js';
import { handle, type HandleOptions, type WebhookHandler } from '../handle.js';
import type { WebhookParser } from '../parse.js';
import type { WebhookReply } from '../reply.js';
import type { Reporting } from '../report.js';

export interface FetchContext {
  request: Request;
}

async function bodyOf(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw new WebhookError('BODY_TOO_LARGE', `notification body is ${declared} bytes, over the ${limit}-byte limit`);
  if (request.bodyUsed) throw new WebhookError('BODY_CONSUMED', 'the Request body was already read (request.json(), request.text() or a middleware did it): hand the route the Request unread, or a request.clone() made before reading');
  if (!request.body) return Buffer.alloc(0);
  // Read chunk by chunk: a chunked body declares no length, and is stopped as soon as it passes
  // the limit instead of being buffered whole first.
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new WebhookError('BODY_TOO_LARGE', `notification body is over the ${limit}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** A reply as a Fetch Response. */
export function toResponse(reply: WebhookReply): Response {
  return new Response(reply.body === '' ? null : reply.body, { status: reply.status, headers: reply.headers });
}

export function fetchWebhook(parser: WebhookParser, handler: WebhookHandler<FetchContext>, options?: HandleOptions & Reporting) {
  return async (request: Request): Promise<Response> => {
    const raw = async () => ({ headers: request.headers, body: await bodyOf(request, parser.maxBodyBytes) });
    return toResponse(await handle(parser, raw, handler, { request }, options));
  };
}
