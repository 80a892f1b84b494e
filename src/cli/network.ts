// A failed connection, said the way a person at a terminal can act on: which URL, and what the
// network layer reported (fetch's own message is only "fetch failed"; the reason is its cause).
// Duck-typed, not instanceof: fetch's errors may come from another realm.
import { redactUrl } from '../redact.js';

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

export function unreachable(url: string, error: unknown): string {
  let reason = (error ?? {}) as ErrorLike;
  while (reason.message === 'fetch failed' && typeof reason.cause === 'object' && reason.cause !== null) reason = reason.cause as ErrorLike;
  const message = typeof reason.message === 'string' ? reason.message : String(error);
  const code = typeof reason.code === 'string' && !message.includes(reason.code) ? `${reason.code} ` : '';
  return `cannot reach ${redactUrl(url)}: ${code}${message}`;
}
