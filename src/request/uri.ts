// Step 1 of a request: from chain segments to a URI template, and from a template plus the
// call's path parameters to the path that is signed and sent.
import { ParameterError } from '../errors.js';

const PLACEHOLDER = /^(?:_(.+)_|\$(.+)\$)$/;
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/** One property name read from a chain node → the path segments it stands for. */
export function normalizeSegment(property: string): string[] {
  if (property.includes('/')) return property.split('/').filter(Boolean);
  const placeholder = PLACEHOLDER.exec(property);
  if (placeholder) return [`{${placeholder[1] ?? placeholder[2]}}`];
  if (IDENTIFIER.test(property)) {
    return [property[0]!.toLowerCase() + property.slice(1).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)];
  }
  return [property];
}

type Part = string | { param: string };

const EMPTY = 'empty';

/** A template split once into literal text and `{param}` slots. */
export interface CompiledTemplate {
  template: string;
  parts: readonly Part[];
  params: readonly string[];
}

export function compileTemplate(template: string): CompiledTemplate {
  const parts: Part[] = [];
  const params: string[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{([^{}]+)\}/g)) {
    if (match.index > last) parts.push(template.slice(last, match.index));
    last = match.index + match[0].length;
    // `{empty}` is the documentation's name for a trailing empty segment (`…/applyment/`).
    if (match[1] === EMPTY) continue;
    parts.push({ param: match[1]! });
    params.push(match[1]!);
  }
  if (last < template.length) parts.push(template.slice(last));
  return { template, parts, params };
}

// Characters a path parameter may not carry even encoded: they would change which resource is addressed.
const PATH_CHANGING = /[/?#\\]|^\.{1,2}$/;

export function expandTemplate(compiled: CompiledTemplate, options: Readonly<Record<string, unknown>>): string {
  let path = '';
  for (const part of compiled.parts) {
    if (typeof part === 'string') {
      path += part;
      continue;
    }
    path += encodeParameter(part.param, options[part.param]);
  }
  return path;
}

function encodeParameter(name: string, value: unknown): string {
  if (value === undefined || value === null) {
    throw new ParameterError(name, `missing path parameter; pass { ${name}: '…' } in the options`);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ParameterError(name, `path parameter must be a finite number, got ${value}`);
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new ParameterError(name, `path parameter must be a string or number, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  if (value === '') throw new ParameterError(name, 'path parameter is empty; pass the identifier it names');
  if (PATH_CHANGING.test(value) || value.includes('../') || value.includes('..\\')) {
    throw new ParameterError(name, 'path parameter may not contain "/", "?", "#", "\\" or be "." or ".." (it would change the path)');
  }
  return encodeURIComponent(value);
}

/** `k=v&…` with RFC 3986 encoding, so the string signed is the string sent (no later re-encoding). */
export function encodeQuery(query: unknown): string {
  if (query === undefined || query === null) return '';
  if (typeof query !== 'object' || Array.isArray(query)) {
    throw new ParameterError('query', 'expected an object of query parameters, e.g. { limit: 10 }');
  }
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean')) {
        throw new ParameterError(`query.${key}`, 'expected a string, number or boolean (or an array of them)');
      }
      pairs.push(`${strictEncode(key)}=${strictEncode(String(item))}`);
    }
  }
  return pairs.join('&');
}

function strictEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
