// A fresh clone has no ../shared beside it: the corpus suites must skip with one line saying what
// the corpus is and how to get it, and must fail instead where CI demands everything. Checked on
// real child jest runs with the corpus made invisible (WXPAY_CORPUS pointing at nothing).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CORPUS_COMMIT, corpusNeed, corpusPath } from '../helpers/corpus.js';

const root = resolve(__dirname, '../..');
const SUITES = ['test/client/unsigned.test.ts', 'test/codegen/corpus.test.ts', 'test/conformance/conformance.test.ts'];
const TITLES = ['unsigned downloads', 'the documentation corpus', 'conformance over the corpus'];

function jest(env: Record<string, string>, ...args: string[]) {
  const { WXPAY_REQUIRE_ALL: _, ...parent } = process.env;
  const r = spawnSync(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--ci', ...args], {
    cwd: root,
    env: { ...parent, WXPAY_CORPUS: join(tmpdir(), 'wxpay-no-corpus-here'), ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('without the corpus, every corpus suite skips with one line naming the corpus, where it was looked for and the commit to clone', () => {
  const r = jest({}, ...SUITES);
  expect(r.status).toBe(0);
  for (const title of TITLES) {
    const lines = r.out.split('\n').filter((l) => l.startsWith(`[skip] ${title}: the WeChat Pay documentation corpus not found.`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('wxpay-no-corpus-here');
    expect(lines[0]).toContain(`github.com/wechatpay-im/website && git -C website checkout ${CORPUS_COMMIT}`);
  }
  expect(r.out).toMatch(/Tests: +\d+ skipped, \d+ total/);
}, 150_000);

test('without the corpus under WXPAY_REQUIRE_ALL=1 (as .ci/run sets), each corpus suite fails', () => {
  const r = jest({ WXPAY_REQUIRE_ALL: '1' }, ...SUITES);
  expect(r.status).not.toBe(0);
  expect(r.out).toMatch(/Tests: +3 failed, 3 total/);
  for (const title of TITLES) expect(r.out).toContain(`${title}: the WeChat Pay documentation corpus not found.`);
}, 150_000);

test('.ci/run stops before installing anything when the corpus is missing, saying how to get it', () => {
  const r = spawnSync('bash', [join(root, '.ci/run')], { cwd: root, env: { ...process.env, WXPAY_CORPUS: '/nonexistent/corpus' }, encoding: 'utf8', timeout: 30_000 });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('documentation corpus (openapi/ and webhook/) is not in /nonexistent/corpus');
  expect(r.stderr).toContain(CORPUS_COMMIT);
  expect(r.stdout).not.toContain('== node'); // nothing ran
});

test('the corpus is found through WXPAY_CORPUS, and a folder is one when it holds openapi/ and webhook/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-corpus-'));
  try {
    expect(corpusPath({ WXPAY_CORPUS: dir })).toBe(dir);
    expect(corpusPath({})).toBe(resolve(root, '../shared/corpus/wechatpay-docs-35a35c5'));
    mkdirSync(join(dir, 'openapi'));
    expect(corpusNeed(dir).present).toBe(false);
    mkdirSync(join(dir, 'webhook'));
    expect(corpusNeed(dir)).toMatchObject({ present: true, name: 'the WeChat Pay documentation corpus' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
