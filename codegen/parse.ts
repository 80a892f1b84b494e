// One documentation file -> endpoint / webhook / redirect model, parsed from the markdown-it
// token stream (with markdown-it-attrs, like the site renders it).
import MarkdownIt from 'markdown-it';
import attrs from 'markdown-it-attrs';
import type Token from 'markdown-it/lib/token.mjs';
import {
  RUNTIME_OPTIONS,
  HTTP_METHODS,
  type Diagnostic,
  type Endpoint,
  type Field,
  type HttpMethod,
  type Operation,
  type Redirect,
  type RequestKind,
  type ResponseKind,
  type Shape,
  type Webhook,
} from './model.js';
import { buildTree, countFields, extractEnum, type Row } from './tree.js';

let shared: MarkdownIt | undefined;
export function markdown(): MarkdownIt {
  if (!shared) shared = new MarkdownIt({ html: true }).use(attrs);
  return shared;
}

export interface ParsedFile {
  source: string;
  kind: 'endpoint' | 'webhook' | 'redirect' | 'other';
  endpoint?: Endpoint;
  webhook?: Webhook;
  redirect?: Redirect;
  diagnostics: Diagnostic[];
  rows: number;
  fieldRows: number;
  structuralRows: number;
  skippedRows: number;
}

/** `openapi/v3/a/{b}/c.md` -> `v3/a/{b}/c`; `webhook/v3/X.Y.md` -> `webhook:v3/X.Y`. */
export function templateOf(source: string): string {
  // A page served at a URL ending in `/` is its folder's index.md; the docs' samples spell that
  // trailing empty segment `{empty}` (`_empty_` in the chain), which the runtime sends as ''.
  return source.replace(/\\/g, '/').replace(/^openapi\//, '').replace(/\/index\.md$/, '/{empty}').replace(/\.md$/, '');
}

/**
 * Notice containers' classes the model keeps as markers. `important` (a caveat such as a full
 * overwrite on every call), `need-tbt` (in grey testing, not open to every merchant yet) and
 * `special` (an unusual reply) arrived with the 2026-08-22 snapshot. Any other `im-*` class is kept
 * too, and reported (`unknown-marker`), so a notice the site adds later is never dropped unseen.
 */
const MARKER_CLASSES = /^im-(deprecated|discarded|privated|redesigned|need-accessment|specific|parsed|confusing|important|need-tbt|special)$/;
const NOTICE_CLASS = /^im-([a-z][a-z0-9-]*)$/;
/** `im-*` classes that are the site's layout, not a notice about the endpoint. */
const LAYOUT_CLASSES: ReadonlySet<string> = new Set(['im-table', 'im-table-line']);
/**
 * An encoded string whose table shows one array member, where the page's sample json_encodes a
 * bare list for it (`'receivers' => \json_encode([[…]])`, `['a.jpg', 'b.jpg']`): the member row
 * only names the items, the JSON is the list (`inner: 'list'`). Where the sample writes the key
 * (`\json_encode(['goods_detail' => …])`), or there is no sample, the table stands.
 */
function markEncodedLists(fields: Field[], samples: string, line: number, diag: (line: number, reason: string, severity: Diagnostic['severity'], detail?: string) => void): void {
  for (const f of fields) {
    for (const shape of [f as Shape, ...(f.oneOf ?? [])]) {
      const only = shape.children?.length === 1 ? shape.children[0]! : undefined;
      if (shape.encoded === 'by-json_encode' && only?.array && !shape.inner) {
        const name = f.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (new RegExp(`'${name}'\\s*=>\\s*\\\\?json_encode\\(\\s*\\[\\s*(?:\\[|'[^']*'\\s*[,\\]])`).test(samples)) {
          shape.inner = 'list';
          diag(line, 'encoded-list', 'repaired', `"${f.name}": the sample encodes a bare list; "${only.name}" names its items`);
        }
      }
      if (shape.children) markEncodedLists(shape.children, samples, line, diag);
    }
  }
}

/** A PHP sample that sends a media stream as the multipart body (`'body' => $media->getStream()`). */
const UPLOAD_SAMPLE = /'body'\s*=>\s*\$\w+->getStream\(\)/;

/** The multipart body every documented upload has: the file, and its JSON meta (filename, sha256). */
export function inferredUpload(): Field {
  return {
    name: 'body',
    type: 'object',
    required: true,
    label: 'multipart/form-data (inferred from the samples)',
    children: [
      { name: 'file', type: 'object', required: true, label: 'the file' },
      {
        name: 'meta',
        type: 'string',
        required: true,
        encoded: 'unmarked',
        label: 'the file\'s meta, as JSON',
        children: [
          { name: 'filename', type: 'string', required: true, label: 'file name with its extension' },
          { name: 'sha256', type: 'string', required: true, label: 'SHA-256 of the file (hex)' },
        ],
      },
    ],
  };
}

interface FrontMatter {
  title?: string;
  description?: string;
  redirect?: string;
  lines: number;
}

function frontMatter(src: string): FrontMatter {
  if (!src.startsWith('---')) return { lines: 0 };
  const lines = src.split('\n');
  let end = -1;
  for (let i = 1; i < lines.length; i++) {
    if (/^---\s*$/.test(lines[i]!)) {
      end = i;
      break;
    }
  }
  if (end < 0) return { lines: 0 };
  const fm: FrontMatter = { lines: end + 1 };
  for (let i = 1; i < end; i++) {
    const m = /^(title|description):\s*(.*)$/.exec(lines[i]!);
    if (m) fm[m[1] as 'title' | 'description'] = unquote(m[2]!);
    const r = /content:\s*['"]?\d+;\s*url=([^'"\s]+)/.exec(lines[i]!);
    if (r && /http-equiv:\s*refresh/.test(lines.slice(1, end).join('\n'))) fm.redirect = r[1]!;
  }
  return fm;
}

function unquote(s: string): string {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

/** Inline children -> text: code spans keep their backticks, `<br/>` becomes a newline, other markup is dropped. */
function inlineText(children: Token[] | null): string {
  if (!children) return '';
  let s = '';
  for (const c of children) {
    switch (c.type) {
      case 'text':
        s += c.content;
        break;
      case 'code_inline':
        s += '`' + c.content + '`';
        break;
      case 'softbreak':
      case 'hardbreak':
        s += '\n';
        break;
      case 'html_inline':
        if (/^<br\s*\/?>$/i.test(c.content)) s += '\n';
        break;
      case 'image':
        break;
      default:
        break;
    }
  }
  return s;
}

/** markdown-it's own cell split: `|` not preceded by a backslash. */
function splitRawRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '|' && s[i - 1] !== '\\') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells;
}

function attrsOf(t: Token | undefined): Record<string, string> {
  const r: Record<string, string> = {};
  for (const [k, v] of t?.attrs ?? []) r[k] = v;
  return r;
}

interface RawTable {
  role: 'request' | 'response' | 'other';
  line: number;
  rows: Row[];
  /** Response-kind marker rows (`{align=center colspan=3}`): [line, text]. */
  kindRows: Array<[number, string]>;
  /** Body rows with column count mismatch etc. already turned into diagnostics. */
  otherRows: number[];
}

interface Section {
  method: HttpMethod;
  title: string;
  line: number;
  markers: Set<string>;
  links: string[];
  tables: RawTable[];
  /** The code samples of the section (fenced blocks), for what the tables leave out. */
  samples: string[];
}

/** Parse one file. Never throws on content: anything unexpected becomes a diagnostic. */
export function parseFile(source: string, text: string): ParsedFile {
  const md = markdown();
  const rel = source.replace(/\\/g, '/');
  const out: ParsedFile = { source: rel, kind: 'other', diagnostics: [], rows: 0, fieldRows: 0, structuralRows: 0, skippedRows: 0 };
  const diag = (line: number, reason: string, severity: Diagnostic['severity'], detail?: string) => {
    const d: Diagnostic = { file: rel, line, reason, severity };
    if (detail) d.detail = detail;
    out.diagnostics.push(d);
  };
  const fm = frontMatter(text);
  const srcLines = text.split('\n');
  const isWebhook = rel.startsWith('webhook/');
  const isIndex = /(^|\/)index\.md$/.test(rel);

  if (fm.redirect) {
    out.kind = 'redirect';
    let to = fm.redirect;
    try {
      to = decodeURIComponent(to);
    } catch {
      /* keep as written */
    }
    out.redirect = { from: isWebhook ? rel.replace(/\.md$/, '') : templateOf(rel), to: to.replace(/^\//, '').replace(/^openapi\//, ''), source: rel };
    diag(1, 'redirect-stub', 'info', `moved to ${out.redirect.to}`);
  }

  // keep line numbers: blank out the front matter instead of cutting it
  const body = fm.lines ? '\n'.repeat(fm.lines) + srcLines.slice(fm.lines).join('\n') : text;
  const tokens = md.parse(body, {});

  const sections: Section[] = [];
  let fileMarkers = new Set<string>();
  let mixTitle: string | undefined;
  let current: Section | undefined;
  const containers: Array<{ name: string; line: number }> = [];
  const orphanTables: RawTable[] = [];

  const closeCodeGroup = (line: number) => {
    const open = containers.findIndex((c) => c.name === 'code-group');
    if (open >= 0) {
      diag(containers[open]!.line, 'unterminated-code-group', 'info', `::: code-group still open at line ${line}`);
      containers.splice(open);
    }
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'heading_open') {
      const inline = tokens[i + 1]!;
      const line = (t.map?.[0] ?? 0) + 1;
      closeCodeGroup(line);
      const id = attrsOf(t).id;
      let title = inlineText(inline.children).trim();
      if (/\{\{\s*\$frontmatter\.title\s*\}\}/.test(title)) title = fm.title ?? '';
      if (id === 'mix') {
        mixTitle = title;
      } else if (id && (HTTP_METHODS as readonly string[]).includes(id)) {
        current = { method: id as HttpMethod, title: title || fm.title || '', line, markers: new Set(fileMarkers), links: [], tables: [], samples: [] };
        sections.push(current);
      } else if (t.tag === 'h1' || t.tag === 'h2') {
        diag(line, 'heading-without-method', 'info', `heading "${title.slice(0, 40)}" has no {#method}`);
      }
      continue;
    }
    if (t.type === 'fence' && current) {
      current.samples.push(t.content);
      continue;
    }
    if (t.type === 'paragraph_open') {
      const inline = tokens[i + 1]!;
      const line = (t.map?.[0] ?? 0) + 1;
      const content = inline.content.trim();
      const cls = attrsOf(t).class ?? '';
      for (const c of cls.split(/\s+/)) {
        const m = MARKER_CLASSES.exec(c) ?? (LAYOUT_CLASSES.has(c) ? null : NOTICE_CLASS.exec(c));
        if (!m) continue;
        (current ?? { markers: fileMarkers }).markers.add(m[1]!);
        if (!MARKER_CLASSES.test(c)) diag(line, 'unknown-marker', 'info', `notice class "${c}" kept as marker "${m[1]}": check what it means`);
      }
      const cm = /^:::\s*([\w-]*)/.exec(content);
      if (cm) {
        if (cm[1]) {
          if (cm[1] === 'code-group') closeCodeGroup(line);
          containers.push({ name: cm[1], line });
        } else if (containers.length) containers.pop();
        else diag(line, 'stray-container-close', 'info');
      }
      for (const c of inline.children ?? []) {
        if (c.type === 'link_open') {
          const href = attrsOf(c).href ?? '';
          const idx = (inline.children ?? []).indexOf(c);
          const txt = inline.children?.[idx + 1];
          if (/^https?:\/\//.test(href) && txt?.type === 'text' && txt.content.includes('官方文档') && current) current.links.push(href);
        }
      }
      continue;
    }
    if (t.type === 'table_open') {
      const line = (t.map?.[0] ?? 0) + 1;
      const a = attrsOf(t);
      const role: RawTable['role'] = a.id === 'request' ? 'request' : a.id === 'response' ? 'response' : 'other';
      const table: RawTable = { role, line, rows: [], kindRows: [], otherRows: [] };
      let header = 0;
      let j = i + 1;
      let inBody = false;
      for (; j < tokens.length && tokens[j]!.type !== 'table_close'; j++) {
        const u = tokens[j]!;
        if (u.type === 'tbody_open') inBody = true;
        if (u.type === 'th_open') header += 1;
        if (u.type !== 'tr_open' || !inBody) continue;
        const rowLine = (u.map?.[0] ?? 0) + 1;
        const cells: Array<{ attrs: Record<string, string>; inline: Token }> = [];
        let k = j + 1;
        for (; tokens[k]!.type !== 'tr_close'; k++) {
          if (tokens[k]!.type === 'td_open') cells.push({ attrs: attrsOf(tokens[k]), inline: tokens[k + 1]! });
        }
        j = k;
        out.rows += 1;
        if (role === 'other') {
          table.otherRows.push(rowLine);
          continue;
        }
        const c0 = cells[0]!;
        if (c0.attrs.class?.split(/\s+/).includes('im-table-line')) {
          table.rows.push({ line: rowLine, sep: true, name: '', indent: 0, required: false, requiredInTypeCell: false, typeText: '', typeAttrs: {}, desc: '', twoCells: false, rejoined: false });
          continue;
        }
        if (c0.attrs.colspan && c0.attrs.align === 'center') {
          table.kindRows.push([rowLine, inlineText(c0.inline.children).trim()]);
          continue;
        }
        const raw = splitRawRow(srcLines[rowLine - 1] ?? '');
        let descInline = cells[2]?.inline.children ?? null;
        let rejoined = false;
        if (raw.length > header && header >= 3) {
          descInline = md.parseInline(raw.slice(2).join('|').trim(), {})[0]?.children ?? null;
          rejoined = true;
        }
        const twoCells = raw.length < 3;
        const nameAttrs = c0.attrs;
        const typeAttrs = cells[1]?.attrs ?? {};
        const indentText = nameAttrs['data-indent'] ?? typeAttrs['data-indent'];
        let indent = indentText !== undefined ? Number.parseInt(indentText, 10) : 0;
        if (!Number.isFinite(indent) || indent < 0) {
          diag(rowLine, 'bad-indent', 'repaired', `data-indent=${indentText}`);
          indent = 0;
        }
        const requiredInTypeCell = !('data-required' in nameAttrs) && 'data-required' in typeAttrs;
        table.rows.push({
          line: rowLine,
          sep: false,
          name: inlineText(c0.inline.children).trim(),
          indent,
          indentMissing: indentText === undefined,
          required: 'data-required' in nameAttrs || requiredInTypeCell,
          requiredInTypeCell,
          typeText: inlineText(cells[1]?.inline.children ?? null),
          typeAttrs,
          desc: inlineText(descInline),
          twoCells,
          rejoined,
        });
      }
      i = j;
      if (role === 'other') {
        for (const l of table.otherRows) diag(l, isIndex ? 'index-table' : 'table-without-role', 'skipped', 'row of a table that is neither #request nor #response');
        out.skippedRows += table.otherRows.length;
        continue;
      }
      closeCodeGroup(line);
      if (current) current.tables.push(table);
      else orphanTables.push(table);
    }
  }
  const endLine = srcLines.length;
  closeCodeGroup(endLine);

  for (const t of orphanTables) {
    for (const r of t.rows) diag(r.line, 'table-outside-method', 'skipped', 'no {#method} heading before this table');
    for (const [l] of t.kindRows) diag(l, 'table-outside-method', 'skipped');
    out.skippedRows += t.rows.length + t.kindRows.length;
  }

  if (out.kind === 'redirect') {
    for (const s of sections) for (const t of s.tables) {
      for (const r of t.rows) diag(r.line, 'redirect-with-table', 'skipped');
      out.skippedRows += t.rows.length + t.kindRows.length;
    }
    return out;
  }
  if (!sections.length) {
    if (!isIndex) diag(1, 'no-method', 'info', 'no {#method} heading: not an endpoint');
    return out;
  }
  if (mixTitle === undefined && sections.length > 1) diag(sections[1]!.line, 'several-methods-without-mix', 'info');

  const template = templateOf(rel);
  // `{empty}` is a trailing empty segment, not a parameter (see templateOf).
  const pathParams = isWebhook ? [] : [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).filter((p) => p !== 'empty');

  const ops: Operation[] = [];
  const seen = new Set<string>();
  for (const s of sections) {
    if (seen.has(s.method)) diag(s.line, 'duplicate-method', 'info', `second {#${s.method}} section: merged into the first`);
    seen.add(s.method);
    const reqTables = s.tables.filter((t) => t.role === 'request');
    const resTables = s.tables.filter((t) => t.role === 'response');
    const tree = (t: RawTable | undefined) => {
      if (!t) return [] as Field[];
      const r = buildTree(t.rows, diag);
      out.fieldRows += r.fieldRows;
      out.structuralRows += r.structuralRows;
      out.skippedRows += r.skippedRows;
      return r.fields;
    };
    for (const extra of [...reqTables.slice(1), ...resTables.slice(1)]) {
      for (const r of extra.rows) diag(r.line, 'extra-table', 'skipped', `a second #${extra.role} table in one method`);
      out.skippedRows += extra.rows.length + extra.kindRows.length;
    }
    const reqFields = tree(reqTables[0]);
    for (const [l] of reqTables[0]?.kindRows ?? []) {
      diag(l, 'kind-row-in-request', 'skipped');
      out.skippedRows += 1;
    }
    const resFields = tree(resTables[0]);

    let responseKind: ResponseKind = !resTables[0] ? 'undocumented' : template.startsWith('v2/') || isWebhook && rel.includes('/v2/') ? 'xml' : 'json';
    for (const [l, txt] of resTables[0]?.kindRows ?? []) {
      out.structuralRows += 1;
      if (/文件流/.test(txt)) responseKind = 'file-stream';
      else if (/30x|跳转/i.test(txt)) responseKind = 'redirect';
      else if (/无返回内容|无数据|空字符串/.test(txt)) responseKind = 'no-content';
      else diag(l, 'unknown-response-kind', 'info', txt.slice(0, 40));
    }
    if (!resTables[0] && !isWebhook) diag(s.line, 'no-response-table', 'info');
    if (!reqTables[0]) diag(s.line, 'no-request-table', 'info');

    // top level: path parameters (missing or misspelled ones repaired), then the documented keys
    if (!isWebhook) {
      const matched = new Set<string>();
      for (const f of reqFields) {
        if (pathParams.includes(f.name)) {
          f.in = 'path';
          matched.add(f.name);
        }
      }
      const unknown = reqFields.filter((f) => !f.in && !RUNTIME_OPTIONS.has(f.name));
      for (const p of pathParams) {
        if (matched.has(p)) continue;
        const guess = unknown.find((f) => similar(f.name, p));
        const line = reqTables[0]?.rows.find((r) => r.name === guess?.name && r.indent === 0)?.line ?? s.line;
        if (guess) {
          diag(line, 'path-param-misspelled', 'repaired', `"${guess.name}" read as path parameter {${p}}`);
          guess.docName = guess.name;
          guess.name = p;
          guess.in = 'path';
          unknown.splice(unknown.indexOf(guess), 1);
        } else {
          diag(line, 'path-param-missing', 'repaired', `{${p}} not in the request table: added as a required string`);
          reqFields.unshift({ name: p, type: 'string', required: true, in: 'path' });
        }
      }
      for (const f of unknown) {
        const line = reqTables[0]?.rows.find((r) => r.name === f.name && r.indent === 0)?.line ?? s.line;
        diag(line, 'unknown-top-level-key', 'info', `"${f.name}" kept in the model, not typed: the client has no such option`);
      }
    }
    markEncodedLists([...reqFields, ...resFields], s.samples.join('\n'), s.line, diag);
    const has = (k: string) => reqFields.some((f) => f.name === k && !f.in);
    // an upload whose table lost the multipart body: the samples send a media stream as `body`
    if (!isWebhook && !has('body') && !has('xml') && !has('json') && s.samples.some((x) => UPLOAD_SAMPLE.test(x))) {
      diag(reqTables[0]?.line ?? s.line, 'multipart-inferred', 'repaired', 'the samples send a media stream as body, the table has no body: file + meta (filename, sha256) added');
      reqFields.push(inferredUpload());
    }
    const requestKind: RequestKind = has('xml') ? 'xml' : has('body') ? 'multipart' : has('json') ? 'json' : has('query') ? 'query' : 'none';

    const op: Operation = {
      method: s.method,
      title: s.title,
      request: { kind: requestKind, fields: reqFields },
      response: { kind: responseKind, fields: resFields },
    };
    if (s.links.length) op.links = s.links;
    const markers = [...s.markers].sort();
    if (markers.includes('deprecated') || markers.includes('discarded')) op.deprecated = true;
    if (markers.includes('privated')) op.private = true;
    const rest = markers.filter((m) => !['deprecated', 'privated'].includes(m));
    if (rest.length) op.markers = rest;
    ops.push(op);
  }
  const byMethod = new Map<HttpMethod, Operation>();
  for (const op of ops) if (!byMethod.has(op.method)) byMethod.set(op.method, op);
  const operations = HTTP_METHODS.filter((m) => byMethod.has(m)).map((m) => byMethod.get(m)!);

  if (isWebhook) {
    out.kind = 'webhook';
    out.webhook = toWebhook(rel, fm.title ?? operations[0]!.title, operations[0]!, ops[0]!, diag);
  } else {
    out.kind = 'endpoint';
    out.endpoint = { template, source: rel, operations };
  }
  return out;
}

/** Names that differ by case, punctuation, containment or a few letters (`{sub_mchid}` / `sub_mch_id`). */
export function similar(a: string, b: string): boolean {
  const na = a.toLowerCase().replace(/[^a-z0-9]/g, '');
  const nb = b.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (na === nb) return true;
  if (na.includes(nb) || nb.includes(na)) return true;
  return editDistance(na, nb) <= Math.max(1, Math.floor(Math.min(na.length, nb.length) / 4));
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function toWebhook(rel: string, title: string, op: Operation, _first: Operation, diag: (l: number, r: string, s: Diagnostic['severity'], d?: string) => void): Webhook {
  const protocol = rel.startsWith('webhook/v2/') ? 'v2' : 'v3';
  const top = op.request.fields;
  const bodyField = top.find((f) => f.name === 'body');
  const body = bodyField?.children ?? [];
  const stem = rel.replace(/^.*\//, '').replace(/\.md$/, '');
  let events: string[] = [];
  const et = body.find((f) => f.name === 'event_type');
  if (et?.enum?.length) events = et.enum.map(String);
  else if (protocol === 'v3') {
    events = [stem];
    if (!et) diag(1, 'webhook-without-event-type', 'info', `keyed by file name ${stem}`);
  } else events = [stem];
  // the decrypted resource: the children of the first encrypted string anywhere in the body
  const findEncrypted = (fs: Field[]): Field | undefined => {
    for (const f of fs) {
      if (f.encrypted && f.children) return f;
      const inner = findEncrypted(f.children ?? []);
      if (inner) return inner;
    }
    return undefined;
  };
  const enc = findEncrypted(body);
  const w: Webhook = {
    events,
    protocol,
    title,
    source: rel,
    kind: protocol === 'v3' ? 'json' : 'xml',
    request: top,
    reply: op.response.fields,
  };
  if (enc?.children) w.resource = enc.children;
  // a reply the merchant must sign (an `Authorization` header over the reply) is new with the
  // 2026-08-22 snapshot: the model keeps the table, the report names it for a review of the replies
  const replyHeaders = op.response.fields.find((f) => f.name === 'headers')?.children?.map((f) => f.name) ?? [];
  if (replyHeaders.length) diag(1, 'reply-with-headers', 'info', `the merchant's reply documents headers (${replyHeaders.join(', ')}): kept in the model's reply`);
  if (op.links) w.links = op.links;
  if (op.deprecated) w.deprecated = true;
  if (op.private) w.private = true;
  if (op.markers) w.markers = op.markers;
  return w;
}

export { countFields, extractEnum };
