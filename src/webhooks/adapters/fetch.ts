// The Fetch API (Next.js route handlers, Hono, Deno-style servers): Request in, Response out.
import { WebhookError } from '../errors.js';
import { handle, type HandleOptions, type WebhookHandler } from '../handle.js';
import type { WebhookParser } from '../parse.js';

export interface FetchContext {
  request: Request;
}

async function bodyOf(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw new WebhookError('BODY_TOO_LARGE', `notification body is ${declared} bytes, over the ${limit}-byte limit`);
  if (request.bodyUsed) throw new WebhookError('BODY_CONSUMED', 'the Request body was already read: pass the Request before calling request.json()');
  return Buffer.from(await request.arrayBuffer());
}

export function fetchWebhook(parser: WebhookParser, handler: WebhookHandler<FetchContext>, options?: HandleOptions) {
  return async (request: Request): Promise<Response> => {
    const raw = async () => ({ headers: request.headers, body: await bodyOf(request, parser.maxBodyBytes) });
    const reply = await handle(parser, raw, handler, { request }, options);
    return new Response(reply.body === '' ? null : reply.body, { status: reply.status, headers: reply.headers });
  };
}
