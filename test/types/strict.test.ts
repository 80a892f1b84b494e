// The typings under a shop's strictest compiler options: test/types/strict/*.ts compiled with
// `noUncheckedIndexedAccess` and `exactOptionalPropertyTypes` on top of the project's settings.
// Only those files' own diagnostics count; every `@ts-expect-error` there must meet an error.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const dir = join(root, 'test/types/strict');
const STRICT: ts.CompilerOptions = { noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true };

function diagnostics(files: string[], extra?: { name: string; text: string }): string[] {
  const cfg = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, root);
  const options: ts.CompilerOptions = { ...cfg.options, ...STRICT, noEmit: true, types: ['node'] };
  const host = ts.createCompilerHost(options);
  if (extra) {
    const orig = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, onError, create) => (resolve(name) === extra.name ? ts.createSourceFile(name, extra.text, lang) : orig(name, lang, onError, create));
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => resolve(name) === extra.name || exists(name);
  }
  const all = extra ? [...files, extra.name] : files;
  const program = ts.createProgram(all, options, host);
  return all.flatMap((file) => {
    const sf = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map(
      (d) => `${file.slice(root.length + 1)}:${sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 200)}`,
    );
  });
}

test('the strict consumer files compile with zero diagnostics', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
  expect(files.length).toBeGreaterThan(0);
  expect(diagnostics(files)).toEqual([]);
});

test('can fail: the options are in force (an index signature read is possibly undefined)', () => {
  const name = join(dir, '__probe__.ts');
  const text = `declare const loose: { readonly [segment: string]: { readonly next: number } };\nexport const n: number = loose.v3.next;\n`;
  expect(diagnostics([], { name, text }).some((d) => d.includes('__probe__.ts:2') && (d.includes('TS2532') || d.includes('TS18048')))).toBe(true);
});
