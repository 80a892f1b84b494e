// Every call into a shared store (certificates, nonces, the refresh lock) is bounded: a store
// whose I/O never settles must not hold a refresh, a call or a notification with it. The call
// left behind keeps running; its late result is ignored and its late failure swallowed.
import { WechatpayError } from '../errors.js';

export type StoreErrorCode =
  /** The store did not answer within its timeout. */
  | 'STORE_TIMEOUT'
  /** The store answered with an error (connection refused, a command error, a bad value). */
  | 'STORE_FAILED';

/** A shared store (certificate store, nonce store, refresh lock) could not be used. */
export class StoreError extends WechatpayError {
  constructor(
    readonly code: StoreErrorCode,
    /** Which call failed, e.g. `certificates.read`, `nonces.claim`, `certificates.lock`. */
    readonly operation: string,
    message: string,
  ) {
    super(`${operation}: ${message}`);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation };
  }
}

/** The store call's result, or a StoreError when it fails or takes longer than `timeout` ms. */
export function bounded<T>(operation: string, timeout: number, call: () => T | Promise<T>): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = Promise.resolve(call());
  } catch (error) {
    return Promise.reject(storeFailure(operation, error));
  }
  if (!(timeout > 0 && Number.isFinite(timeout))) return pending.catch((error: unknown) => Promise.reject(storeFailure(operation, error)));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreError('STORE_TIMEOUT', operation, `no answer within ${timeout} ms`)), timeout);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(storeFailure(operation, error));
      },
    );
  });
}

function storeFailure(operation: string, error: unknown): Error {
  if (error instanceof StoreError) return error;
  // Only the message: a driver's error may carry the connection options (passwords) in its fields.
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('STORE_FAILED', operation, message.replace(/\/\/[^@/\s]*@/g, '//***@'));
}
