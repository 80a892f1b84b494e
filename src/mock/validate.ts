// Checks a request against its documented table, as WeChat Pay answers `400 PARAM_ERROR`:
// required fields, types, enums and nesting of the JSON body, the query and the headers.
// Field names are written as the SDK caller writes them: `json.amount.total`, `query.limit`,
// `headers.Wechatpay-Serial`, `stock_id` (a path parameter).
import { section, type ModelField, type ModelOperation, type Shape } from './model.js';

export interface Violation {
  /** Where the caller put it: `json.amount.total`, `json.goods_detail[0].quantity`, `query.limit`. */
  field: string;
  location: 'path' | 'query' | 'body' | 'header';
  /** What is wrong, in one line. */
  issue: string;
  /** Which rule: the field is absent, of another type, or outside its enum. */
  rule: 'required' | 'type' | 'enum';
}

export interface ValidationInput {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (`undefined` when the body is empty). */
  json: unknown;
  /** APIv2: the fields of the `<xml>` body (checked against the documented `xml` table). */
  xml?: Readonly<Record<string, string>>;
}

/** Every violation of the documented request table, in document order. */
export function validateRequest(operation: ModelOperation, input: ValidationInput): Violation[] {
  const out: Violation[] = [];
  for (const field of operation.request.fields) {
    if (field.in !== 'path' || !field.enum) continue;
    const value = input.params[field.name];
    if (value !== undefined && !field.enum.map(String).includes(value)) {
      out.push({ field: field.name, location: 'path', rule: 'enum', issue: `must be one of ${list(field.enum)}, got ${JSON.stringify(value)}` });
    }
  }
  const headers = section(operation, 'headers');
  for (const child of headers?.children ?? []) {
    const value = input.headers[child.name.toLowerCase()];
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined || text === '') {
      if (child.required) out.push({ field: `headers.${child.name}`, location: 'header', rule: 'required', issue: 'required header is missing' });
    } else if (child.enum && !child.enum.map(String).includes(text)) {
      out.push({ field: `headers.${child.name}`, location: 'header', rule: 'enum', issue: `must be one of ${list(child.enum)}, got ${JSON.stringify(text)}` });
    }
  }
  const query = section(operation, 'query');
  if (query) {
    for (const child of query.children ?? []) checkQuery(child, input.query, out);
  }
  const xml = section(operation, 'xml');
  if (xml && input.xml) {
    // APIv2: the flat text fields of the `<xml>` body, checked like query parameters (all text).
    const values = new URLSearchParams();
    for (const [name, value] of Object.entries(input.xml)) values.append(name, value);
    for (const child of xml.children ?? []) checkQuery(child, values, out, 'xml');
  }
  const json = section(operation, 'json');
  if (json) {
    if (input.json === undefined) {
      if (json.required && hasRequired(json)) out.push({ field: 'json', location: 'body', rule: 'required', issue: 'a JSON body is required' });
    } else {
      checkValue({ ...json, type: 'object', array: 0 }, input.json, 'json', out);
    }
  }
  return out;
}

function hasRequired(field: ModelField): boolean {
  return (field.children ?? []).some((child) => child.required);
}

function list(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('|');
}

function checkQuery(field: ModelField, query: URLSearchParams, out: Violation[], where: 'query' | 'xml' = 'query'): void {
  const name = `${where}.${field.name}`;
  const location: Violation['location'] = where === 'xml' ? 'body' : 'query';
  // An empty APIv2 field is an absent one (it is not even signed).
  const values = query.getAll(field.name).filter((v) => where === 'query' || v !== '');
  if (values.length === 0) {
    const issue = where === 'query' ? 'required query parameter is missing' : query.has(field.name) ? 'required field is empty' : 'required field is missing';
    if (field.required) out.push({ field: name, location, rule: 'required', issue });
    return;
  }
  const type = field.type ?? field.oneOf?.[0]?.type ?? 'string';
  // An array travels as a repeated or comma-separated parameter: check each item.
  const items = field.array ? values.flatMap((v) => v.split(',')) : values.slice(0, 1);
  for (const item of items) {
    const wrong =
      (type === 'integer' && !/^-?\d+$/.test(item)) ||
      (type === 'number' && (item.trim() === '' || !Number.isFinite(Number(item)))) ||
      (type === 'boolean' && item !== 'true' && item !== 'false');
    if (wrong) {
      out.push({ field: name, location, rule: 'type', issue: `expected ${type}, got ${JSON.stringify(item)}` });
      return;
    }
    if (field.enum && !field.enum.map(String).includes(item)) {
      out.push({ field: name, location, rule: 'enum', issue: `must be one of ${list(field.enum)}, got ${JSON.stringify(item)}` });
      return;
    }
  }
  if (type === 'string' && !field.array) {
    const found: Violation[] = [];
    checkEncoded(field, values[0]!, name, found);
    out.push(...found.map((v) => ({ ...v, location })));
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One value against one documented shape (with its array depth). */
function checkValue(shape: Partial<Shape> & { oneOf?: Shape[] }, value: unknown, path: string, out: Violation[]): void {
  if (shape.oneOf?.length) {
    // One of several documented shapes: the value passes if any of them accepts it.
    const attempts = shape.oneOf.map((alternative) => {
      const found: Violation[] = [];
      checkValue(alternative, value, path, found);
      return found;
    });
    if (!attempts.some((found) => found.length === 0)) out.push(...attempts.reduce((a, b) => (b.length < a.length ? b : a)));
    return;
  }
  const depth = shape.array ?? 0;
  if (depth > 0) {
    if (!Array.isArray(value)) {
      out.push({ field: path, location: 'body', rule: 'type', issue: `expected an array of ${shape.type ?? 'values'}, got ${describe(value)}` });
      return;
    }
    value.forEach((item, i) => checkValue({ ...shape, array: depth - 1 }, item, `${path}[${i}]`, out));
    return;
  }
  const type = shape.type ?? 'string';
  const ok =
    type === 'string'
      ? typeof value === 'string'
      : type === 'integer'
        ? typeof value === 'number' && Number.isInteger(value)
        : type === 'number'
          ? typeof value === 'number' && Number.isFinite(value)
          : type === 'boolean'
            ? typeof value === 'boolean'
            : isObject(value);
  if (!ok) {
    out.push({ field: path, location: 'body', rule: 'type', issue: `expected ${type === 'object' ? 'an object' : type}, got ${describe(value)}` });
    return;
  }
  if (shape.enum?.length && type !== 'object' && !shape.enum.includes(value as string | number | boolean)) {
    out.push({ field: path, location: 'body', rule: 'enum', issue: `must be one of ${list(shape.enum)}, got ${JSON.stringify(value)}` });
    return;
  }
  // A JSON-encoded string's inner structure is checked like a body (#14.5); an encrypted one's is not.
  if (type === 'string' && typeof value === 'string') {
    checkEncoded(shape, value, path, out);
    return;
  }
  // The members of an object.
  if (type === 'object' && isObject(value)) {
    for (const child of shape.children ?? []) {
      const member = value[child.name];
      const childPath = `${path}.${child.name}`;
      if (member === undefined || member === null) {
        if (child.required ?? child.oneOf?.some((alternative) => alternative.required)) out.push({ field: childPath, location: 'body', rule: 'required', issue: 'required field is missing' });
        continue;
      }
      checkValue(child, member, childPath, out);
    }
  }
}

/** The JSON inside a `by-json_encode` string with a documented structure (a list when `inner: 'list'`). */
function checkEncoded(shape: Partial<Shape>, text: string, path: string, out: Violation[]): void {
  if (shape.encoded !== 'by-json_encode' || !shape.children?.length) return;
  let inner: unknown;
  try {
    inner = JSON.parse(text);
  } catch {
    out.push({ field: path, location: 'body', rule: 'type', issue: `expected JSON text, got ${describe(text)}` });
    return;
  }
  const item = shape.children[0]!;
  if (shape.inner === 'list') checkValue(item, inner, path, out);
  else checkValue({ type: 'object', children: shape.children }, inner, path, out);
}

/**
 * Where a request the mock accepted differs from the documentation's own table, because
 * codegen/overrides.ts corrected a page that contradicts itself: one line per field, reported
 * (in the request log) instead of refused.
 */
export function overrideConflicts(operation: ModelOperation, input: ValidationInput): string[] {
  const out: string[] = [];
  const report = (where: string, field: ModelField, value: unknown) => {
    const was = field.override;
    if (!was) return;
    const name = `${where}.${field.name}`;
    const why = `accepted per codegen/overrides.ts (${was.page})`;
    if ((value === undefined || value === '') && was.required) out.push(`${name}: absent, which the table marks required; ${why}`);
    else if (value !== undefined && was.enum && !was.enum.map(String).includes(String(value))) out.push(`${name}: ${JSON.stringify(value)} is outside the table's enum; ${why}`);
  };
  for (const child of section(operation, 'xml')?.children ?? []) report('xml', child, input.xml?.[child.name]);
  for (const child of section(operation, 'query')?.children ?? []) report('query', child, input.query.get(child.name) ?? undefined);
  const json = input.json;
  for (const child of section(operation, 'json')?.children ?? []) report('json', child, isObject(json) ? json[child.name] : undefined);
  return out;
}
