// Answers from state keep the documented shape: the values the sandbox holds, under the names
// the response table documents (objects and arrays followed), plus a sample value for a required
// field it has nothing for; undocumented values are dropped.
import type { ModelField, Sample } from './ports.js';

export function shape(fields: readonly ModelField[] | undefined, values: Record<string, unknown>, fill: Sample | false): Record<string, unknown> {
  if (!fields) return { ...values };
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === null) {
      if (fill && field.required) Object.assign(out, fill([field]));
      continue;
    }
    const children = field.oneOf?.[0]?.children ?? field.children;
    if (children?.length && typeof value === 'object') {
      out[field.name] = Array.isArray(value)
        ? value.map((item) => (typeof item === 'object' && item !== null ? shape(children, item as Record<string, unknown>, fill) : item))
        : shape(children, value as Record<string, unknown>, fill);
    } else {
      out[field.name] = value;
    }
  }
  return out;
}

/** JSON with object keys sorted: two requests with the same content have the same text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}

/** `b` over `a`, objects merged member by member (arrays and scalars of `b` win). */
export function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [name, value] of Object.entries(b)) {
    const before = out[name];
    const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    out[name] = plain(before) && plain(value) ? merge(before, value) : value;
  }
  return out;
}
