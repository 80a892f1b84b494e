// An answer's enum is open (`'SUCCESS' | … | (string & {})`) and an editor still offers and shows
// the documented values: the language service's completions inside a string compared with the
// field, and its quick info over the field, for a top-level answer field, a nested object of a
// notification's resource, an APIv2 answer, and the currency a mainland order takes.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const file = join(root, 'test/types/__completion__.ts');
const text = `import type { WechatpayClient, WebhookEvents } from '../../src/index.js';
declare const wxpay: WechatpayClient;
declare const paid: Extract<WebhookEvents['TRANSACTION.SUCCESS'], { trade_state: unknown }>; // the payment (profit-sharing movements come under it too)
export async function f() {
  const { data } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'T1', query: { mchid: '1' } });
  const a = data.trade_state === 'SU';
  const b = paid.promotion_detail?.[0]?.scope === 'GL';
  const { data: v2 } = await wxpay.v2.pay.orderquery.post({ xml: { appid: 'a', mch_id: 'm', out_trade_no: 'o' } });
  const c = v2.trade_state === 'NO';
  await wxpay.v3.pay.transactions.native.post({ json: { appid: 'a', mchid: 'm', description: 'd', out_trade_no: 'o', notify_url: 'https://x/n', amount: { total: 1, currency: 'CN' } } });
  return [a, b, c];
}
`;

function service(): ts.LanguageService {
  const cfg = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, root);
  const options: ts.CompilerOptions = { ...cfg.options, noEmit: true, types: ['node'] };
  return ts.createLanguageService(
    {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [file],
      getScriptVersion: () => '1',
      getScriptSnapshot: (name) => (resolve(name) === file ? ts.ScriptSnapshot.fromString(text) : ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(readFileSync(name, 'utf8')) : undefined),
      getCurrentDirectory: () => root,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (name) => resolve(name) === file || ts.sys.fileExists(name),
      readFile: (name) => (resolve(name) === file ? text : ts.sys.readFile(name)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    },
    ts.createDocumentRegistry(),
  );
}

/** The position right after `marker` (its first occurrence). */
const after = (marker: string) => text.indexOf(marker) + marker.length;

let ls: ts.LanguageService;
beforeAll(() => {
  ls = service();
});

it.each([
  ['a top-level answer field (order query, values from the same query\'s other documented path)', "trade_state === 'SU", ['SUCCESS', 'NOTPAY', 'USERPAYING']],
  ['a nested object of a notification resource', "scope === 'GL", ['GLOBAL', 'SINGLE']],
  ['an APIv2 answer (text as it arrives)', "v2.trade_state === 'NO", ['SUCCESS', 'NOTPAY']],
  ['the currency of a mainland order', "currency: 'CN", ['CNY']],
])('%s: completion offers the documented values', (_what, marker, values) => {
  const names = (ls.getCompletionsAtPosition(file, after(marker as string), {})?.entries ?? []).map((e) => e.name);
  expect(names).toEqual(expect.arrayContaining(values as string[]));
});

it('quick info over the field shows the values and that others may come', () => {
  const info = ls.getQuickInfoAtPosition(file, text.indexOf('trade_state ===') + 2);
  const shown = ts.displayPartsToString(info?.displayParts);
  expect(shown).toContain('"SUCCESS"');
  expect(shown).toContain('"NOTPAY"');
  expect(shown).toContain('(string & {})');
});

it('can fail: a plain string field offers nothing', () => {
  const at = text.indexOf("out_trade_no: 'T1'") + "out_trade_no: '".length;
  expect(ls.getCompletionsAtPosition(file, at, {})?.entries ?? []).toEqual([]);
});
