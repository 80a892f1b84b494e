// `wxpay-chain mock --fault …` and `--faults <file.json>`: the embedded mock's fault injection
// (src/mock/faults.ts, docs/mock.md) from the command line, checked before the mock starts.
//
//   --fault KIND[=VALUE][:TEMPLATE[:TIMES]]     e.g. bad-signature, status=503:v3/pay/transactions/native:2,
//                                               latency=1500::3 (the next three requests, any route)
//   --faults faults.json                        [{ "kind": "status", "status": 503, "template": "…", "times": 2, "method": "POST" }, …]
import type { Fault, FaultKind, FaultScope } from '../mock/faults.js';
import { UsageError } from './usage.js';

export interface FaultRule {
  fault: Fault;
  scope: FaultScope;
}

// What each kind's `=VALUE` sets (kinds without one take none).
const KINDS: Readonly<Record<FaultKind, string | undefined>> = {
  latency: 'ms',
  status: 'status',
  reset: undefined,
  truncate: undefined,
  'bad-signature': undefined,
  'stale-timestamp': 'seconds',
  'unknown-serial': undefined,
  signtest: undefined,
};

const KIND_LIST = Object.keys(KINDS).join(', ');

function positive(what: string, text: string, min = 1): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min) throw new UsageError(`${what} must be a whole number${min ? ` of at least ${min}` : ''}, got ${JSON.stringify(text)}`);
  return n;
}

function makeFault(kind: string, fields: Record<string, unknown>, where: string): Fault {
  if (!Object.hasOwn(KINDS, kind)) throw new UsageError(`${where}: unknown fault ${JSON.stringify(kind)}; one of ${KIND_LIST}`);
  const param = KINDS[kind as FaultKind];
  if (kind === 'latency' && fields.ms === undefined) throw new UsageError(`${where}: latency needs its milliseconds, e.g. latency=1500`);
  for (const [name, value] of Object.entries(fields)) {
    const allowed = kind === 'status' ? ['status', 'code', 'message', 'unsigned'] : param ? [param] : [];
    if (!allowed.includes(name)) throw new UsageError(`${where}: ${kind} takes no ${JSON.stringify(name)}${allowed.length ? ` (it takes ${allowed.join(', ')})` : ''}`);
    if ((name === 'ms' || name === 'seconds' || name === 'status') && !(Number.isInteger(value) && (value as number) >= 0)) throw new UsageError(`${where}: ${name} must be a whole number`);
    if (name === 'status' && ((value as number) < 400 || (value as number) > 599)) throw new UsageError(`${where}: status must be from 400 to 599`);
    if ((name === 'code' || name === 'message') && typeof value !== 'string') throw new UsageError(`${where}: ${name} must be a string`);
    if (name === 'unsigned' && typeof value !== 'boolean') throw new UsageError(`${where}: unsigned must be true or false`);
  }
  return { kind, ...fields } as Fault;
}

/** One `--fault` value. */
export function parseFault(text: string): FaultRule {
  const where = `--fault ${text}`;
  const [head = '', template = '', times, ...extra] = text.split(':');
  if (extra.length) throw new UsageError(`${where}: expected KIND[=VALUE][:TEMPLATE[:TIMES]]`);
  const [kind = '', value] = head.split('=', 2) as [string, string | undefined];
  const param = KINDS[kind as FaultKind];
  if (value !== undefined && Object.hasOwn(KINDS, kind) && !param) throw new UsageError(`${where}: ${kind} takes no =VALUE`);
  const fields = value === undefined || !param ? {} : { [param]: positive(`${where}: ${param}`, value, 0) };
  const scope: FaultScope = {};
  if (template) scope.template = template.replace(/^\/+/, '');
  if (times !== undefined && times !== '') scope.times = positive(`${where}: TIMES`, times);
  return { fault: makeFault(kind, fields, where), scope };
}

/** The JSON of a `--faults` file: an array of `{ kind, …fields, template?, method?, times? }`. */
export function parseFaultsFile(json: string, file: string): FaultRule[] {
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(entries)) throw new UsageError(`${file}: expected an array of faults, e.g. [{ "kind": "bad-signature" }]`);
  return entries.map((entry: unknown, i) => {
    const where = `${file}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new UsageError(`${where}: expected an object with "kind"`);
    const { kind, template, method, times, ...fields } = entry as Record<string, unknown>;
    const scope: FaultScope = {};
    if (template !== undefined) {
      if (typeof template !== 'string' || !template) throw new UsageError(`${where}: template must be a URI template such as "v3/pay/transactions/native"`);
      scope.template = template.replace(/^\/+/, '');
    }
    if (method !== undefined) {
      if (typeof method !== 'string' || !/^(get|post|put|patch|delete)$/i.test(method)) throw new UsageError(`${where}: method must be GET, POST, PUT, PATCH or DELETE`);
      scope.method = method.toUpperCase();
    }
    if (times !== undefined) {
      if (!Number.isInteger(times) || (times as number) < 1) throw new UsageError(`${where}: times must be a whole number of at least 1`);
      scope.times = times as number;
    }
    return { fault: makeFault(String(kind), fields, where), scope };
  });
}

/** How a rule reads in the startup banner. */
export function describeRule({ fault, scope }: FaultRule): string {
  const { kind, ...fields } = fault;
  const params = Object.entries(fields).map(([k, v]) => `${k}=${String(v)}`);
  const times = scope.times ?? (scope.template ? Infinity : 1);
  return `${kind}${params.length ? ` (${params.join(', ')})` : ''} on ${scope.method ? `${scope.method} ` : ''}${scope.template ?? 'any route'}, ${times === Infinity ? 'every request' : `${times} request(s)`}`;
}
