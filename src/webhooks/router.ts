// One notification endpoint for many merchants: the merchant is chosen from the request (the
// last path segment by default, as in `/notify/:mchid`) before anything is verified, then that
// merchant's own parser (keys, APIv3 key, replay store) and the ordinary adapter take over. A
// notification that decrypts under the chosen merchant's APIv3 key is that merchant's: posted to
// another merchant's URL it fails the signature or the decryption, and the handler never runs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observers } from '../request/events.js';
import { expressWebhook, type ExpressContext, type ExpressLikeRequest } from './adapters/express.js';
import { fastifyPlugin, type FastifyContext } from './adapters/fastify.js';
import { fetchWebhook, toResponse, type FetchContext } from './adapters/fetch.js';
import { answerKoa, koaWebhook, type KoaLikeContext } from './adapters/koa.js';
import { nodeWebhook, send, type NodeContext } from './adapters/node.js';
import { WebhookError } from './errors.js';
import { handle, type HandleOptions, type WebhookHandler } from './handle.js';
import type { HeaderBag, WebhookParser } from './parse.js';
import { fail, type WebhookReply } from './reply.js';
import { report, type Reporting } from './report.js';

/** What the router needs of a merchant: a client (`new Wechatpay(…)`) has it. */
export interface RoutableMerchant {
  readonly webhooks: { readonly parser: WebhookParser; readonly observers?: Observers | undefined };
}

/** What the merchant id is read from. */
export interface RouteRequest {
  /** Path and query, e.g. `/notify/1900000001?x=1`. */
  url: string;
  headers: HeaderBag;
  /** Route parameters, when the framework parsed them (Express `req.params`, koa-router `ctx.params`). */
  params?: Readonly<Record<string, string>> | undefined;
}

export interface WebhookRouterOptions<M extends RoutableMerchant> extends HandleOptions {
  /** The merchant for an id (a Map lookup, a cache that builds clients on first use, …); `undefined` is answered 404. */
  merchant(mchid: string): M | undefined | Promise<M | undefined>;
  /** Where the id comes from; default: the `mchid` route parameter, else the last path segment. */
  mchid?(request: RouteRequest): string | undefined;
}

/** The adapter's own context plus the merchant the notification was routed to. */
export type Routed<C, M> = C & { mchid: string; merchant: M };

export class WebhookRouter<M extends RoutableMerchant> {
  readonly #options: WebhookRouterOptions<M>;

  constructor(options: WebhookRouterOptions<M>) {
    if (options === null || typeof options !== 'object' || typeof options.merchant !== 'function') {
      throw new TypeError('WebhookRouter needs { merchant: (mchid) => client | undefined }');
    }
    this.#options = options;
  }

  /** The merchant a request is for, or the reply refusing it (404 unknown, 500 when the lookup failed). */
  async route(request: RouteRequest): Promise<{ mchid: string; merchant: M } | { refusal: WebhookReply }> {
    const mchid = (this.#options.mchid ?? defaultMchid)(request);
    const refuse = (error: unknown, reply: WebhookReply, known?: string) => {
      report(this.#options, error, 'route', reply.status, undefined, known);
      return { refusal: reply };
    };
    if (typeof mchid !== 'string' || !/^\d{1,32}$/.test(mchid)) {
      return refuse(new WebhookError('UNKNOWN_MERCHANT', `no merchant id in the notification URL ${request.url.slice(0, 200)}`), fail('no merchant id in the notification URL', 404));
    }
    let merchant: M | undefined;
    try {
      merchant = await this.#options.merchant(mchid);
    } catch (error) {
      return refuse(error, fail('merchant lookup failed', 500), mchid);
    }
    if (!merchant) return refuse(new WebhookError('UNKNOWN_MERCHANT', `the router's merchant() knows no merchant ${mchid}`), fail(`unknown merchant ${mchid}`, 404), mchid);
    return { mchid, merchant };
  }

  node(handler: WebhookHandler<Routed<NodeContext, M>>) {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const routed = await this.route({ url: req.url ?? '/', headers: req.headers });
      if ('refusal' in routed) return refuse(req, res, routed.refusal);
      return nodeWebhook(routed.merchant.webhooks.parser, this.#bind(handler, routed), this.#reporting(routed))(req, res);
    };
  }

  express(handler: WebhookHandler<Routed<ExpressContext, M>>) {
    return async (req: ExpressLikeRequest & { params?: Record<string, string>; originalUrl?: string }, res: ServerResponse): Promise<void> => {
      const routed = await this.route({ url: req.originalUrl ?? req.url ?? '/', headers: req.headers, params: req.params });
      if ('refusal' in routed) return refuse(req, res, routed.refusal);
      return expressWebhook(routed.merchant.webhooks.parser, this.#bind(handler, routed), this.#reporting(routed))(req, res);
    };
  }

  koa<C extends KoaLikeContext & { url?: string; params?: Record<string, string> }>(handler: WebhookHandler<Routed<C, M>>) {
    return async (ctx: C): Promise<void> => {
      const routed = await this.route({ url: ctx.url ?? ctx.req.url ?? '/', headers: ctx.req.headers, params: ctx.params });
      if ('refusal' in routed) {
        ctx.req.resume();
        return answerKoa(ctx, routed.refusal);
      }
      return koaWebhook<C>(routed.merchant.webhooks.parser, this.#bind(handler, routed), this.#reporting(routed))(ctx);
    };
  }

  /** A Fastify plugin serving `url` (e.g. `/notify/:mchid`); bodies over `maxBodyBytes` (1 MiB) are refused by Fastify with 413. */
  fastify(handler: WebhookHandler<Routed<FastifyContext, M>>, options: { url: string; maxBodyBytes?: number }) {
    return fastifyPlugin(options.url, options.maxBodyBytes ?? 1024 * 1024, async (request, reply, body) => {
      const params = request.params as Record<string, string> | undefined;
      const routed = await this.route({ url: request.url ?? '/', headers: request.headers, params });
      if ('refusal' in routed) return routed.refusal;
      return handle(routed.merchant.webhooks.parser, { headers: request.headers, body }, this.#bind(handler, routed), { request, reply }, this.#reporting(routed));
    }, this.#options);
  }

  fetch(handler: WebhookHandler<Routed<FetchContext, M>>) {
    return async (request: Request): Promise<Response> => {
      const url = new URL(request.url);
      const routed = await this.route({ url: url.pathname + url.search, headers: request.headers });
      if ('refusal' in routed) return toResponse(routed.refusal);
      return fetchWebhook(routed.merchant.webhooks.parser, this.#bind(handler, routed), this.#reporting(routed))(request);
    };
  }

  /** The router's onError and the routed client's listeners. */
  #reporting(routed: { merchant: M }): HandleOptions & Reporting {
    return { onError: this.#options.onError, observers: routed.merchant.webhooks.observers };
  }

  #bind<C>(handler: WebhookHandler<Routed<C, M>>, routed: { mchid: string; merchant: M }): WebhookHandler<C> {
    return (notification, context) => handler(notification, { ...context, mchid: routed.mchid, merchant: routed.merchant });
  }
}

/** The `mchid` route parameter, else the last non-empty path segment. */
export function defaultMchid(request: RouteRequest): string | undefined {
  if (request.params?.mchid) return request.params.mchid;
  const path = request.url.split(/[?#]/, 1)[0]!;
  return path.split('/').filter(Boolean).at(-1);
}

// The body is not read for a refused merchant: drain it so the connection can be reused.
function refuse(req: IncomingMessage, res: ServerResponse, reply: WebhookReply): void {
  req.resume();
  send(res, reply);
}
