// `wxpay.webhooks`: one parser (verify → replay check → decrypt) and thin adapters over it for
// node:http, Express, Koa, Fastify and the Fetch API, plus the documented replies.
import { expressWebhook, keepRawBody, type ExpressContext } from './adapters/express.js';
import { fastifyWebhook, type FastifyContext } from './adapters/fastify.js';
import { fetchWebhook, type FetchContext } from './adapters/fetch.js';
import { koaWebhook, type KoaLikeContext } from './adapters/koa.js';
import { nodeWebhook, type NodeContext } from './adapters/node.js';
import type { Observers } from '../request/events.js';
import type { HandleOptions, WebhookHandler } from './handle.js';
import { WebhookParser, type Notification, type RawNotification, type WebhookOptions } from './parse.js';
import { fail, signed, success, type ReplySigner, type WebhookReply } from './reply.js';
import { ConfigError } from '../errors.js';
import { parseV2Notification, v2Reply, type V2Notification } from './v2.js';

export interface WebhooksOptions extends WebhookOptions {
  /** The APIv2 key, for APIv2 notifications (which need no APIv3 key, certificate or public key). */
  apiv2Key?: string;
  /** This merchant's id: an APIv2 notification naming another `mch_id` is refused. */
  mchid?: string;
  /** The merchant key, for the replies that must be signed. */
  signer?: ReplySigner;
  /** The client's listeners, told of every refusal (`wxpay.on('notification-error', …)`). */
  observers?: Observers;
}

export class Webhooks {
  readonly parser: WebhookParser;
  readonly #apiv2Key: string | undefined;
  readonly #mchid: string | undefined;
  readonly #signer: ReplySigner | undefined;
  /** Where refusals are told besides an adapter's onError (the client's listeners). */
  readonly observers: Observers | undefined;

  constructor(options: WebhooksOptions) {
    this.parser = new WebhookParser(options);
    this.#apiv2Key = options.apiv2Key;
    this.#mchid = options.mchid;
    this.#signer = options.signer;
    this.observers = options.observers;
  }

  /** Verify and decrypt one notification from its headers and raw body. */
  parse(raw: RawNotification): Promise<Notification> {
    return this.parser.parse(raw);
  }

  /** Give back a parsed notification's nonce after the merchant failed to handle it. */
  release(notification: Notification): Promise<void> {
    return this.parser.release(notification);
  }

  /** Verify (or decrypt, for refunds) an APIv2 XML notification. */
  parseV2(body: string | Buffer): V2Notification {
    if (!this.#apiv2Key) throw new ConfigError('apiv2Key', 'APIv2 notifications are checked with the APIv2 key: pass apiv2Key to new Wechatpay()');
    return parseV2Notification(body, this.#apiv2Key, { maxBodyBytes: this.parser.maxBodyBytes, mchid: this.#mchid });
  }

  readonly reply = {
    success,
    fail,
    /** A reply with fields, signed by the merchant key (for events that document a signed reply). */
    signed: (fields: Readonly<Record<string, unknown>>): WebhookReply => {
      if (!this.#signer) throw new TypeError('signed replies need the merchant key: use wxpay.webhooks, which has it');
      return signed(success(fields), this.#signer);
    },
    v2: v2Reply,
  };

  node(handler: WebhookHandler<NodeContext>, options?: HandleOptions) {
    return nodeWebhook(this.parser, handler, { ...options, observers: this.observers });
  }

  express(handler: WebhookHandler<ExpressContext>, options?: HandleOptions) {
    return expressWebhook(this.parser, handler, { ...options, observers: this.observers });
  }

  koa<C extends KoaLikeContext>(handler: WebhookHandler<C>, options?: HandleOptions) {
    return koaWebhook<C>(this.parser, handler, { ...options, observers: this.observers });
  }

  fastify(handler: WebhookHandler<FastifyContext>, options: HandleOptions & { url: string }) {
    return fastifyWebhook(this.parser, handler, { ...options, observers: this.observers });
  }

  fetch(handler: WebhookHandler<FetchContext>, options?: HandleOptions) {
    return fetchWebhook(this.parser, handler, { ...options, observers: this.observers });
  }

  /** For `express.json({ verify: Webhooks.keepRawBody })`. */
  static readonly keepRawBody = keepRawBody;
}

export { keepRawBody } from './adapters/express.js';
export { WebhookError, type WebhookErrorCode } from './errors.js';
export type { HandleOptions, WebhookHandler } from './handle.js';
export type { NotificationErrorEvent } from './report.js';
export { MemoryNonceStore, type Begun, type MemoryNonceStoreOptions, type NonceStore, type NotificationLedger } from './nonces.js';
export type { Notification, NotificationOf, RawNotification, WebhookOptions } from './parse.js';
export type { WebhookReply } from './reply.js';
export { WebhookRouter, defaultMchid, type Routed, type RoutableMerchant, type RouteRequest, type WebhookRouterOptions } from './router.js';
export type { V2Notification } from './v2.js';
