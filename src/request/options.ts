// What the client adds to axios's request settings, per client (`new Wechatpay({ … })`) and per
// call (the second argument): axios carries them like its own options. The package index
// re-exports from here, so the augmentation reaches every consumer's type-check.
import type { WechatpayRequestFlags } from './flags.js';
import { checkRetry, type RetryOptions } from './retry.js';

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

const DURATIONS = ['timeout', 'connectTimeout'] as const;

/**
 * The deadline, size and retry settings of a client (`field` "") or a call ("config."), checked
 * before anything is sent: each problem is a `Kind` error naming the setting.
 */
export function checkRequestSettings(given: Readonly<Record<string, unknown>> | undefined, prefix: string, Kind: new (field: string, message: string) => Error): void {
  if (!given) return;
  for (const name of DURATIONS) {
    const value = given[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new Kind(`${prefix}${name}`, 'expected milliseconds as a number ≥ 0 (0 for no limit)');
    }
  }
  const size = given.maxContentLength;
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < -1)) {
    throw new Kind(`${prefix}maxContentLength`, 'expected a number of bytes (decoded), or -1 for no bound');
  }
  checkRetry(`${prefix}retry`, given.retry, Kind);
}
