// Plain node:http (and anything built on it that leaves the body stream alone).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../body.js';
import { handle, type HandleOptions, type WebhookHandler } from '../handle.js';
import type { WebhookParser } from '../parse.js';
import type { WebhookReply } from '../reply.js';
import type { Reporting } from '../report.js';

export interface NodeContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export function send(res: ServerResponse, reply: WebhookReply): void {
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

export function nodeWebhook(parser: WebhookParser, handler: WebhookHandler<NodeContext>, options?: HandleOptions & Reporting) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = async () => ({ headers: req.headers, body: await readBody(req, parser.maxBodyBytes) });
    send(res, await handle(parser, raw, handler, { req, res }, options));
  };
}
