// The published package, as a merchant installs it: build, `npm pack`, unpack into a project
// folder, then `import` from ESM and `require` from CommonJS and make a real signed call.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
// Inside the repository, so the unpacked package finds its dependencies in ./node_modules.
const project = join(root, '.tmp', 'pack-consumer');

beforeAll(() => {
  rmSync(project, { recursive: true, force: true });
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
  const npm = process.env.npm_execpath;
  const packArgs = ['pack', '--silent', '--pack-destination', project];
  const out = npm && npm.endsWith('.js') ? execFileSync(process.execPath, [npm, ...packArgs], { cwd: root }) : execFileSync('npm', packArgs, { cwd: root });
  const tarball = out.toString().trim().split('\n').pop()!;
  execFileSync('tar', ['-xzf', join(project, tarball), '-C', join(project, 'node_modules')]);
  execFileSync('mv', [join(project, 'node_modules', 'package'), join(project, 'node_modules', 'wxpay-chain')]);
}, 240_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

const consumer = (file: string, source: string): string => {
  writeFileSync(join(project, file), source);
  return execFileSync(process.execPath, [file], { cwd: project, timeout: 60_000 }).toString();
};

// The same script body for both module systems: start the packaged mock, call it in all styles.
const body = `
  const mock = await startMockServer();
  mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', (r) => ({ json: { stock_id: r.params.stock_id } }));
  const wxpay = new Wechatpay(mock.clientConfig);
  const options = { stock_id: 'S1', json: { stock_creator_mchid: '8956000' } };
  const answers = [
    await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(options),
    await wxpay.chain('v3/marketing/favor/stocks/{stock_id}/pause').postAsync(options),
    await wxpay['v3/marketing/favor/stocks/{stock_id}/pause'].post(options),
    // No route of the test's own: answered from the endpoint model shipped in the package.
    await wxpay.v3.marketing.favor.stocks._stock_id_.get({ stock_id: '9856000', query: { stock_creator_mchid: '8956000' } }),
  ];
  console.log(JSON.stringify(answers.map((a) => [a.status, a.verified, a.data.stock_id])), wxpay instanceof Wechatpay, typeof ParameterError, Wechatpay.name, ParameterError.name);
  await mock.close();
`;
const expected = '[[200,true,"S1"],[200,true,"S1"],[200,true,"S1"],[200,true,"9856000"]] true function Wechatpay ParameterError';

test('the tarball holds the built code, typings and README, and no sources or tests', () => {
  const files = readdirSync(join(project, 'node_modules', 'wxpay-chain'));
  expect(files.sort()).toEqual(expect.arrayContaining(['README.md', 'dist', 'package.json']));
  expect(files).not.toContain('src');
  expect(files).not.toContain('test');
  expect(readdirSync(join(project, 'node_modules', 'wxpay-chain', 'dist')).sort()).toEqual(['cjs', 'esm', 'types']);
});

test('ESM: import { Wechatpay } from "wxpay-chain"', () => {
  const out = consumer(
    'esm.mjs',
    `import { Wechatpay, ParameterError } from 'wxpay-chain';\nimport { startMockServer } from 'wxpay-chain/mock';\n${body}`,
  );
  expect(out.trim()).toBe(expected);
});

test('CommonJS: require("wxpay-chain")', () => {
  const out = consumer(
    'cjs.cjs',
    `const { Wechatpay, ParameterError } = require('wxpay-chain');\nconst { startMockServer } = require('wxpay-chain/mock');\n(async () => {${body}})();`,
  );
  expect(out.trim()).toBe(expected);
});

test('the command-line tool runs from the package: the dispatcher and each command it lists', () => {
  const bin = join(project, 'node_modules', 'wxpay-chain', 'dist', 'cjs', 'cli', 'index.js');
  const run = (...args: string[]): string => execFileSync(process.execPath, [bin, ...args], { cwd: project, timeout: 60_000 }).toString();
  expect(run('--help')).toMatch(/^usage: wxpay-chain <command>/);
  expect(run('certificates', '--help')).toMatch(/^usage: wxpay-chain certificates --mchid/);
  expect(run('mock', '--help')).toMatch(/^usage: wxpay-chain mock/);
});

test('the ES module and CommonJS builds hold the same files', () => {
  const dist = join(project, 'node_modules', 'wxpay-chain', 'dist');
  const list = (dir: string): string[] =>
    readdirSync(join(dist, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.js'))
      .map((e) => join(e.parentPath, e.name).slice(join(dist, dir).length))
      .sort();
  expect(list('cjs')).toEqual(list('esm'));
  expect(list('esm')).toEqual(expect.arrayContaining(['/index.js', '/mock/index.js', '/cli/index.js']));
});
