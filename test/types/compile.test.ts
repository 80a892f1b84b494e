// Compiles test/types/*.ts (not the *.test.ts files) with the TypeScript compiler API and asserts
// zero diagnostics. `@ts-expect-error` lines there must each meet an error: an unused directive
// (TS2578) is itself a diagnostic, so a type that silently became loose fails this test.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const dir = join(root, 'test/types');

function compile(files: string[], extra?: { name: string; text: string }) {
  const cfgPath = join(root, 'tsconfig.json');
  const cfg = ts.readConfigFile(cfgPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, root);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, types: ['node'] };
  const host = ts.createCompilerHost(options);
  if (extra) {
    const orig = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, onError, create) =>
      resolve(name) === resolve(extra.name) ? ts.createSourceFile(name, extra.text, lang) : orig(name, lang, onError, create);
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => resolve(name) === resolve(extra.name) || exists(name);
  }
  const program = ts.createProgram(extra ? [...files, extra.name] : files, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(root.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`;
  });
}

describe('type tests (test/types/*.ts)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort().map((f) => join(dir, f));

  it('finds the type test files', () => {
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(expect.arrayContaining(['catalogue.ts', 'seed-endpoints.ts']));
  });

  it('compiles with zero diagnostics, every @ts-expect-error meeting an error', () => {
    expect(compile(files)).toEqual([]);
  });

  it('can fail: a wrong enum value without the directive is reported', () => {
    const bad = join(dir, '__probe__.ts');
    const text = `import type { WechatpayClient } from '../../src/client-types.js';
declare const client: WechatpayClient;
export const p = client.v3.marketing.favor.couponStocks.post;
export const x: Parameters<typeof p>[0]['json']['stock_type'] = 'NOT_A_TYPE';
// @ts-expect-error
export const y: string = 'fine';
`;
    const diags = compile([], { name: bad, text });
    expect(diags.some((d) => d.includes('__probe__.ts:4') && d.includes('TS2322'))).toBe(true);
    expect(diags.some((d) => d.includes('__probe__.ts:5') && d.includes('TS2578'))).toBe(true);
  });
});
