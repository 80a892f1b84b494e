// What the sandbox remembers: orders, refunds and notification deliveries, as plain data (it is
// what `--state FILE` writes and what the console lists).

/** The documented `trade_state` values. */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

/** direct merchant, service provider (partner), combined order, or one sub-order of a combined order. */
export type OrderKind = 'direct' | 'partner' | 'combine' | 'sub';

export interface SandboxOrder {
  kind: OrderKind;
  /** `out_trade_no` (`combine_out_trade_no` for a combined order). */
  out_trade_no: string;
  transaction_id: string;
  /** JSAPI, NATIVE, APP, MWEB (H5); a mini-program pays as JSAPI. */
  trade_type: string;
  trade_state: TradeState;
  trade_state_desc: string;
  /** The URI template the order was created through. */
  template: string;
  /** The creation request body, as sent. */
  request: Record<string, unknown>;
  /** The canonical form of `request`: the same order again is answered the same. */
  fingerprint: string;
  /** What creation answered (`prepay_id`, `code_url` or `h5_url`). */
  answer: Record<string, unknown>;
  /** Milliseconds since the epoch. */
  created_at: number;
  success_time?: number;
  time_expire?: number;
  notify_url?: string;
  mchid?: string;
  sub_mchid?: string;
  appid?: string;
  total: number;
  currency: string;
  /** Sum of refunds not closed. */
  refunded: number;
  openid?: string;
  /** A combined order: the `out_trade_no` of each sub-order. A sub-order: its combined order's. */
  sub_orders?: string[];
  parent?: string;
}

export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

export interface SandboxRefund {
  out_refund_no: string;
  refund_id: string;
  out_trade_no: string;
  transaction_id: string;
  status: RefundStatus;
  refund: number;
  total: number;
  currency: string;
  request: Record<string, unknown>;
  fingerprint: string;
  created_at: number;
  success_time?: number;
  notify_url?: string;
  mchid?: string;
  sub_mchid?: string;
  funds_account?: string;
}

export interface DeliveryAttempt {
  /** Milliseconds since the epoch. */
  at: number;
  /** What the merchant answered (absent when no answer came). */
  status?: number;
  /** The start of the merchant's answer, or why there was none. */
  answer: string;
  ok: boolean;
  /** The first attempt of a delivery or of a redelivery (the retry schedule restarts there). */
  first?: boolean;
}

export interface SandboxDelivery {
  id: string;
  event_type: string;
  url: string;
  /** `order:<out_trade_no>` or `refund:<out_refund_no>`. */
  subject: string;
  resource: Record<string, unknown>;
  summary: string;
  created_at: number;
  /** pending: more attempts are scheduled; delivered: answered with success; failed: the schedule ran out. */
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  /** When the next attempt is due (pending only). */
  next_at?: number;
}

export interface SandboxSnapshot {
  version: 1;
  seq: number;
  orders: SandboxOrder[];
  refunds: SandboxRefund[];
  deliveries: SandboxDelivery[];
}
