// A refused notification must leave a trace in the shop: WeChat Pay only retries, for 24 hours,
// and "payments never marked paid" is all anyone would see. Every refusal and handler failure
// goes to the adapter's `onError`, the client's `wxpay.on('notification-error')`, diagnostics_channel
// `wxpay-chain:notification-error` and NODE_DEBUG=wxpay-chain; when none of them listens, the first
// one of each kind in the process is a warning on stderr (process.emitWarning).
import { broadcast, published, type NotificationErrorEvent, type Observers } from '../request/events.js';
import { WechatpayError } from '../errors.js';
import { headerOf, type RawNotification } from './parse.js';

export type { NotificationErrorEvent };

export type ErrorStage = NotificationErrorEvent['stage'];

/** Where a notification's failures are told: the adapter's `onError`, the client's listeners. */
export interface Reporting {
  onError?: ((error: unknown, stage: ErrorStage) => void) | undefined;
  observers?: Observers | undefined;
}

/** What identifies the notification: the parsed envelope, or the raw one it was refused from. */
export type Subject = { id?: unknown; event_type?: unknown } | RawNotification | undefined;

const NAME = 'notification-error';
const WHAT: Partial<Record<ErrorStage, string>> = {
  handler: 'a notification handler failed',
  release: "a failed notification's nonce could not be released",
  record: "a notification's outcome could not be recorded (a re-delivery may run its handler again)",
};
const warned = new Set<string>();

export function report(reporting: Reporting, error: unknown, stage: ErrorStage, status: number, subject: Subject, mchid?: string): void {
  if (reporting.onError) {
    try {
      reporting.onError(error, stage);
    } catch {
      // A throwing onError must not change the answer WeChat Pay gets.
    }
  }
  const reason = reasonOf(error, stage);
  const listened = reporting.onError !== undefined || (reporting.observers ? reporting.observers.listening(NAME) : published(NAME));
  if (listened) {
    const event = eventOf(error, stage, reason, status, subject, mchid);
    if (reporting.observers) reporting.observers.emit(NAME, event);
    else broadcast(NAME, event);
    return;
  }
  if (warned.has(reason)) return;
  warned.add(reason);
  const event = eventOf(error, stage, reason, status, subject, mchid);
  const which = [event.id && `id ${event.id}`, event.eventType, event.mchid && `merchant ${event.mchid}`].filter(Boolean).join(', ');
  const what = WHAT[stage] ?? 'a notification was refused';
  process.emitWarning(
    `${what}, answered ${status} ${reason}${which ? ` (${which})` : ''}: ${event.message}. WeChat Pay retries it; ` +
      `log every one with wxpay.on('notification-error', …) or the adapter's onError (this warning is shown once per kind)`,
    { type: 'WechatpayWarning', code: `WXPAY_NOTIFICATION_${reason}` },
  );
}

function reasonOf(error: unknown, stage: ErrorStage): string {
  if (stage === 'handler') return 'HANDLER_FAILED';
  if (error instanceof WechatpayError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : stage === 'release' ? 'RELEASE_FAILED' : stage === 'record' ? 'RECORD_FAILED' : 'NOT_PROCESSED';
}

function eventOf(error: unknown, stage: ErrorStage, reason: string, status: number, subject: Subject, mchid: string | undefined): NotificationErrorEvent {
  const { id, eventType } = identify(subject);
  const message = error instanceof Error ? error.message : String(error);
  return { stage, reason, message: message.slice(0, 500), status, id, eventType, ...(mchid === undefined ? {} : { mchid }) };
}

// The id and event type, also of a refused notification (they are then unverified, so only a
// plain token is taken: nothing an attacker sends reaches a log line as anything else).
const TOKEN = /^[\w.-]{1,64}$/;

function identify(subject: Subject): { id: string | undefined; eventType: string | undefined } {
  let envelope: { id?: unknown; event_type?: unknown } | undefined = subject as { id?: unknown; event_type?: unknown } | undefined;
  if (subject && 'headers' in subject && 'body' in subject) {
    envelope = undefined;
    const body = subject.body;
    const type = headerOf(subject.headers, 'content-type');
    if (type === undefined || /json/i.test(type)) {
      try {
        const parsed: unknown = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
        if (parsed && typeof parsed === 'object') envelope = parsed as { id?: unknown; event_type?: unknown };
      } catch {
        // not JSON: nothing identifies it
      }
    }
  }
  const token = (value: unknown) => (typeof value === 'string' && TOKEN.test(value) ? value : undefined);
  return { id: token(envelope?.id), eventType: token(envelope?.event_type) };
}
