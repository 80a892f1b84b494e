// Fastify parses JSON bodies before any handler runs. The plugin registers the route in its own
// encapsulated scope, where the only content-type parser keeps the raw Buffer (and fastify's own
// bodyLimit answers 413 before the handler); the rest of the app keeps its parsers.
import { handle, type HandleOptions, type WebhookHandler } from '../handle.js';
import type { RawNotification, WebhookParser } from '../parse.js';
import { fail, type WebhookReply } from '../reply.js';
import { report, type Reporting } from '../report.js';

/** The parts of a Fastify instance, request and reply this plugin uses. */
export interface FastifyLikeInstance {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit?: number },
    parser: (request: unknown, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => void,
  ): void;
  post(url: string, handler: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>): unknown;
  setErrorHandler(handler: (error: { statusCode?: number; message: string }, request: unknown, reply: FastifyLikeReply) => unknown): unknown;
}
export interface FastifyLikeRequest {
  headers: RawNotification['headers'];
  body: unknown;
  url?: string;
  params?: unknown;
}
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(headers: Record<string, string>): FastifyLikeReply;
  send(body?: string): unknown;
}

export interface FastifyContext {
  request: FastifyLikeRequest;
  reply: FastifyLikeReply;
}

export function fastifyWebhook(parser: WebhookParser, handler: WebhookHandler<FastifyContext>, options: HandleOptions & Reporting & { url: string }) {
  return fastifyPlugin(options.url, parser.maxBodyBytes, (request, reply, body) => handle(parser, { headers: request.headers, body }, handler, { request, reply }, options), options);
}

/** The encapsulated plugin around one POST route; `answer` turns the raw body into the reply. */
export function fastifyPlugin(url: string, bodyLimit: number, answer: (request: FastifyLikeRequest, reply: FastifyLikeReply, body: Buffer) => Promise<WebhookReply>, reporting: Reporting = {}) {
  return async (instance: FastifyLikeInstance): Promise<void> => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
    // Fastify's own refusals (413 over bodyLimit, 415, …) keep their status but answer as WeChat Pay expects.
    instance.setErrorHandler((error, _request, reply) => {
      const { status, headers, body } = fail(error.message, error.statusCode && error.statusCode >= 400 ? error.statusCode : 500);
      report(reporting, error, 'parse', status, undefined);
      return reply.code(status).headers(headers).send(body);
    });
    instance.post(url, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const answered = await answer(request, reply, body);
      return reply.code(answered.status).headers(answered.headers).send(answered.body === '' ? undefined : answered.body);
    });
  };
}
