// What the CLI prints of a server's text never drives the terminal: escape sequences (a clipboard
// write, a window title, a screen clear) are shown as \x1b… text, in answers, error messages and
// the sandbox's replies. `sandbox --url` does not echo the URL's credentials, and a --json @file
// that cannot be read is a usage error (exit 2).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as request } from '../../src/cli/request.js';
import { run as sandbox } from '../../src/cli/sandbox.js';
import { printable } from '../../src/cli/output.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

const ESCAPES = '\x1b]52;c;ZXZpbA==\x07\x1b]0;owned\x07\x1b[2J\x9b31m';
const dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-out-'));
let mock: MockServer;
let config: string;
beforeAll(async () => {
  mock = await startMockServer({ sandbox: false });
  config = join(dir, 'client.json');
  writeFileSync(config, JSON.stringify(mock.clientConfig));
  mock.route('GET', 'v3/text', () => ({ raw: `plain ${ESCAPES} text`, headers: { 'Content-Type': 'text/plain' } }));
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, all: () => out.join('') + err.join('') };
}
const raw = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

test('an error answer\'s message and a text answer are printed with their escape sequences made visible', async () => {
  mock.fault({ kind: 'status', status: 400, code: 'PARAM_ERROR', message: `bad ${ESCAPES} input` }, { template: 'v3/certificates', times: 1 });
  const refused = capture();
  expect(await request(['get', 'v3/certificates', '--config', config], refused.io)).toBe(1);
  expect(refused.all()).toContain('PARAM_ERROR');
  expect(refused.all()).not.toMatch(raw);
  expect(refused.all()).toContain('\\x1b]52;c;ZXZpbA==\\x07');
  const text = capture();
  expect(await request(['get', 'v3/text', '--config', config], text.io)).toBe(0);
  expect(text.all()).toContain('plain \\x1b]52;');
  expect(text.all()).not.toMatch(raw);
});

test('--json @missing is a usage error: exit 2', async () => {
  const c = capture();
  expect(await request(['post', 'v3/pay/transactions/native', '--json', `@${join(dir, 'missing.json')}`, '--config', config], c.io)).toBe(2);
  expect(c.all()).toMatch(/--json: cannot read .*missing\.json/);
});

describe('sandbox', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(409, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: `order ${ESCAPES} is closed` })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('the mock\'s reply is printed with its escapes made visible', async () => {
    const c = capture();
    expect(await sandbox(['pay', 'T1', '--url', url], c.io)).toBe(1);
    expect(c.all()).toContain('order \\x1b]52;');
    expect(c.all()).not.toMatch(raw);
  });

  test('--url with credentials: they are not echoed when the mock cannot be reached', async () => {
    const c = capture();
    expect(await sandbox(['list', '--url', 'http://admin:hunter2@127.0.0.1:1/'], c.io)).toBe(1);
    expect(c.all()).toMatch(/no mock at http:\/\/\*\*\*@127\.0\.0\.1:1\//);
    expect(c.all()).not.toContain('hunter2');
    expect(c.all()).not.toContain('admin');
  });
});

test('printable(): C0 and C1 controls and DEL become \\xNN; newline and tab stay; other text is untouched', () => {
  expect(printable('a\x1b[31mb\x07\r\n\tc\x7f\x9b中文')).toBe('a\\x1b[31mb\\x07\\x0d\n\tc\\x7f\\x9b中文');
});
