// APIv2 answers are typed as they arrive: every XML answer the mock produces (one per documented
// APIv2 operation with an XML answer), read by the client's own XML reader, must be assignable to
// its generated response type. Checked by the TypeScript compiler on a generated file, so a field
// typed `number` that arrives as "1" is a compile error here.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import type { Model } from '../../codegen/model';
import { v2Answer } from '../../src/mock/v2.js';
import { fromXml } from '../../src/v2/xml.js';

const root = resolve(__dirname, '../..');
const model = JSON.parse(readFileSync(join(root, 'src/generated/model.json'), 'utf8')) as Model;

// XML answers of the snapshot's APIv2 operations (bill downloads answer CSV), and those with a number in them
const ANSWERS = 124;
const NUMERIC = 49;
// answers with a JSON-encoded field (typed Encoded<T>)
const ENCODED = 21;

function answers(): Array<{ template: string; method: string; data: Record<string, unknown>; encoded: Set<string> }> {
  const out = [];
  for (const e of model.endpoints) {
    for (const op of e.operations) {
      if (op.response.kind !== 'xml') continue;
      const body = v2Answer(e.template, op, {}, 'k'.repeat(32)).body;
      // indexed fields as WeChat Pay sends them (`coupon_fee_0`, not the documented `coupon_fee_$n`)
      const data = fromXml(body.toString());
      // JSON-encoded fields (Encoded<T>): their text is checked by writing it as jsonEncode(<its JSON>)
      const encoded = new Set(op.response.fields.filter((f) => f.encoded === 'by-json_encode' && f.children?.length).map((f) => f.name));
      if (data) out.push({ template: e.template, method: op.method, data, encoded });
    }
  }
  return out;
}

function literal(a: { data: Record<string, unknown>; encoded: Set<string> }): string {
  const members = Object.entries(a.data).map(([k, v]) => `${JSON.stringify(k)}: ${a.encoded.has(k) && typeof v === 'string' ? `jsonEncode(${JSON.stringify(JSON.parse(v))})` : JSON.stringify(v)}`);
  return `{ ${members.join(', ')} } as const`;
}

function diagnostics(text: string): string[] {
  const cfg = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, root);
  const options: ts.CompilerOptions = { ...cfg.options, noEmit: true, types: ['node'] };
  const name = join(root, 'test/types/__v2_answers__.ts');
  const host = ts.createCompilerHost(options);
  const orig = host.getSourceFile.bind(host);
  host.getSourceFile = (n, lang, onError, create) => (resolve(n) === name ? ts.createSourceFile(n, text, lang) : orig(n, lang, onError, create));
  const exists = host.fileExists.bind(host);
  host.fileExists = (n) => resolve(n) === name || exists(n);
  const program = ts.createProgram([name], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(-260)}`);
}

test('every APIv2 answer the mock produces type-checks against its generated response type', () => {
  const all = answers();
  // the APIv2 operations with an XML answer, bill downloads (CSV) aside
  expect(all.length).toBe(ANSWERS);
  // answers carrying a numeric field: each arrives as text
  const numeric = all.filter((a) => Object.values(a.data).some((v) => typeof v === 'string' && /^\d+$/.test(v)));
  expect(numeric.length).toBe(NUMERIC);
  expect(all.filter((a) => a.encoded.size).length).toBe(ENCODED);
  const lines = [`import type { Paths } from '../../src/generated/index.js';`, `import { jsonEncode } from '../../src/index.js';`];
  all.forEach((a, i) => {
    lines.push(`const a${i} = ${literal(a)};`);
    lines.push(`export const t${i}: Paths[${JSON.stringify(a.template)}][${JSON.stringify(a.method)}]['response'] = a${i};`);
  });
  const errors = diagnostics(lines.join('\n'));
  expect(errors).toEqual([]);
});

test('the check can fail: a number-typed answer is refused', () => {
  const errors = diagnostics(`import type { Paths } from '../../src/generated/index.js';
const a = { total_fee: 1 } as const;
export const t: Pick<Paths['v2/pay/orderquery']['post']['response'], 'total_fee'> = a;`);
  expect(errors).toHaveLength(1);
});
