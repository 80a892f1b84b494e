// Hover shows the docs: the TypeScript language service's quick info over the verb and the node,
// in the chain, attribute and declarative styles, carries the endpoint's label and @see link.
// (In the declarative style the node is a string literal argument, on which the language service
// offers no quick info at all; its verb carries the docs.)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const file = join(root, 'test/types/__hover__.ts');
const text = `import type { WechatpayClient } from '../../src/client-types.js';
declare const wxpay: WechatpayClient;
export const a = wxpay.v3.pay.transactions.native.post;
export const b = wxpay['v3/pay/transactions/native'].post;
export const c = wxpay.chain('v3/pay/transactions/native').post;
export const d = wxpay.v3.pay.transactions.native.postAsync;
`;

function service(): ts.LanguageService {
  const cfg = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, root);
  const options: ts.CompilerOptions = { ...cfg.options, noEmit: true, types: ['node'] };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      if (resolve(name) === file) return ts.ScriptSnapshot.fromString(text);
      return ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(readFileSync(name, 'utf8')) : undefined;
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => resolve(name) === file || ts.sys.fileExists(name),
    readFile: (name) => (resolve(name) === file ? text : ts.sys.readFile(name)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

const LABEL = 'Native下单';
const LINK = 'https://pay.weixin.qq.com/doc/v3/merchant/4012791877';

function hover(ls: ts.LanguageService, line: number, token: string, nth = 1): string {
  const lines = text.split('\n');
  let col = -1;
  for (let i = 0; i < nth; i++) col = lines[line - 1]!.indexOf(token, col + 1);
  if (col < 0) throw new Error(`no ${token} on line ${line}`);
  const pos = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col + 1;
  const info = ls.getQuickInfoAtPosition(file, pos);
  const docs = ts.displayPartsToString(info?.documentation);
  const tags = (info?.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`).join('\n');
  return `${docs}\n${tags}`;
}

describe('quick info (hover) over the verb and the node', () => {
  let ls: ts.LanguageService;
  beforeAll(() => {
    ls = service();
  });

  it.each([
    ['chain style, verb', 3, 'post'],
    ['chain style, node', 3, 'native'],
    ['attribute style, verb', 4, 'post'],
    ['attribute style, node', 4, "'v3/pay/transactions/native'"],
    ['declarative style, verb', 5, 'post'],
    ['an …Async verb', 6, 'postAsync'],
  ])('%s shows the label and the @see link', (_what, line, token) => {
    const shown = hover(ls, line as number, token as string);
    expect(shown).toContain(LABEL);
    expect(shown).toContain(`@see ${LINK}`);
  });

  it('can fail: a segment that is not an endpoint has no label', () => {
    expect(hover(ls, 3, 'transactions')).not.toContain(LABEL);
  });
});
