// The whole documentation folder -> one Model + diagnostics + accounting.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MODEL_VERSION, type Diagnostic, type Model, type Stats } from './model.js';
import { parseFile, type ParsedFile } from './parse.js';
import { countFields } from './tree.js';
import { reconcileWebhooks } from './reconcile.js';
import { applyOverrides, OVERRIDES, type Override } from './overrides.js';

export interface CorpusResult {
  model: Model;
  diagnostics: Diagnostic[];
  stats: Stats;
}

/** Markdown files under `openapi/` and `webhook/`, sorted, relative with `/`. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.md')) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  for (const top of ['openapi', 'webhook']) {
    try {
      if (statSync(join(root, top)).isDirectory()) walk(join(root, top));
    } catch {
      /* absent */
    }
  }
  return out.sort();
}

/**
 * `overrides`: the entries of codegen/overrides.ts to apply (all of them by default: one that no
 * longer matches its page fails the run). A diff against an older or a made-up snapshot passes
 * only the entries whose page that snapshot has.
 */
export function parseCorpus(root: string, overrides: readonly Override[] = OVERRIDES): CorpusResult {
  const files = listFiles(root);
  const result = buildModel(files.map((f) => {
    let parsed: ParsedFile;
    try {
      parsed = parseFile(f, readFileSync(join(root, f), 'utf8'));
    } catch (e) {
      // a crash of the parser on one file must not stop the corpus: report it
      parsed = { source: f, kind: 'other', diagnostics: [{ file: f, line: 1, reason: 'parser-crash', severity: 'skipped', detail: String(e).slice(0, 200) }], rows: 0, fieldRows: 0, structuralRows: 0, skippedRows: 0 };
    }
    return parsed;
  }));
  // after accounting: these move and merge fields the rows already produced
  result.diagnostics.push(...reconcileWebhooks(result.model), ...applyOverrides(result.model, overrides), ...sharedEvents(result.model));
  result.diagnostics.sort((a, b) => cmp(a.file, b.file) || a.line - b.line || cmp(a.reason, b.reason));
  return result;
}

export function buildModel(parsed: ParsedFile[]): CorpusResult {
  const model: Model = { version: MODEL_VERSION, endpoints: [], webhooks: [], redirects: [] };
  const diagnostics: Diagnostic[] = [];
  const stats: Stats = {
    files: parsed.length,
    endpointFiles: 0,
    webhookFiles: 0,
    redirectFiles: 0,
    otherFiles: 0,
    endpoints: 0,
    methods: 0,
    webhooks: 0,
    rows: 0,
    fieldRows: 0,
    structuralRows: 0,
    skippedRows: 0,
    fields: 0,
  };
  for (const p of parsed) {
    diagnostics.push(...p.diagnostics);
    stats.rows += p.rows;
    stats.fieldRows += p.fieldRows;
    stats.structuralRows += p.structuralRows;
    stats.skippedRows += p.skippedRows;
    if (p.endpoint) {
      stats.endpointFiles += 1;
      model.endpoints.push(p.endpoint);
      for (const op of p.endpoint.operations) stats.fields += countFields(op.request.fields) + countFields(op.response.fields);
    } else if (p.webhook) {
      stats.webhookFiles += 1;
      model.webhooks.push(p.webhook);
      const op = p.webhook;
      stats.fields += countFields(op.request) + countFields(op.reply);
    } else if (p.redirect) {
      stats.redirectFiles += 1;
      model.redirects.push(p.redirect);
    } else stats.otherFiles += 1;
  }
  model.endpoints.sort((a, b) => cmp(a.template, b.template));
  model.webhooks.sort((a, b) => cmp(a.source, b.source));
  model.redirects.sort((a, b) => cmp(a.from, b.from));
  stats.endpoints = model.endpoints.length;
  stats.methods = model.endpoints.reduce((n, e) => n + e.operations.length, 0);
  stats.webhooks = model.webhooks.length;
  diagnostics.sort((a, b) => cmp(a.file, b.file) || a.line - b.line || cmp(a.reason, b.reason));
  return { model, diagnostics, stats };
}

/**
 * An APIv3 event type that several pages declare (the profit-sharing pages list `TRANSACTION.SUCCESS`
 * beside their own event): its resource is the union of the pages' resources, so code that read one
 * shape now has to tell them apart. Reported on each page, so the change is reviewed, not met later.
 */
export function sharedEvents(model: Model): Diagnostic[] {
  const pages = new Map<string, string[]>();
  for (const w of model.webhooks) {
    if (w.protocol !== 'v3') continue;
    for (const e of w.events) pages.set(e, [...(pages.get(e) ?? []), w.source]);
  }
  const out: Diagnostic[] = [];
  for (const [event, sources] of [...pages].sort(([a], [b]) => cmp(a, b))) {
    if (sources.length < 2) continue;
    for (const s of sources) {
      out.push({ file: s, line: 1, reason: 'event-on-several-pages', severity: 'info', detail: `${event} is declared by ${sources.join(', ')}: its resource type is the union of theirs` });
    }
  }
  return out;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Diagnostics counted by reason (and severity). */
export function countByReason(diagnostics: Diagnostic[]): Record<string, number> {
  const r: Record<string, number> = {};
  for (const d of diagnostics) r[`${d.severity}:${d.reason}`] = (r[`${d.severity}:${d.reason}`] ?? 0) + 1;
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => cmp(a, b)));
}
