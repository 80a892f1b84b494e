// The README's "Test your integration offline" block is a real test file: it is written out with
// its imports pointed at this repository's sources and run by a child jest, as a merchant would
// run it. It sets no header by hand: the client fills Wechatpay-Serial itself.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

test("the README's test example runs green as written, with no hand-set Wechatpay-Serial", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /```ts\n(\/\/ payment\.test\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  expect(block).not.toContain('Wechatpay-Serial');
  const dir = join(root, '.tmp', `readme-example-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const source = block!
      .replace("from 'wxpay-chain/mock'", `from ${JSON.stringify(join(root, 'src/mock/index.ts'))}`)
      .replace("from 'wxpay-chain'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`);
    writeFileSync(join(dir, 'payment.test.ts'), source);
    const r = spawnSync(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--ci', '--rootDir', root, '--roots', dir, '--testMatch', '**/payment.test.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(`${r.stdout}${r.stderr}`).toMatch(/Tests: +4 passed, 4 total/);
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 150_000);
