// The real corpus: parse it once, check the accounting, the counts, the seeds, and that the
// committed src/generated/ is exactly what the generator emits (codegen:check in a test).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { countByReason, listFiles, parseCorpus, type CorpusResult } from '../../codegen/corpus';
import { emit, type EmitResult } from '../../codegen/emit';
import { CORPUS as docs, corpus } from '../helpers/corpus';
import { describeWith } from '../helpers/needs';

const repo = resolve(__dirname, '../..');

/** An independent row count: body lines of pipe tables, straight from the text. */
function countTableRows(text: string): number {
  const lines = text.split('\n');
  let n = 0;
  for (let i = 1; i < lines.length; i++) {
    if (!/^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(lines[i]!) || !lines[i - 1]!.includes('|')) continue;
    for (let j = i + 1; j < lines.length && /^\s*\|/.test(lines[j]!); j++) n += 1;
  }
  return n;
}

describeWith(corpus, 'the documentation corpus', () => {
  let r: CorpusResult;
  let e: EmitResult;
  beforeAll(() => {
    r = parseCorpus(docs);
    e = emit(r.model);
  });

  it('accounts for every table row: in the model, structural, or a skipped diagnostic', () => {
    const s = r.stats;
    expect(s.fieldRows + s.structuralRows + s.skippedRows).toBe(s.rows);
    const independent = listFiles(docs).reduce((n, f) => n + countTableRows(readFileSync(join(docs, f), 'utf8')), 0);
    expect(s.rows).toBe(independent);
    // every skipped row has its own file:line diagnostic
    expect(r.diagnostics.filter((x) => x.severity === 'skipped')).toHaveLength(s.skippedRows);
    // fields in the model = field rows + path parameters the generator had to add + inferred uploads (body, file, meta, filename, sha256)
    const added = r.diagnostics.filter((x) => x.reason === 'path-param-missing').length + 5 * r.diagnostics.filter((x) => x.reason === 'multipart-inferred').length;
    expect(s.fields).toBe(s.fieldRows + added);
  });

  it('has the expected counts (update together with docs/codegen.md when the corpus changes)', () => {
    expect(r.stats).toEqual({
      files: 1186,
      endpointFiles: 1064,
      webhookFiles: 112,
      redirectFiles: 8,
      otherFiles: 2,
      endpoints: 1064,
      methods: 1147,
      webhooks: 112,
      rows: 33814,
      fieldRows: 32551,
      structuralRows: 348,
      skippedRows: 915,
      fields: 32562,
    });
    expect(countByReason([...r.diagnostics, ...e.diagnostics])).toEqual({
      // the profit-sharing pages declare TRANSACTION.SUCCESS beside their own event: a union
      'info:event-on-several-pages': 3,
      'info:redirect-stub': 8,
      // the cross-border pay notifications: the reply carries the merchant's Authorization signature
      'info:reply-with-headers': 2,
      'info:segment-named-like-verb': 5,
      'info:several-methods-without-mix': 1,
      'info:unknown-top-level-key': 7,
      'info:unterminated-code-group': 1,
      'repaired:encoded-by-attribute': 2,
      // encoded strings whose sample json_encodes a bare list (the table's one array row names the items)
      'repaired:encoded-list': 22,
      'repaired:enum-as-list': 28,
      // 102 HTTP status enums (20X|4XX|5XX); discount_mode's symbolic values are now enum-retyped
      'repaired:enum-type-mismatch': 102,
      'repaired:enum-retyped': 1,
      'repaired:indent-under-scalar': 1,
      'repaired:inner-structure-after-sibling': 2,
      'repaired:inner-structure-unmarked': 14,
      'repaired:missing-indent': 1,
      // the global merchant-service image upload: its table has no body, its samples send a stream
      'repaired:multipart-inferred': 1,
      // codegen/overrides.ts: RECHARGE.CLOSED rows out of place; order identifiers marked all required (3 pages)
      'repaired:override': 4,
      'repaired:path-param-missing': 6,
      'repaired:path-param-misspelled': 1,
      'repaired:required-in-type-cell': 4,
      // codegen/reconcile.ts: TRANSACTION.SUCCESS merged with the order-query answers; MCHWITHDRAW.CHANGE's original_data unwrapped
      'repaired:resource-reconciled': 1,
      'repaired:resource-scenarios-merged': 1,
      'repaired:separator-ignored': 1,
      'repaired:two-cell-row': 119,
      'repaired:type-alias': 1,
      'repaired:unescaped-pipe': 1,
      'skipped:index-table': 915,
    });
    // the only skipped rows are the two catalogue pages (openapi/index.md, webhook/index.md)
    expect(new Set(r.diagnostics.filter((x) => x.severity === 'skipped').map((x) => x.file))).toEqual(new Set(['openapi/index.md', 'webhook/index.md']));
    expect(r.diagnostics.some((x) => x.reason === 'parser-crash')).toBe(false);
  });

  it('models the seed endpoints', () => {
    const ep = (t: string) => r.model.endpoints.find((x) => x.template === t)!;
    const pause = ep('v3/marketing/favor/stocks/{stock_id}/pause');
    expect(pause.operations).toHaveLength(1);
    expect(pause.operations[0]!.request).toEqual({
      kind: 'json',
      fields: [
        { name: 'stock_id', type: 'string', required: true, label: expect.any(String), in: 'path' },
        { name: 'json', type: 'object', required: true, label: expect.any(String), children: [{ name: 'stock_creator_mchid', type: 'string', required: true, label: expect.any(String) }] },
      ],
    });
    expect(pause.operations[0]!.response.fields.map((f) => f.name)).toEqual(['pause_time', 'stock_id']);
    expect(ep('v3/marketing/favor/stocks/{stock_id}/start').operations[0]!.method).toBe('post');
    const stock = ep('v3/marketing/favor/coupon-stocks').operations[0]!;
    const json = stock.request.fields.find((f) => f.name === 'json')!;
    expect(json.children!.find((f) => f.name === 'stock_type')!.enum).toContain('NORMAL');
    expect(ep('v3/marketing/busifavor/coupons/deactivate').operations[0]!.response.fields.map((f) => f.name)).toContain('wechatpay_deactivate_time');
  });

  it('maps webhooks by event type, with the decrypted resource', () => {
    const w = r.model.webhooks.find((x) => x.source === 'webhook/v3/REFUND.SUCCESS.md')!;
    expect(w.events).toEqual(['REFUND.SUCCESS']);
    expect(w.resource!.map((f) => f.name)).toContain('out_refund_no');
    expect(r.model.webhooks.every((x) => x.events.length >= 1)).toBe(true);
    expect(r.model.webhooks.filter((x) => x.protocol === 'v3' && x.resource).length).toBeGreaterThan(80);
    expect(e.files.get('webhooks.ts')).toContain("'REFUND.SUCCESS': RefundSuccessResource;");
  });

  it('emits a Nodes entry for every path prefix, and Root for the first segments', () => {
    const nodes = e.files.get('nodes.ts')!;
    const prefixes = new Set<string>();
    for (const x of r.model.endpoints) {
      const segs = x.template.split('/');
      for (let i = 1; i <= segs.length; i++) prefixes.add(segs.slice(0, i).join('/'));
    }
    const m = /export interface Nodes \{([\s\S]*?)\n\}/.exec(nodes)!;
    const keys = [...m[1]!.matchAll(/^ {2}'([^']+)': /gm)].map((x) => x[1]);
    expect(new Set(keys)).toEqual(prefixes);
    expect(nodes).toMatch(/export interface Root \{\n {2}readonly v2: \w+;\n {2}readonly v3: \w+;\n\}/);
  });

  it('is deterministic, and src/generated/ is up to date (npm run codegen:check)', () => {
    // a second parse + unformatted emit gives the same text as the first model unformatted;
    // the on-disk comparison below checks byte-identity with an earlier, separate CLI run
    const again = emit(parseCorpus(docs).model, { format: false });
    const first = emit(r.model, { format: false });
    for (const [name, content] of first.files) expect(again.files.get(name)).toBe(content);
    for (const [name, content] of e.files) {
      const onDisk = join(repo, 'src/generated', name);
      expect(existsSync(onDisk) && readFileSync(onDisk, 'utf8') === content ? name : `${name} differs: run npm run codegen`).toBe(name);
    }
    expect(JSON.parse(e.files.get('model.json')!).version).toBe(1);
  });
});
