// The command line explains itself: help listing every command, --version, a suggestion for a
// mistyped command, network errors naming the URL and the cause, paths (not file:// URLs) in
// messages, and the embedded mock's fault injection from `wxpay-chain mock`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run as certificates } from '../../src/cli/certificates.js';
import { COMMANDS, type CommandEntry } from '../../src/cli/commands.js';
import { describeRule, parseFault, parseFaultsFile } from '../../src/cli/faults.js';
import { UsageError } from '../../src/cli/usage.js';
import { help, main, nearest, version } from '../../src/cli/main.js';
import { run as mock } from '../../src/cli/mock.js';
import { ApiError, untyped, VerificationError, Wechatpay, type WechatpayConfig } from '../../src/index.js';
import { makeIdentities } from '../helpers/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env: {} }, text: () => ({ out: out.join(''), err: err.join('') }) };
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('the dispatcher', () => {
  test('--help lists every command of the table with its one-line summary, and exits 0', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    const text = c.text().out;
    expect(text).toMatch(/^usage: wxpay-chain <command> \[options\]\n/);
    expect(Object.keys(COMMANDS).length).toBeGreaterThanOrEqual(2);
    for (const [name, entry] of Object.entries(COMMANDS)) expect(text).toMatch(new RegExp(`^  ${name} +${entry.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(text).toContain('--version');
    expect(c.text().err).toBe('');
  });

  test('no command: the help on stderr, exit 2', async () => {
    const c = capture();
    expect(await main([], c.io)).toBe(2);
    expect(c.text().err).toBe(help());
  });

  test('--version prints the version from package.json', async () => {
    const c = capture();
    expect(await main(['--version'], c.io)).toBe(0);
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(c.text().out).toBe(`${pkg.version}\n`);
    expect(version(dir)).toBe('unknown'); // nothing named wxpay-chain above an unrelated folder
  });

  test.each([
    ['mokc', 'mock'],
    ['certificate', 'certificates'],
    ['cert', 'certificates'],
    ['Mock', 'mock'],
  ])('an unknown command %s suggests %s, exit 2', async (typed, meant) => {
    const c = capture();
    expect(await main([typed], c.io)).toBe(2);
    expect(c.text().err).toMatch(new RegExp(`^wxpay-chain: unknown command "${typed}"; did you mean "${meant}"\\?\\n\\nusage:`));
  });

  test('a command nothing like a known one gets no guess, only the list', async () => {
    const c = capture();
    expect(await main(['deploy-everything'], c.io)).toBe(2);
    expect(c.text().err).toMatch(/^wxpay-chain: unknown command "deploy-everything"\n\nusage:/);
    expect(nearest('constructor', Object.keys(COMMANDS))).toBeUndefined();
    expect(await main(['constructor'], capture().io)).toBe(2); // not an inherited property of the table
  });

  test('a command is one table entry: it is listed, loaded only when run, and gets the remaining arguments', async () => {
    const seen: string[][] = [];
    let loads = 0;
    const table: Record<string, CommandEntry> = {
      ...COMMANDS,
      echo: { summary: 'says what it got', load: async () => (loads++, { run: async (argv) => (seen.push(argv), 7) }) },
    };
    const c = capture();
    await main(['--help'], c.io, table);
    expect(c.text().out).toMatch(/^ {2}echo +says what it got$/m);
    expect(loads).toBe(0);
    expect(await main(['echo', '--x', 'y'], capture().io, table)).toBe(7);
    expect(seen).toEqual([['--x', 'y']]);
  });

  test('the real entries load modules that run', async () => {
    for (const entry of Object.values(COMMANDS)) expect(typeof (await entry.load()).run).toBe('function');
  });
});

describe('messages that fit the command line', () => {
  const { merchant } = makeIdentities();
  const keyFile = join(dir, 'apiclient_key.pem');
  writeFileSync(keyFile, merchant.privateKeyPem);
  const base = ['--mchid', '1900000001', '--serial', merchant.serial, '--apiv3-key', 'a'.repeat(32)];

  test('certificates --key with a missing file names the path as typed, with no file:// advice (exit 2)', async () => {
    const c = capture();
    const missing = join(dir, 'nope', 'apiclient_key.pem');
    expect(await certificates([...base, '--key', missing], c.io)).toBe(2);
    expect(c.text().err).toBe(`wxpay-chain certificates: --key ${missing}: no such file\n`);
  });

  test('certificates --key with a file that is no key says --key, not privateKey or file://', async () => {
    const c = capture();
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    expect(await certificates([...base, '--key', junk], c.io)).toBe(1);
    expect(c.text().err).toMatch(/^wxpay-chain certificates: CONFIG_ERROR: --key: not a PEM private key/);
    expect(c.text().err).not.toContain('file://');
  });

  test('certificates against a closed port names the URL and the cause', async () => {
    const port = await closedPort();
    const c = capture();
    expect(await certificates([...base, '--key', keyFile, '--base-url', `http://127.0.0.1:${port}/`], c.io)).toBe(1);
    expect(c.text().err).toBe(`wxpay-chain certificates: cannot reach http://127.0.0.1:${port}/v3/certificates: request failed before a response arrived: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})\n`);
  });

  test('mock notify to a closed port names the URL and the cause (not just "fetch failed")', async () => {
    const port = await closedPort();
    const c = capture();
    const to = `http://127.0.0.1:${port}/wxpay/notify`;
    expect(await mock(['notify', 'REFUND.SUCCESS', '--to', to], c.io)).toBe(1);
    expect(c.text().err).toBe(`wxpay-chain mock notify: cannot reach ${to}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  test('mock notify --to that is not a URL, or a --resource that is missing, is a usage error naming it', async () => {
    const c = capture();
    expect(await mock(['notify', 'REFUND.SUCCESS', '--to', 'localhost:3000/notify'], c.io)).toBe(2);
    expect(c.text().err).toContain('--to must be an http:// or https:// URL, got "localhost:3000/notify"');
    const r = capture();
    expect(await mock(['notify', 'REFUND.SUCCESS', '--to', 'http://127.0.0.1:1/', '--resource', 'missing.json'], r.io)).toBe(2);
    expect(r.text().err).toBe('wxpay-chain mock notify: --resource missing.json: cannot read it (ENOENT)\n');
  });
});

describe('wxpay-chain mock --fault / --faults', () => {
  test('a fault spec reads as KIND[=VALUE][:TEMPLATE[:TIMES]]', () => {
    expect(parseFault('bad-signature')).toEqual({ fault: { kind: 'bad-signature' }, scope: {} });
    expect(parseFault('status=503:v3/pay/transactions/native:2')).toEqual({ fault: { kind: 'status', status: 503 }, scope: { template: 'v3/pay/transactions/native', times: 2 } });
    expect(parseFault('latency=1500::3')).toEqual({ fault: { kind: 'latency', ms: 1500 }, scope: { times: 3 } });
    expect(parseFault('stale-timestamp=900:/v3/certificates')).toEqual({ fault: { kind: 'stale-timestamp', seconds: 900 }, scope: { template: 'v3/certificates' } });
    expect(describeRule(parseFault('status=503:v3/pay/transactions/native:2'))).toBe('status (status=503) on v3/pay/transactions/native, 2 request(s)');
    expect(describeRule(parseFault('reset:v3/certificates'))).toBe('reset on v3/certificates, every request');
  });

  test.each([
    ['nope', /unknown fault "nope"; one of latency, status, reset, truncate, bad-signature, stale-timestamp, unknown-serial, signtest/],
    ['latency', /latency needs its milliseconds/],
    ['reset=3', /reset takes no =VALUE/],
    ['status=200', /status must be from 400 to 599/],
    ['status=5xx', /status must be a whole number/],
    ['reset::0', /TIMES must be a whole number of at least 1/],
    ['reset:a:1:2', /expected KIND\[=VALUE\]\[:TEMPLATE\[:TIMES\]\]/],
  ])('--fault %s is refused: %s', (spec, why) => {
    expect(() => parseFault(spec)).toThrow(UsageError);
    expect(() => parseFault(spec)).toThrow(why);
  });

  test('a faults file is an array of { kind, …fields, template?, method?, times? }, each entry checked', () => {
    expect(parseFaultsFile('[{ "kind": "status", "status": 503, "code": "SYSTEM_ERROR", "template": "v3/certificates", "method": "get", "times": 2 }]', 'f.json')).toEqual([
      { fault: { kind: 'status', status: 503, code: 'SYSTEM_ERROR' }, scope: { template: 'v3/certificates', method: 'GET', times: 2 } },
    ]);
    expect(() => parseFaultsFile('{}', 'f.json')).toThrow('f.json: expected an array of faults');
    expect(() => parseFaultsFile('[{ "kind": "reset", "ms": 3 }]', 'f.json')).toThrow('f.json[0]: reset takes no "ms"');
    expect(() => parseFaultsFile('[{ "kind": "status", "unsigned": "yes" }]', 'f.json')).toThrow('f.json[0]: unsigned must be true or false');
    expect(() => parseFaultsFile('[{ "kind": "reset", "method": "TRACE" }]', 'f.json')).toThrow('f.json[0]: method must be');
    expect(() => parseFaultsFile('nope', 'f.json')).toThrow(/^f\.json: not JSON/);
  });

  test('bad fault options exit 2 before the mock starts, saying which', async () => {
    const c = capture();
    expect(await mock(['--fault', 'bad-signatur'], c.io)).toBe(2);
    expect(c.text().err).toMatch(/^wxpay-chain mock: --fault bad-signatur: unknown fault "bad-signatur"/);
    const f = capture();
    expect(await mock(['--faults', join(dir, 'none.json')], f.io)).toBe(2);
    expect(f.text().err).toBe(`wxpay-chain mock: --faults ${join(dir, 'none.json')}: cannot read it (ENOENT)\n`);
  });

  test('the running mock injects them: a flag fault on one route, a file fault on the next request, both announced', async () => {
    const faults = join(dir, 'faults.json');
    writeFileSync(faults, JSON.stringify([{ kind: 'status', status: 503, code: 'SYSTEM_ERROR', times: 1 }]));
    const c = capture();
    const seen: unknown[] = [];
    const code = await mock(['--dir', join(dir, 'mock'), '--fault', 'bad-signature:v3/marketing/favor/stocks/{stock_id}/pause', '--faults', faults], {
      ...c.io,
      until: async () => {
        const file = /client config: (.+)\n/.exec(c.text().out)![1]!;
        // retry: false, so each injected fault is seen by exactly one call.
        const wxpay = untyped(new Wechatpay({ ...(JSON.parse(readFileSync(file, 'utf8')) as WechatpayConfig), retry: false }));
        const get = () => wxpay.v3.marketing.favor.stocks._stock_id_.get({ stock_id: 'S1', query: { stock_creator_mchid: '1' } });
        const pause = () => wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: { stock_creator_mchid: '1' } });
        for (const call of [get, get, pause, pause]) seen.push(await call().then((r) => r.status, (e: unknown) => e));
      },
    });
    expect(code).toBe(0);
    expect(seen[0]).toBeInstanceOf(ApiError);
    expect(seen[0]).toMatchObject({ httpStatus: 503, code: 'SYSTEM_ERROR' });
    expect(seen[1]).toBe(200); // the file's fault was for one request
    for (const e of seen.slice(2)) expect(e).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(seen[2]).toBeInstanceOf(VerificationError);
    expect(c.text().out).toContain('fault: bad-signature on v3/marketing/favor/stocks/{stock_id}/pause, every request\n');
    expect(c.text().out).toContain('fault: status (status=503, code=SYSTEM_ERROR) on any route, 1 request(s)\n');
  });
});
