// Why a notification was refused, and the HTTP status to refuse it with. WeChat Pay retries any
// 4XX/5XX, so a notification the merchant could not read because of its own set-up (a JSON
// middleware that ate the raw body, a wrong APIv3 key) is refused with 500: it comes back later.
import { WechatpayError } from '../errors.js';
import { webhookHint } from '../hints.js';

export type WebhookErrorCode = 'BODY_TOO_LARGE' | 'BAD_BODY' | 'BODY_CONSUMED' | 'REPLAYED_NONCE' | 'UNKNOWN_MERCHANT';

const STATUS: Record<WebhookErrorCode, number> = {
  BODY_TOO_LARGE: 413,
  BAD_BODY: 400,
  BODY_CONSUMED: 500,
  REPLAYED_NONCE: 401,
  UNKNOWN_MERCHANT: 404,
};

export class WebhookError extends WechatpayError {
  readonly status: number;
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message, webhookHint(code));
    this.status = STATUS[code];
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status };
  }
}
