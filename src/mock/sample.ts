// A response body shaped by the documented response table: every documented field, with a
// deterministic value of its type (the first enum value where there is an enum), and the
// identifiers the request sent echoed back where the names match (`out_trade_no` in, the same
// `out_trade_no` out).
import type { ModelField, Shape } from './model.js';

/** Field name → a scalar the request carried (path parameters, query, JSON body, first seen wins). */
export type Echo = ReadonlyMap<string, string | number | boolean>;

export function collectEcho(params: Record<string, string>, query: URLSearchParams, json: unknown): Map<string, string | number | boolean> {
  const echo = new Map<string, string | number | boolean>();
  for (const [name, value] of Object.entries(params)) echo.set(name, value);
  for (const [name, value] of query) if (!echo.has(name)) echo.set(name, value);
  const walk = (value: unknown, depth: number) => {
    if (depth > 16 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) return value.forEach((item) => walk(item, depth + 1));
    for (const [name, member] of Object.entries(value)) {
      if (typeof member === 'string' || typeof member === 'number' || typeof member === 'boolean') {
        if (!echo.has(name)) echo.set(name, member);
      }
    }
    for (const member of Object.values(value)) walk(member, depth + 1);
  };
  walk(json, 0);
  return echo;
}

export const SAMPLE_TIME = '2026-01-01T08:00:00+08:00';
const MAX_DEPTH = 12;

/** The documented response fields → a JSON object. */
export function sampleBody(fields: readonly ModelField[], echo: Echo = new Map()): Record<string, unknown> {
  return sampleObject(fields, echo, 0);
}

function sampleObject(fields: readonly ModelField[], echo: Echo, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth > MAX_DEPTH) return out;
  for (const field of fields) {
    const shape: Partial<Shape> = field.oneOf?.length ? field.oneOf[0]! : field;
    out[field.name] = sampleValue(field.name, shape, echo, depth);
  }
  return out;
}

function sampleValue(name: string, shape: Partial<Shape>, echo: Echo, depth: number): unknown {
  const arrays = shape.array ?? 0;
  if (arrays > 0) return [sampleValue(name, { ...shape, array: arrays - 1 }, echo, depth + 1)];
  const type = shape.type ?? 'string';
  if (type === 'object') return sampleObject(shape.children ?? [], echo, depth + 1);
  // a JSON-encoded string answers the JSON text of its documented structure (#14.5)
  if (type === 'string' && shape.encoded === 'by-json_encode' && shape.children?.length) {
    const only = shape.children[0]!;
    return JSON.stringify(shape.inner === 'list' ? sampleValue(only.name, only, echo, depth + 1) : sampleObject(shape.children, echo, depth + 1));
  }
  const echoed = echo.get(name);
  if (echoed !== undefined) {
    const fitted = fit(type, echoed);
    if (fitted !== undefined && (!shape.enum?.length || shape.enum.includes(fitted))) return fitted;
  }
  if (shape.enum?.length) return shape.enum[0];
  return scalar(name, type);
}

function fit(type: string, value: string | number | boolean): string | number | boolean | undefined {
  if (type === 'string') return typeof value === 'string' ? value : undefined;
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : undefined;
  if (type === 'number') return typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
  if (type === 'boolean') return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;
  return undefined;
}

function scalar(name: string, type: string): string | number | boolean {
  if (type === 'integer') return 1;
  if (type === 'number') return 1.5;
  if (type === 'boolean') return true;
  if (/(^|_)(time|date)$|_at$/.test(name) || /time$/.test(name)) return name.endsWith('date') ? SAMPLE_TIME.slice(0, 10) : SAMPLE_TIME;
  if (/url$/.test(name)) return `https://mock.invalid/${name}`;
  if (/mchid$/.test(name)) return '1900000001';
  return `mock_${name}`;
}
