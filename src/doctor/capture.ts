// A captured notification as merchants have them: the raw HTTP request (as a proxy, tcpdump or
// `nc -l` saved it), or headers and body as JSON (as an application logged them), one or several.
// The bytes of the body are kept exactly as captured: they are what the signature is checked on.

/** One notification as the application received it. */
export interface CapturedNotification {
  /** The request headers (any case). */
  headers: Record<string, string | readonly string[] | number | undefined>;
  /** The raw body. An object here means it was captured after a JSON parser: the signed bytes are gone. */
  body: string | Buffer | Uint8Array | Record<string, unknown>;
  /** When it was received (epoch milliseconds, a Date or ISO 8601 text); the doctor's clock when absent. */
  receivedAt?: number | Date | string;
}

/** What `doctor({ notification })` takes: captured notifications, or the text of a capture file. */
export type NotificationCapture = CapturedNotification | readonly CapturedNotification[] | string | Buffer;

export interface Captured {
  headers: Record<string, string>;
  /** The body's bytes, or the parsed object a JSON capture gave instead. */
  body: Buffer | Record<string, unknown>;
  receivedAt?: number;
  /** How the capture was written: `http` (a raw request) or `json`. */
  source: 'http' | 'json' | 'object';
  /** Where a raw request's body ended, when the capture had more (its Content-Length). */
  trailing?: number;
}

/** The largest capture read: many notifications of WeChat Pay's size, not a whole traffic dump. */
export const MAX_CAPTURE_BYTES = 16 * 1024 * 1024;

/** The notifications in a capture, or why it cannot be read. */
export function readCapture(input: NotificationCapture, receivedAt?: number): Captured[] | string {
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input, 'utf8');
    if (bytes.length > MAX_CAPTURE_BYTES) return `it is ${bytes.length} bytes, over the ${MAX_CAPTURE_BYTES}-byte limit of a capture`;
    const start = bytes.toString('utf8', 0, Math.min(bytes.length, 64)).trimStart();
    if (start.startsWith('{') || start.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        return 'it starts like JSON but is not JSON';
      }
      return fromJson(parsed, receivedAt);
    }
    return fromHttp(bytes, receivedAt);
  }
  return fromJson(input, receivedAt, 'object');
}

function fromJson(parsed: unknown, receivedAt: number | undefined, source: 'json' | 'object' = 'json'): Captured[] | string {
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const out: Captured[] = [];
  for (const [index, item] of items.entries()) {
    const where = items.length > 1 ? `item ${index}: ` : '';
    if (typeof item !== 'object' || item === null) return `${where}expected { "headers": {…}, "body": "…" }`;
    const given = item as Record<string, unknown>;
    // A bare notification body (an envelope with `resource`): the headers were not captured.
    if (!('headers' in given) && !('body' in given) && 'resource' in given) {
      out.push({ headers: {}, body: given, source, ...(receivedAt !== undefined ? { receivedAt } : {}) });
      continue;
    }
    const headers = given.headers;
    if (headers !== undefined && (typeof headers !== 'object' || headers === null)) return `${where}"headers" is not an object`;
    let body: Buffer | Record<string, unknown>;
    if (typeof given.bodyBase64 === 'string') body = Buffer.from(given.bodyBase64, 'base64');
    else if (typeof given.body === 'string') body = Buffer.from(given.body, 'utf8');
    else if (Buffer.isBuffer(given.body)) body = given.body;
    else if (given.body instanceof Uint8Array) body = Buffer.from(given.body);
    else if (typeof given.body === 'object' && given.body !== null) body = given.body as Record<string, unknown>;
    else return `${where}no "body" (the raw body as a string, or "bodyBase64")`;
    const at = time(given.receivedAt) ?? receivedAt;
    out.push({ headers: normalise(headers as Record<string, unknown> | undefined), body, source, ...(at !== undefined ? { receivedAt: at } : {}) });
  }
  return out.length ? out : 'no notification in it';
}

function time(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && Number.isFinite(Date.parse(value))) return Date.parse(value);
  return undefined;
}

function normalise(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}

const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/\d(?:\.\d)?$/;

/** One or more raw HTTP requests, one after the other. */
function fromHttp(bytes: Buffer, receivedAt: number | undefined): Captured[] | string {
  const out: Captured[] = [];
  let rest: Buffer = bytes;
  while (rest.length) {
    const text = rest.toString('latin1');
    const lead = text.length - text.replace(/^(?:\r?\n)+/, '').length;
    if (lead === text.length) break;
    const headEnd = /\r?\n\r?\n/.exec(text.slice(lead));
    if (!headEnd) return out.length ? out : 'no blank line between the headers and the body: not an HTTP request';
    const lines = text.slice(lead, lead + headEnd.index).split(/\r?\n/);
    if (REQUEST_LINE.test(lines[0] ?? '')) lines.shift();
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) return `"${line.slice(0, 40)}" is not a header line`;
      headers[line.slice(0, colon).trim().toLowerCase()] = Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8');
    }
    let body: Buffer = rest.subarray(lead + headEnd.index + headEnd[0].length);
    let next: Buffer = Buffer.alloc(0);
    let trailing: number | undefined;
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const decoded = dechunk(body);
      if (typeof decoded === 'string') return decoded;
      [body, next] = decoded;
    } else if (headers['content-length'] !== undefined && /^\d+$/.test(headers['content-length'])) {
      const length = Number(headers['content-length']);
      if (body.length < length) return `the body is ${body.length} bytes, shorter than its Content-Length ${length}: the capture is cut short`;
      next = body.subarray(length);
      if (next.length && !REQUEST_LINE.test(next.toString('latin1').trimStart().split(/\r?\n/)[0] ?? '')) {
        trailing = next.length;
        next = Buffer.alloc(0);
      }
      body = body.subarray(0, length);
    }
    out.push({ headers, body, source: 'http', ...(receivedAt !== undefined ? { receivedAt } : {}), ...(trailing !== undefined ? { trailing } : {}) });
    rest = next;
  }
  return out.length ? out : 'empty';
}

function dechunk(bytes: Buffer): [Buffer, Buffer] | string {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n', at);
    if (end < 0) return 'a chunked body cut short';
    const size = parseInt(bytes.toString('latin1', at, end).split(';')[0]!, 16);
    if (!Number.isFinite(size)) return 'a chunked body with a bad chunk size';
    at = end + 2;
    if (size === 0) {
      const close = bytes.indexOf('\r\n', at);
      return [Buffer.concat(parts), bytes.subarray(close < 0 ? bytes.length : close + 2)];
    }
    parts.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
}
