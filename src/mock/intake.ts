// What the mock does before it looks at a request: read the body within a bound, and turn the
// request target into a URL without ever throwing (a request line such as `GET //[ HTTP/1.1`
// is valid HTTP but not a URL relative to anything; it must be answered, not crash the process).
import type { IncomingMessage } from 'node:http';

/** Default largest request body the mock reads (WeChat Pay's own requests are small JSON; uploads are ≤ 5 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Default number of requests `mock.requests` keeps (the oldest are dropped first). */
export const DEFAULT_MAX_RECORDED = 1000;
/** Default bytes of bodies `mock.requests` holds (the oldest records are dropped first). */
export const DEFAULT_MAX_RECORDED_BYTES = 64 * 1024 * 1024;

/** The request target as a URL on the mock, or undefined when it cannot be one. */
export function targetUrl(target: string): URL | undefined {
  try {
    // Origin-form targets (`/v3/…`) are read as paths even when they start with `//`, which a
    // relative URL would take for a host.
    return target.startsWith('/') ? new URL(`http://mock${target}`) : new URL(target, 'http://mock/');
  } catch {
    return undefined;
  }
}

export type BodyRead = { body: Buffer } | { tooLarge: number } | { aborted: true };

/** The whole body, or `tooLarge` (bytes seen) as soon as it passes `limit` (the rest is not kept). */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const announced = Number(req.headers['content-length'] ?? 0);
    if (announced > limit) {
      resolve({ tooLarge: announced });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let seen = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (over) return;
      if (seen > limit) {
        over = true;
        chunks.length = 0;
        resolve({ tooLarge: seen });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve({ body: Buffer.concat(chunks) });
    });
    req.on('error', () => {
      if (!over) resolve({ aborted: true });
      over = true;
    });
  });
}

/** Append to a list that keeps at most `limit` items, dropping the oldest. */
export function recordInto<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

const recordedBytes = new WeakMap<object, number>();

/**
 * Notes that `item` of `list` now holds `bytes`, and drops the oldest items until the list holds
 * at most `limit` bytes (the newest is always kept).
 */
export function boundBytes<T extends object>(list: T[], item: T, bytes: number, limit: number): void {
  recordedBytes.set(item, bytes);
  let total = 0;
  for (const entry of list) total += recordedBytes.get(entry) ?? 0;
  let drop = 0;
  while (total > limit && drop < list.length - 1) total -= recordedBytes.get(list[drop++]!) ?? 0;
  if (drop) list.splice(0, drop);
}

/** `value`, or a RangeError naming the option. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`wxpay-chain mock: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}
