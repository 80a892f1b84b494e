// What the client adds to axios's request settings, per client (`new Wechatpay({ … })`) and per
// call (the second argument): axios carries them like its own options. The package index
// re-exports from here, so the augmentation reaches every consumer's type-check.
import type { WechatpayRequestFlags } from './flags.js';
import type { RetryOptions } from './retry.js';

export type { RetryOptions };

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Internal: set by the SDK for its own requests; a caller's value is ignored. */
    wechatpay?: WechatpayRequestFlags;
    /** Milliseconds to establish a new connection (default 5000; 0 for none). */
    connectTimeout?: number;
    /** Retries of this call (or, given to `new Wechatpay()`, of every call); `false` for none. */
    retry?: RetryOptions | false;
  }
}
