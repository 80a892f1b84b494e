// WeChat Pay writes times as RFC 3339 in Beijing time (`2026-01-01T08:00:00+08:00`) and bill
// dates as the Beijing calendar day.
const BEIJING = 8 * 3600_000;

export function rfc3339(ms: number): string {
  return `${new Date(ms + BEIJING).toISOString().slice(0, 19)}+08:00`;
}

/** Beijing wall time of `ms` as bills write it, `YYYY-MM-DD HH:mm:ss`. */
export function beijingDateTime(ms: number): string {
  return new Date(ms + BEIJING).toISOString().slice(0, 19).replace('T', ' ');
}

/** A bill date as the apply calls take it (`YYYYMMDD` for statements, else `YYYY-MM-DD`) → `YYYY-MM-DD`; anything else as given. */
export function isoDay(date: string): string {
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  return compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : date;
}

/** The Beijing calendar date of `ms`, `YYYY-MM-DD`. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING).toISOString().slice(0, 10);
}

/** `YYYYMMDDHHmmss` in Beijing time, as prepay ids carry it. */
export function compact(ms: number): string {
  return new Date(ms + BEIJING).toISOString().slice(0, 19).replace(/\D/g, '');
}

/** Milliseconds of an RFC 3339 time, or undefined when it is not one. */
export function parseTime(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
