// The endpoint model (its schema lives in src/model.ts, shared with the mock server that reads
// it) and the generator's own bookkeeping: diagnostics and row accounting.
export * from '../src/model.js';

/**
 * Top-level keys the client takes as options besides path parameters (src/request/prepare.ts,
 * src/v2/transport.ts): the parser reports any other documented key, the emitter leaves it untyped.
 */
export const RUNTIME_OPTIONS: ReadonlySet<string> = new Set(['json', 'query', 'headers', 'base_uri', 'body', 'xml', 'security', 'nonceless']);

/** Why a row or file did not make it into the model as-is. */
export interface Diagnostic {
  file: string;
  line: number;
  /** A stable machine reason, e.g. `unescaped-pipe`. */
  reason: string;
  /** `repaired`: the row is in the model, fixed up. `skipped`: the row is not in the model. `info`: a note about the file. */
  severity: 'repaired' | 'skipped' | 'info';
  detail?: string;
}

/** Per-corpus accounting: every body row of every table is either a field, structural, or a skipped diagnostic. */
export interface Stats {
  files: number;
  endpointFiles: number;
  webhookFiles: number;
  redirectFiles: number;
  otherFiles: number;
  endpoints: number;
  methods: number;
  webhooks: number;
  /** Table body rows seen. */
  rows: number;
  /** Rows that became a field (or an alternative of one). */
  fieldRows: number;
  /** Separator / marker rows (`.im-table-line`, response-kind rows) turned into model structure. */
  structuralRows: number;
  /** Rows reported as `skipped` diagnostics. */
  skippedRows: number;
  /** Fields in the model, counted recursively (alternatives included). */
  fields: number;
}
