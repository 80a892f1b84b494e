import { ChainFactory } from './chain.js';
import type { WechatpayClient, UntypedWechatpayClient } from './client-types.js';
import type { WechatpayConfig } from './config.js';
import { Core } from './core.js';
import type { DoctorOptions, DoctorReport } from './doctor/index.js';

export interface WechatpayConstructor {
  /** A client whose chain, declarative and attribute styles are typed from the documentation. */
  new (config: WechatpayConfig): WechatpayClient;
  readonly prototype: Core;
}

function construct(config: WechatpayConfig): WechatpayClient {
  const core = new Core(config);
  const chains = new ChainFactory(core);
  const chain = (path: string) => chains.fromPath(path);
  const bound = new Map<PropertyKey, unknown>();
  // The root: its own members first (request, axios, chain, …), then any other name is a first
  // path segment (`v3`), and a name holding a slash is a whole path (`'v3/pay/transactions/native'`).
  return new Proxy(core, {
    get(target, property) {
      if (property === 'chain') return chain;
      if (typeof property === 'symbol' || property in target) {
        const value = Reflect.get(target, property, target);
        // Only prototype methods are bound: a function-valued member (the axios instance, behind
        // a getter) is returned as is, or its `interceptors`, `defaults` and verbs would be lost.
        if (typeof value !== 'function' || property === 'constructor' || Object.hasOwn(target, property) || property === 'axios') return value;
        let method = bound.get(property);
        if (!method) bound.set(property, (method = value.bind(target)));
        return method;
      }
      return property.includes('/') ? chains.fromPath(property) : Reflect.get(chains.node(''), property);
    },
  }) as unknown as WechatpayClient;
}

/** The WeChat Pay APIv3 client. */
// Anonymous, so the name comes from the binding and survives the bundler's renaming.
export const Wechatpay = function (this: unknown, config: WechatpayConfig) {
  if (!new.target) throw new TypeError("Class constructor Wechatpay cannot be invoked without 'new'");
  return construct(config);
} as unknown as WechatpayConstructor;
Object.defineProperty(Wechatpay, 'prototype', { value: Core.prototype });

/**
 * The doctor for a configuration that may not load: what `wxpay.doctor(options)` reports, and for
 * a configuration the client refuses, every finding about it (the online call then needs a client).
 */
export async function doctor(config: WechatpayConfig, options?: DoctorOptions): Promise<DoctorReport> {
  let client: WechatpayClient;
  try {
    client = new Wechatpay(config);
  } catch {
    const { diagnose } = await import('./doctor/index.js');
    return diagnose(config, options);
  }
  try {
    return await client.doctor(options);
  } finally {
    client.certificates?.stop();
  }
}

/** The same client, typed loosely: for undocumented endpoints and generic tooling. */
export function untyped(client: WechatpayClient): UntypedWechatpayClient {
  return client as unknown as UntypedWechatpayClient;
}

export type { WechatpayClient, UntypedWechatpayClient, AttributeStyle, ChainStyle, RequestOf, ResponseOf } from './client-types.js';
// Paths, Nodes, WebhookEvents and a named interface for every documented object
// (`V3PayTransactionsNativePostJsonAmount`, `TransactionSuccessResource`, …)
export type * from './generated/index.js';
export type { WechatpayConfig, CertificateOptions, WebhookConfig } from './config.js';
export { StoreError, type StoreErrorCode } from './bounded/store-call.js';
export * from './stores/index.js';
export * from './certificates/index.js';
export * from './crypto/index.js';
export { DEFAULT_BASE_URL } from './config.js';
export { jsonEncode, jsonDecode } from './encoded/index.js';
export type { ClientCore } from './core.js';
export type { CapturedNotification, DoctorCode, DoctorFinding, DoctorOptions, DoctorReport, KeyRef, KeyRole, KeySummary, MerchantMode, NotificationCapture, Severity } from './doctor/index.js';
export { ApiError, ConfigError, ParameterError, RequestError, VerificationError, WechatpayError } from './errors.js';
export type { VerificationCode } from './errors.js';
export type { KeyInput } from './signing/keys.js';
export { PayParams } from './pay-params/index.js';
export { Pages, PaginationError, pagedEndpoints } from './pagination/index.js';
export type { PaginateSettings, PaginationCode, Paging } from './pagination/index.js';
export type { PagedTemplate, PageItem, PageOptions } from './pagination/types.js';
export { Downloads, DownloadError, readBill, BillReader } from './downloads/index.js';
export type { DownloadCode, DownloadOptions, DownloadResult, DownloadSource, FileLink, FileList, StatementRequest, BillKind, BillRow, BillSummary, TradeBillRow, FundFlowBillRow } from './downloads/index.js';
export type * from './pay-params/types.js';
export { AUTH_SCHEME } from './signing/sign.js';
export type * from './typing.js';
export { unsignedTemplates } from './request/unsigned.js';
export type { RetryOptions } from './request/options.js';
export type { ErrorEvent, NotificationErrorEvent, RequestEvent, ResponseEvent, RetryEvent, WechatpayEventName, WechatpayEvents } from './request/events.js';
export { SIGNTEST_PREFIX } from './signing/verify.js';
export { Webhooks, keepRawBody, MemoryNonceStore, WebhookError, WebhookRouter } from './webhooks/index.js';
export type { Routed, RoutableMerchant, RouteRequest, WebhookRouterOptions } from './webhooks/index.js';
export type { Notification, NotificationOf, NonceStore, NotificationLedger, Begun, MemoryNonceStoreOptions, WebhookHandler, WebhookReply, WebhookErrorCode, V2Notification } from './webhooks/index.js';
