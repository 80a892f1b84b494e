// The API surface between two documentation snapshots, as a TypeScript caller meets it: what a
// regeneration adds, removes and changes in the typings, each change classified breaking or not,
// and a markdown report of it (docs/api-changes/). Works on two parsed models, so a maintainer
// reads what the release will change before publishing it. Deterministic: same models, same text.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoint, Field, Model, Operation, Shape, Webhook } from './model.js';
import { HTTP_METHODS } from './model.js';
import { typedRequestFields } from './emit.js';
import { cmp, parseCorpus } from './corpus.js';
import { OVERRIDES } from './overrides.js';
import { similar } from './parse.js';

/**
 * A snapshot's model as the typings would be generated from it: the overrides whose page it has
 * are applied (one that no longer matches its page still fails), the others belong to other snapshots.
 */
export function modelOf(root: string): Model {
  return parseCorpus(root, OVERRIDES.filter((o) => existsSync(join(root, o.source)))).model;
}

/**
 * `send`: what the caller writes (request options; closed enums). `receive`: what the caller reads
 * (answers, notification resources; open enums, so a value added or dropped compiles either way).
 */
export type Direction = 'send' | 'receive';

export type ChangeKind =
  | 'added'
  | 'removed'
  | 'renamed'
  | 'type'
  | 'required'
  | 'optional'
  | 'enum-added'
  | 'enum-removed'
  | 'enum-introduced'
  | 'enum-dropped'
  | 'request-kind'
  | 'response-kind'
  | 'deprecated'
  | 'resource-union';

export interface Change {
  kind: ChangeKind;
  /** `request` / `response` / `resource` / `notification`, then the field path (`json.amount.total`); empty for an operation-level change. */
  where: 'request' | 'response' | 'resource' | 'notification' | 'operation';
  path: string;
  /** The new path of a renamed field. */
  to?: string;
  before?: string;
  after?: string;
  /** Enum values added or removed. */
  values?: string[];
  breaking: boolean;
  /** Why it is (not) breaking, in a few words. */
  why: string;
}

export interface OperationRef {
  /** `POST v3/pay/transactions/native`. */
  key: string;
  template: string;
  method: string;
  title: string;
  /** Where a removed endpoint moved (a redirect stub in the newer snapshot). */
  movedTo?: string;
}

export interface NotificationRef {
  /** APIv3: the event type; APIv2: `v2 <page>`. */
  key: string;
  title: string;
  sources: string[];
}

export interface ChangedOperation extends OperationRef {
  changes: Change[];
}

export interface ChangedNotification extends NotificationRef {
  changes: Change[];
}

export interface SurfaceDiff {
  counts: { old: Counts; new: Counts };
  /** Templates new in the newer snapshot (every method of each), and templates gone. */
  endpointsAdded: OperationRef[];
  endpointsRemoved: OperationRef[];
  /** Methods added to or removed from a template both snapshots document. */
  operationsAdded: OperationRef[];
  operationsRemoved: OperationRef[];
  notificationsAdded: NotificationRef[];
  notificationsRemoved: NotificationRef[];
  changedOperations: ChangedOperation[];
  changedNotifications: ChangedNotification[];
}

export interface Counts {
  endpoints: number;
  operations: number;
  notifications: number;
}

/** The release a diff calls for (docs/codegen.md, Release rules). */
export type Release = 'major' | 'minor' | 'patch' | 'none';

// ---------------------------------------------------------------------------------------------
// types as the caller sees them

interface Ctx {
  direction: Direction;
  /** APIv3 JSON: an RSA-encrypted string is `Sealed`. */
  sealed: boolean;
  /** An APIv2 XML document received: every value arrives as text. */
  xmlIn: boolean;
}

/** The model's words for a shape: `integer`, `string[]`, `string (JSON-encoded)`, `string (encrypted)`. */
function describeShape(s: Partial<Shape>): string {
  let t = `${s.type ?? 'string'}${'[]'.repeat(s.array ?? 0)}`;
  if (s.encoded === 'by-json_encode' && s.children?.length) t += ' (JSON-encoded)';
  else if (s.encoded) t += ` (encoded ${s.encoded})`;
  if (s.encrypted) t += ` (encrypted ${s.encrypted})`;
  return t;
}

/** The TypeScript kind the typings give a shape: what decides whether a type change compiles. */
function tsKind(s: Partial<Shape>, ctx: Ctx): string {
  const arr = '[]'.repeat(s.array ?? 0);
  if (s.encoded === 'by-json_encode' && s.children?.length && !s.array) return 'Encoded';
  if (ctx.xmlIn) {
    if (s.type === 'object' || s.array) return 'string';
    if (s.type === 'integer' || s.type === 'number') return 'numeric-text';
    return s.type === 'boolean' ? 'boolean-text' : 'string';
  }
  if (ctx.sealed && s.encrypted === 'by-rsa-pubkey' && s.type === 'string') return `Sealed${arr}`;
  const base = s.type === 'integer' || s.type === 'number' ? 'number' : (s.type ?? 'string');
  return `${base}${arr}`;
}

const shapesOf = (f: Field): Array<Partial<Shape>> => (f.oneOf?.length ? f.oneOf : [f]);

function describeField(f: Field): string {
  return [...new Set(shapesOf(f).map(describeShape))].join(' | ');
}

function kindOf(f: Field, ctx: Ctx): string {
  return [...new Set(shapesOf(f).map((s) => tsKind(s, ctx)))].sort(cmp).join(' | ');
}

function enumOf(f: Field): string[] | undefined {
  const shapes = shapesOf(f);
  if (!shapes.every((s) => s.enum?.length)) return undefined;
  return [...new Set(shapes.flatMap((s) => s.enum!.map(String)))];
}

/** Members of a field as one list: an object's, an encoded string's, or every alternative's (by name). */
function childrenOf(f: Field): Field[] | undefined {
  const shapes = shapesOf(f);
  const lists = shapes.map((s) => s.children).filter((c): c is Field[] => Boolean(c?.length));
  if (!lists.length) return undefined;
  if (lists.length === 1) return lists[0];
  // alternatives: a member is required only when every alternative has it, required
  const names = [...new Set(lists.flat().map((c) => c.name))];
  return names.map((name) => {
    const present = lists.map((l) => l.find((c) => c.name === name)).filter((c): c is Field => Boolean(c));
    const merged: Field = { ...present[0]! };
    if (present.length === shapes.length && present.every((c) => c.required)) merged.required = true;
    else delete merged.required;
    return merged;
  });
}

// ---------------------------------------------------------------------------------------------
// field lists

function byName(fields: Field[]): Map<string, Field> {
  const m = new Map<string, Field>();
  for (const f of fields) if (!m.has(f.name)) m.set(f.name, f);
  return m;
}


/**
 * A removed and an added field of one parent read as a rename: same TypeScript kind, and the same
 * label or a similar name. A best guess, reported as such; each field is used once, best pairs first.
 */
function guessRenames(removed: Field[], added: Field[], ctx: Ctx): Array<[Field, Field]> {
  const pairs: Array<{ score: number; i: number; j: number }> = [];
  removed.forEach((r, i) =>
    added.forEach((a, j) => {
      if (kindOf(r, ctx) !== kindOf(a, ctx)) return;
      const score = (r.label && r.label === a.label ? 2 : 0) + (similar(r.name, a.name) ? 1 : 0);
      if (score) pairs.push({ score, i, j });
    }),
  );
  pairs.sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const usedR = new Set<number>();
  const usedA = new Set<number>();
  const out: Array<[Field, Field]> = [];
  for (const p of pairs) {
    if (usedR.has(p.i) || usedA.has(p.j)) continue;
    usedR.add(p.i);
    usedA.add(p.j);
    out.push([removed[p.i]!, added[p.j]!]);
  }
  return out;
}

const under = (parent: string, name: string) => (parent ? `${parent}.${name}` : name);

/** Every change between two field lists (recursively), classified for the direction they travel. */
export function diffFields(before: Field[], after: Field[], ctx: Ctx, where: Change['where'], parent = ''): Change[] {
  const send = ctx.direction === 'send';
  const a = byName(before);
  const b = byName(after);
  const removed = [...a.values()].filter((f) => !b.has(f.name));
  const added = [...b.values()].filter((f) => !a.has(f.name));
  const renames = guessRenames(removed, added, ctx);
  const renamedFrom = new Set(renames.map(([r]) => r));
  const renamedTo = new Set(renames.map(([, x]) => x));
  const out: Change[] = [];

  for (const f of removed) {
    if (renamedFrom.has(f)) continue;
    out.push({ kind: 'removed', where, path: under(parent, f.name), before: describeField(f), breaking: true, why: send ? 'a call that sends it no longer compiles' : 'code that reads it no longer compiles' });
  }
  for (const f of added) {
    if (renamedTo.has(f)) continue;
    const breaking = send && Boolean(f.required);
    out.push({
      kind: 'added',
      where,
      path: under(parent, f.name),
      after: `${describeField(f)}${f.required ? ', required' : ', optional'}`,
      breaking,
      why: send ? (f.required ? 'every call must now send it' : 'optional: existing calls compile') : 'a new field to read',
    });
  }
  for (const [r, x] of renames) {
    out.push({ kind: 'renamed', where, path: under(parent, r.name), to: under(parent, x.name), before: describeField(r), after: describeField(x), breaking: true, why: 'the old name no longer compiles (paired by type, and label or a similar name)' });
    out.push(...compareField(r, x, ctx, where, parent, under(parent, x.name)));
  }
  for (const [name, f] of a) {
    const g = b.get(name);
    if (g) out.push(...compareField(f, g, ctx, where, parent, under(parent, name)));
  }
  return out;
}

/** What the caller receives has open enums (`'A' | 'B' | (string & {})`). */
const OPEN_ENUMS = 'open enum';

function compareField(f: Field, g: Field, ctx: Ctx, where: Change['where'], _parent: string, path: string): Change[] {
  const send = ctx.direction === 'send';
  const out: Change[] = [];
  const kf = kindOf(f, ctx);
  const kg = kindOf(g, ctx);
  const df = describeField(f);
  const dg = describeField(g);
  if (kf !== kg) {
    out.push({ kind: 'type', where, path, before: df, after: dg, breaking: true, why: `the TypeScript type changes (${kf} → ${kg})` });
    return out; // members of a value that changed type are not compared
  }
  if (df !== dg) out.push({ kind: 'type', where, path, before: df, after: dg, breaking: false, why: `same TypeScript type (${kf})` });
  if (!f.required && g.required) out.push({ kind: 'required', where, path, breaking: send, why: send ? 'every call must now send it' : 'now always present' });
  if (f.required && !g.required) out.push({ kind: 'optional', where, path, breaking: !send, why: send ? 'calls may leave it out' : 'now possibly undefined: reading it as always present no longer compiles' });
  const ef = enumOf(f);
  const eg = enumOf(g);
  if (ef && eg) {
    const gone = ef.filter((v) => !eg.includes(v));
    const come = eg.filter((v) => !ef.includes(v));
    if (come.length) out.push({ kind: 'enum-added', where, path, values: come, breaking: false, why: send ? 'more values accepted' : OPEN_ENUMS + ': a new value compiles' });
    if (gone.length) out.push({ kind: 'enum-removed', where, path, values: gone, breaking: send, why: send ? 'a call that sends one of them no longer compiles' : OPEN_ENUMS + ': still compiles, the value is no longer documented' });
  } else if (!ef && eg) {
    out.push({ kind: 'enum-introduced', where, path, values: eg, breaking: send, why: send ? 'only these values compile now' : OPEN_ENUMS + ': still a string' });
  } else if (ef && !eg) {
    out.push({ kind: 'enum-dropped', where, path, values: ef, breaking: false, why: send ? 'any value accepted' : 'now a plain value' });
  }
  const cf = childrenOf(f);
  const cg = childrenOf(g);
  if (cf || cg) out.push(...diffFields(cf ?? [], cg ?? [], ctx, where, path));
  return out;
}

// ---------------------------------------------------------------------------------------------
// operations and notifications

function opKey(template: string, method: string): string {
  return `${method.toUpperCase()} ${template}`;
}

function ref(e: Endpoint, op: Operation): OperationRef {
  return { key: opKey(e.template, op.method), template: e.template, method: op.method, title: op.title };
}

/** An answer the caller cannot read any more, or reads as something else. */
function responseKindBreaks(before: string, after: string): boolean {
  return before !== 'undocumented' && before !== 'redirect';
}

function diffOperation(before: Operation, after: Operation, apiv2: boolean): Change[] {
  const out: Change[] = [];
  if (before.request.kind !== after.request.kind) {
    // the options the caller writes decide how a call travels: their changes are listed field by field
    out.push({ kind: 'request-kind', where: 'operation', path: '', before: before.request.kind, after: after.request.kind, breaking: false, why: 'follows from the request fields listed here' });
  }
  if (before.response.kind !== after.response.kind) {
    const breaking = responseKindBreaks(before.response.kind, after.response.kind);
    out.push({ kind: 'response-kind', where: 'operation', path: '', before: before.response.kind, after: after.response.kind, breaking, why: breaking ? 'the answer has another type' : 'an answer typed where there was none' });
  }
  if (!before.deprecated && after.deprecated) out.push({ kind: 'deprecated', where: 'operation', path: '', breaking: false, why: 'marked @deprecated' });
  // APIv3 JSON sends and receives Sealed strings; an APIv2 answer arrives as text
  const send: Ctx = { direction: 'send', sealed: !apiv2, xmlIn: false };
  const receive: Ctx = { direction: 'receive', sealed: !apiv2, xmlIn: apiv2 };
  out.push(...diffFields(typedRequestFields(before), typedRequestFields(after), send, 'request'));
  if (before.response.kind === after.response.kind) out.push(...diffFields(before.response.fields, after.response.fields, receive, 'response'));
  return out;
}

interface Notice {
  key: string;
  title: string;
  pages: Webhook[];
}

/** APIv3 notifications by event type (what `WebhookEvents` is keyed by), APIv2 by page. */
function notices(model: Model): Map<string, Notice> {
  const m = new Map<string, Notice>();
  for (const w of model.webhooks) {
    const keys = w.protocol === 'v3' ? w.events : [`v2 ${w.events[0] ?? w.source}`];
    for (const k of keys) {
      const n = m.get(k) ?? { key: k, title: w.title, pages: [] };
      n.pages.push(w);
      m.set(k, n);
    }
  }
  return m;
}

/** The page named after the event describes it first (as the mock builds it), then the rest by source. */
function pagesInOrder(n: Notice): Webhook[] {
  const own = n.pages.filter((w) => w.source.endsWith(`/${n.key}.md`));
  return [...own, ...n.pages.filter((w) => !own.includes(w))];
}

function noticeTitle(n: Notice): string {
  return pagesInOrder(n)[0]?.title ?? n.title;
}

function typedPart(w: Webhook): Field[] {
  return w.protocol === 'v3' ? (w.resource ?? []) : (w.request.find((f) => f.name === 'body')?.children ?? []);
}

function diffNotification(before: Notice, after: Notice): Change[] {
  const out: Change[] = [];
  const bs = new Map(before.pages.map((w) => [w.source, w] as const));
  const as = new Map(after.pages.map((w) => [w.source, w] as const));
  const gained = [...as.keys()].filter((s) => !bs.has(s)).sort(cmp);
  const lost = [...bs.keys()].filter((s) => !as.has(s)).sort(cmp);
  for (const s of gained) {
    out.push({ kind: 'resource-union', where: 'notification', path: s, after: `${as.size} pages`, breaking: true, why: 'code that read the one shape no longer compiles: narrow the union first' });
  }
  for (const s of lost) out.push({ kind: 'resource-union', where: 'notification', path: s, before: `${bs.size} pages`, breaking: false, why: 'the union narrows' });
  for (const [s, w] of [...bs].sort(([x], [y]) => cmp(x, y))) {
    const v = as.get(s);
    if (!v) continue;
    const ctx: Ctx = { direction: 'receive', sealed: false, xmlIn: w.protocol === 'v2' };
    const changes = diffFields(typedPart(w), typedPart(v), ctx, 'resource');
    // a page that declares several events is compared under each; its source says which one
    const prefix = before.pages.length > 1 || after.pages.length > 1 ? `${s.replace(/^.*\//, '').replace(/\.md$/, '')}: ` : '';
    out.push(...changes.map((c) => (prefix ? { ...c, path: `${prefix}${c.path}`, ...(c.to ? { to: `${prefix}${c.to}` } : {}) } : c)));
  }
  return out;
}

function counts(model: Model): Counts {
  return {
    endpoints: model.endpoints.length,
    operations: model.endpoints.reduce((n, e) => n + e.operations.length, 0),
    notifications: notices(model).size,
  };
}

const byKey = <T extends { key: string }>(xs: T[]) => xs.sort((x, y) => cmp(x.key, y.key));

/** The API surface between two models: what a regeneration from `after` changes for a caller of `before`'s typings. */
export function diffModels(before: Model, after: Model): SurfaceDiff {
  const be = new Map(before.endpoints.map((e) => [e.template, e] as const));
  const ae = new Map(after.endpoints.map((e) => [e.template, e] as const));
  const moved = new Map(after.redirects.map((r) => [r.from, r.to] as const));
  const d: SurfaceDiff = {
    counts: { old: counts(before), new: counts(after) },
    endpointsAdded: [],
    endpointsRemoved: [],
    operationsAdded: [],
    operationsRemoved: [],
    notificationsAdded: [],
    notificationsRemoved: [],
    changedOperations: [],
    changedNotifications: [],
  };
  for (const [t, e] of ae) if (!be.has(t)) d.endpointsAdded.push(...e.operations.map((op) => ref(e, op)));
  for (const [t, e] of be) {
    const next = ae.get(t);
    if (!next) {
      d.endpointsRemoved.push(...e.operations.map((op) => ({ ...ref(e, op), ...(moved.has(t) ? { movedTo: moved.get(t)! } : {}) })));
      continue;
    }
    for (const m of HTTP_METHODS) {
      const ob = e.operations.find((o) => o.method === m);
      const oa = next.operations.find((o) => o.method === m);
      if (ob && !oa) d.operationsRemoved.push(ref(e, ob));
      else if (!ob && oa) d.operationsAdded.push(ref(next, oa));
      else if (ob && oa) {
        const changes = diffOperation(ob, oa, t.startsWith('v2/'));
        if (changes.length) d.changedOperations.push({ ...ref(next, oa), changes: sortChanges(changes) });
      }
    }
  }
  const bn = notices(before);
  const an = notices(after);
  for (const [k, n] of an) if (!bn.has(k)) d.notificationsAdded.push({ key: k, title: noticeTitle(n), sources: n.pages.map((w) => w.source).sort(cmp) });
  for (const [k, n] of bn) {
    const next = an.get(k);
    if (!next) {
      d.notificationsRemoved.push({ key: k, title: noticeTitle(n), sources: n.pages.map((w) => w.source).sort(cmp) });
      continue;
    }
    const changes = diffNotification(n, next);
    if (changes.length) d.changedNotifications.push({ key: k, title: noticeTitle(next), sources: next.pages.map((w) => w.source).sort(cmp), changes: sortChanges(changes) });
  }
  for (const list of [d.endpointsAdded, d.endpointsRemoved, d.operationsAdded, d.operationsRemoved, d.changedOperations]) byKey(list as OperationRef[]);
  for (const list of [d.notificationsAdded, d.notificationsRemoved, d.changedNotifications]) byKey(list as NotificationRef[]);
  return d;
}

const WHERE_ORDER: Record<Change['where'], number> = { operation: 0, notification: 1, request: 2, response: 3, resource: 4 };

function sortChanges(cs: Change[]): Change[] {
  return cs.sort((x, y) => WHERE_ORDER[x.where] - WHERE_ORDER[y.where] || cmp(x.path, y.path) || cmp(x.kind, y.kind));
}

const TICK = String.fromCharCode(96);
/** Inline code; a backtick inside would end it early. */
const code = (s: string) => TICK + s.split(TICK).join("'") + TICK;

/** Every breaking change, with the operation or notification it belongs to. */
export function breakingChanges(d: SurfaceDiff): Array<{ subject: string; change: Change | undefined; line: string }> {
  const out: Array<{ subject: string; change: Change | undefined; line: string }> = [];
  for (const r of d.endpointsRemoved) out.push({ subject: r.key, change: undefined, line: `${code(r.key)} removed${r.movedTo ? ` (the page moved to ${code(r.movedTo)})` : ''}: calls to it no longer compile` });
  for (const r of d.operationsRemoved) out.push({ subject: r.key, change: undefined, line: `${code(r.key)} removed: calls to it no longer compile` });
  for (const n of d.notificationsRemoved) out.push({ subject: n.key, change: undefined, line: `notification ${code(n.key)} removed: handlers of it no longer compile` });
  for (const o of d.changedOperations) for (const c of o.changes) if (c.breaking) out.push({ subject: o.key, change: c, line: `${code(o.key)} ${changeText(c)}` });
  for (const x of d.changedNotifications) for (const c of x.changes) if (c.breaking) out.push({ subject: x.key, change: c, line: `notification ${code(x.key)} ${changeText(c)}` });
  return out;
}

/** Changes the typings do not show: the same TypeScript type in other words, a JSDoc tag. */
const INVISIBLE: ReadonlySet<ChangeKind> = new Set(['type', 'deprecated', 'request-kind']);

/** major: anything breaking; minor: anything else a caller's types show (additions above all); patch: the rest. */
export function releaseFor(d: SurfaceDiff): Release {
  if (breakingChanges(d).length) return 'major';
  if (d.endpointsAdded.length || d.operationsAdded.length || d.notificationsAdded.length) return 'minor';
  const all = [...d.changedOperations, ...d.changedNotifications].flatMap((x) => x.changes);
  if (all.some((c) => !INVISIBLE.has(c.kind))) return 'minor';
  return all.length ? 'patch' : 'none';
}

// ---------------------------------------------------------------------------------------------
// the report

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const n = (x: number) => x.toLocaleString('en-US');

/** The change in words; `at` names where it is (request and field), left out in a table with a column for it. */
function changeText(c: Change, at = c.where === 'operation' || c.where === 'notification' ? '' : `${c.where} ${code(c.path)}`): string {
  const values = c.values ? c.values.map(code).join(', ') : '';
  switch (c.kind) {
    case 'added':
      return `${at} added (${c.after})`;
    case 'removed':
      return `${at} removed (was ${c.before})`;
    case 'renamed':
      return `${at} renamed to ${code(c.to!)} (best guess)`;
    case 'type':
      return `${at} type ${c.before} → ${c.after}`;
    case 'required':
      return `${at} now required`;
    case 'optional':
      return `${at} now optional`;
    case 'enum-added':
      return `${at} enum values added: ${values}`;
    case 'enum-removed':
      return `${at} enum values removed: ${values}`;
    case 'enum-introduced':
      return `${at} now an enum: ${values}`;
    case 'enum-dropped':
      return `${at} no longer an enum (was ${values})`;
    case 'request-kind':
      return `request sent as ${c.after} (was ${c.before})`;
    case 'response-kind':
      return `answer ${c.after} (was ${c.before})`;
    case 'deprecated':
      return 'deprecated';
    case 'resource-union':
      return c.after ? `also declared by ${code(c.path)}: the resource type becomes a union` : `no longer declared by ${code(c.path)}`;
  }
}

export interface ReportLabels {
  /** Short names of the two snapshots, e.g. their commits. */
  old: string;
  new: string;
}

/** The human-readable report (markdown), deterministic. */
export function renderDiff(d: SurfaceDiff, labels: ReportLabels): string {
  const L: string[] = [];
  const breaking = breakingChanges(d);
  const release = releaseFor(d);
  L.push(`# API surface changes: ${labels.old} → ${labels.new}`, '');
  L.push(
    `What regenerating the typings from documentation snapshot ${code(labels.new)} instead of ${code(labels.old)} changes for a`,
    'TypeScript caller: endpoints and notifications added and removed, and per operation the fields added,',
    'removed, renamed (a best guess, marked so), retyped, made required or optional, and enum values',
    'added or removed. Each change is classified breaking (code that compiled no longer does) or not,',
    'by the release rules of docs/codegen.md. Generated by `npm run codegen -- --diff <old> <new>`; do not edit.',
    '',
  );
  L.push('## Summary', '', `| | ${labels.old} | ${labels.new} |`, '| --- | ---: | ---: |');
  L.push(`| endpoints (URI templates) | ${n(d.counts.old.endpoints)} | ${n(d.counts.new.endpoints)} |`);
  L.push(`| operations (template + method) | ${n(d.counts.old.operations)} | ${n(d.counts.new.operations)} |`);
  L.push(`| notification types | ${n(d.counts.old.notifications)} | ${n(d.counts.new.notifications)} |`, '');
  const changedCount = (xs: Array<{ changes: Change[] }>) => xs.reduce((k, x) => k + x.changes.length, 0);
  L.push('| change | count |', '| --- | ---: |');
  L.push(`| endpoints added / removed | ${d.endpointsAdded.length} / ${d.endpointsRemoved.length} operations |`);
  L.push(`| operations added to / removed from existing templates | ${d.operationsAdded.length} / ${d.operationsRemoved.length} |`);
  L.push(`| notification types added / removed | ${d.notificationsAdded.length} / ${d.notificationsRemoved.length} |`);
  L.push(`| operations changed (changes) | ${d.changedOperations.length} (${changedCount(d.changedOperations)}) |`);
  L.push(`| notification types changed (changes) | ${d.changedNotifications.length} (${changedCount(d.changedNotifications)}) |`);
  L.push(`| **breaking changes** | **${breaking.length}** |`, '');
  L.push(`Release: **${release}**${release === 'major' ? ' (breaking changes below)' : ''}.`, '');

  L.push(`## Breaking changes (${breaking.length})`, '');
  if (!breaking.length) L.push('None.');
  for (const b of breaking) L.push(`- ${b.line.replace(/\s+/g, ' ')}${b.change ? ` — ${b.change.why}` : ''}`);
  L.push('');

  const refs = (title: string, xs: OperationRef[]) => {
    L.push(`## ${title} (${xs.length})`, '');
    if (!xs.length) L.push('None.');
    for (const r of xs) L.push(`- ${code(r.key)} — ${r.title}${r.movedTo ? ` (moved to ${code(r.movedTo)})` : ''}`);
    L.push('');
  };
  refs('Endpoints added', d.endpointsAdded);
  refs('Endpoints removed', d.endpointsRemoved);
  refs('Operations added to existing endpoints', d.operationsAdded);
  refs('Operations removed from existing endpoints', d.operationsRemoved);
  const nrefs = (title: string, xs: NotificationRef[]) => {
    L.push(`## ${title} (${xs.length})`, '');
    if (!xs.length) L.push('None.');
    for (const r of xs) L.push(`- ${code(r.key)} — ${r.title} (${r.sources.map(code).join(', ')})`);
    L.push('');
  };
  nrefs('Notifications added', d.notificationsAdded);
  nrefs('Notifications removed', d.notificationsRemoved);

  const table = (xs: Change[]) => {
    L.push('| where | field | change | breaking | why |', '| --- | --- | --- | --- | --- |');
    for (const c of xs) {
      const field = c.path && c.where !== 'notification' ? code(c.path) : '';
      L.push(`| ${c.where} | ${cell(field)} | ${cell(changeText(c, '').trim())} | ${c.breaking ? '**yes**' : 'no'} | ${cell(c.why)} |`);
    }
    L.push('');
  };
  L.push(`## Changed operations (${d.changedOperations.length})`, '');
  if (!d.changedOperations.length) L.push('None.', '');
  for (const o of d.changedOperations) {
    L.push(`### ${code(o.key)} — ${o.title}`, '');
    table(o.changes);
  }
  L.push(`## Changed notifications (${d.changedNotifications.length})`, '');
  if (!d.changedNotifications.length) L.push('None.', '');
  for (const o of d.changedNotifications) {
    L.push(`### ${code(o.key)} — ${o.title}`, '');
    table(o.changes);
  }
  return `${L.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
