// Which failures are worth another attempt, and how long to wait before it. A retry never risks
// paying twice: the sender only resends a GET, or a call the endpoint model proves idempotent
// (see idempotency.ts); this file only answers "is the failure transient, and when to try again".
import { AxiosError } from 'axios';
import { ApiError } from '../errors.js';
import { CONNECT_TIMEOUT } from './codes.js';

export interface RetryOptions {
  /** Attempts after the first (default 2; 0 for none). */
  retries?: number;
  /** First backoff in ms (default 250); each retry doubles it, with full jitter. */
  baseDelay?: number;
  /** Largest single wait in ms, `Retry-After` included (default 5000). */
  maxDelay?: number;
  /** Milliseconds from the first attempt after which no retry starts (default 20000). */
  budget?: number;
  /**
   * On a connection failure to `https://api.mch.weixin.qq.com/`, send the retry to the
   * documented backup domain `https://api2.mch.weixin.qq.com/` (default false).
   */
  failover?: boolean;
  /** For tests: waits `ms` (default a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** For tests: a number in [0, 1) (default Math.random). */
  random?: () => number;
  /** For tests: milliseconds now (default Date.now). */
  now?: () => number;
}

export type RetryPolicy = Required<Omit<RetryOptions, 'failover'>> & { failover: boolean };

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 2,
  baseDelay: 250,
  maxDelay: 5000,
  budget: 20_000,
  failover: false,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

export const NO_RETRY: RetryPolicy = { ...DEFAULT_RETRY, retries: 0 };

/** The client's policy with a call's own settings laid over it (`false` turns retries off). */
export function retryPolicy(base: RetryPolicy, given: RetryOptions | false | undefined): RetryPolicy {
  if (given === undefined) return base;
  if (given === false) return NO_RETRY;
  return { ...base, ...stripUndefined(given) };
}

/** `given` if it is a valid retry setting, else the error `Kind` names what is wrong with it. */
export function checkRetry(field: string, given: unknown, Kind: new (field: string, message: string) => Error): RetryOptions | false | undefined {
  if (given === undefined || given === false) return given;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new Kind(field, 'expected retry options like { retries: 2 }, or false for no retries');
  const options = given as Record<string, unknown>;
  for (const name of ['retries', 'baseDelay', 'maxDelay', 'budget'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (name === 'retries' && !Number.isInteger(value)))) {
      throw new Kind(`${field}.${name}`, `expected a non-negative ${name === 'retries' ? 'integer' : 'number of milliseconds'}`);
    }
  }
  for (const name of ['sleep', 'random', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new Kind(`${field}.${name}`, 'expected a function');
  }
  if (options.failover !== undefined && typeof options.failover !== 'boolean') throw new Kind(`${field}.failover`, 'expected true or false');
  return options as RetryOptions;
}

function stripUndefined(options: RetryOptions): RetryOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as RetryOptions;
}

export const BACKUP_BASE_URL = 'https://api2.mch.weixin.qq.com/';
export const PRIMARY_BASE_URL = 'https://api.mch.weixin.qq.com/';

// The request never reached WeChat Pay, or its connection broke before an answer.
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', CONNECT_TIMEOUT]);
// Connection failures that prove nothing was sent: the safe ones to move to the backup domain.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', CONNECT_TIMEOUT]);
// Business codes WeChat Pay documents as "try again later" (APIv3, and APIv2's spellings).
const TRANSIENT_CODES = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'FREQUENCY_LIMITED', 'FREQ_LIMIT', 'RATELIMIT_EXCEED']);

export interface Transient {
  reason: string;
  /** The answer's Retry-After, in ms. */
  retryAfter?: number;
  /** Nothing reached the server: another host may be tried. */
  unreached: boolean;
}

/** Whether `error` is a transient failure, and why; undefined for anything never retried. */
export function transient(error: unknown): Transient | undefined {
  if (error instanceof ApiError) {
    if (error.httpStatus >= 500 || error.httpStatus === 429 || TRANSIENT_CODES.has(error.code)) {
      return { reason: `${error.httpStatus} ${error.code}`, unreached: false, ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }) };
    }
    return undefined;
  }
  // Verification failures, parameter errors and cancellations are WechatpayErrors or
  // CanceledErrors: never retried.
  const code = error instanceof AxiosError && !error.response ? error.code : undefined;
  if (code && (CONNECTION_CODES.has(code) || NOT_CONNECTED.has(code))) return { reason: code, unreached: NOT_CONNECTED.has(code) };
  return undefined;
}

/** Full-jitter exponential backoff, at least `Retry-After`, at most `maxDelay`. */
export function backoff(policy: RetryPolicy, retry: number, retryAfter?: number): number {
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** (retry - 1));
  const jittered = Math.floor(policy.random() * ceiling);
  return Math.min(policy.maxDelay, Math.max(jittered, retryAfter ?? 0));
}

/** `Retry-After` (seconds, or an HTTP date) in ms from `now`. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
