// The one list of unsigned download endpoints matches the documentation: every documented
// file-stream response is on it, and nothing else is.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { unsignedTemplates } from '../../src/request/unsigned.js';
import { CORPUS as corpus, corpus as corpusNeed } from '../helpers/corpus.js';
import { describeWith } from '../helpers/needs.js';

function* markdown(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* markdown(path);
    else if (name.endsWith('.md')) yield path;
  }
}

describeWith(corpusNeed, 'unsigned downloads', () => {
  test('unsigned templates = documented APIv3 file-stream responses', () => {
    const streams: string[] = [];
    for (const file of markdown(join(corpus, 'openapi', 'v3'))) {
      const text = readFileSync(file, 'utf8');
      const response = text.slice(text.lastIndexOf('| 返回字典'));
      // A response table whose only row is a full-width "file stream" cell.
      if (/^\|\s*文件流[^|\n]*\{[^}]*colspan=3[^}]*\}\s*$/m.test(response)) {
        streams.push(relative(join(corpus, 'openapi'), file).replace(/\.md$/, '').split('\\').join('/'));
      }
    }
    expect(streams.length).toBeGreaterThan(0);
    expect([...unsignedTemplates()].sort()).toEqual(streams.sort());
  });
});
