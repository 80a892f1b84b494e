// One vocabulary across the commands: the same ways to give the configuration (--config, with
// relative file: URLs; WXPAY_CONFIG; the same WXPAY_* variables; the library's forms of a key),
// one spelling of the base URL (older ones kept as aliases, others answered with "did you mean"),
// usage errors that say where and what (the line and column of bad JSON, --param, a date that is
// no day, an option mistyped), said once, and the shared options listed alike in every --help.
// Against a mock on loopback, in-process and as real child processes.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';
import { run as bill } from '../../src/cli/bill.js';
import { run as certificates } from '../../src/cli/certificates.js';
import { run as doctor } from '../../src/cli/doctor.js';
import { main } from '../../src/cli/main.js';
import { run as mockCommand } from '../../src/cli/mock.js';
import { run as request } from '../../src/cli/request.js';
import { run as sandbox } from '../../src/cli/sandbox.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { runCli } from '../helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-vocabulary-'));
let mock: MockServer;
/** The mock's configuration as a file whose keys are relative file: URLs beside it. */
let configFile: string;
let platformSerial: string;
const MCHID = '1900000001';

beforeAll(async () => {
  mock = await startMockServer();
  mock.bills.samples = true;
  platformSerial = mock.platform.serial;
  writeFileSync(join(dir, 'apiclient_key.pem'), mock.merchant.privateKeyPem);
  writeFileSync(join(dir, 'platform.pem'), mock.platform.certificatePem);
  configFile = join(dir, 'client.json');
  writeFileSync(configFile, JSON.stringify({ mchid: MCHID, serial: mock.merchant.serial, privateKey: 'file:apiclient_key.pem', certs: { [platformSerial]: 'file:./platform.pem' }, baseURL: mock.url }, null, 2));
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

function capture(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env }, out: () => out.join(''), err: () => err.join('') };
}

/** The mock merchant's settings as environment variables, the key as `privateKey`. */
function environment(privateKey: string): NodeJS.ProcessEnv {
  return { WXPAY_MCHID: MCHID, WXPAY_SERIAL: mock.merchant.serial, WXPAY_PRIVATE_KEY: privateKey, WXPAY_CERTS: JSON.stringify({ [platformSerial]: mock.platform.certificatePem }), WXPAY_BASE_URL: mock.url };
}

const query = ['--query', `mchid=${MCHID}`];

describe('one way to give the configuration', () => {
  test('--config with relative file: URLs serves request, bill, doctor, certificates and sandbox alike', async () => {
    const r = capture();
    expect(await request(['get', 'v3/certificates', '--config', configFile], r.io)).toBe(0);
    expect(r.out()).toMatch(/^HTTP 200 \(verified/);

    const b = capture();
    expect(await bill(['trade', '--date', '2024-06-01', '--out', join(dir, 'trade.csv'), '--config', configFile], b.io)).toBe(0);
    expect(b.out()).toContain('trade.csv: ');

    const d = capture();
    expect(await doctor(['--config', configFile], d.io)).toBe(0);
    expect(d.out()).toContain(`platform certificate ${platformSerial}`);

    // The file has no apiv3Key (the mock's client.json keeps it apart): the environment fills it.
    const c = capture({ WXPAY_APIV3_KEY: mock.apiv3Key });
    expect(await certificates(['--config', configFile], c.io)).toBe(0);
    expect(c.err()).toBe('');
    expect(c.out()).toMatch(new RegExp(`^${platformSerial}  `));

    const s = capture();
    expect(await sandbox(['list', '--config', configFile], s.io)).toBe(0);
    expect(JSON.parse(s.out())).toHaveProperty('orders');
  });

  test('WXPAY_CONFIG names the same file for every command', async () => {
    for (const [name, run, argv] of [
      ['request', request, ['get', 'v3/certificates']],
      ['doctor', doctor, []],
      ['sandbox', sandbox, ['list']],
      ['certificates', certificates, []],
    ] as const) {
      const c = capture({ WXPAY_CONFIG: configFile, WXPAY_APIV3_KEY: mock.apiv3Key });
      expect([name, await run([...argv], c.io), c.err()]).toEqual([name, 0, '']);
    }
  });

  test('the same WXPAY_* variables everywhere, privateKey as PEM text or a file:// URL, pkcs12 as a file:// URL', async () => {
    const pem = capture({ ...environment(mock.merchant.privateKeyPem), WXPAY_APIV3_KEY: mock.apiv3Key });
    expect(await certificates(['--out', join(dir, 'certs')], pem.io)).toBe(0);
    expect(new X509Certificate(readFileSync(join(dir, 'certs', `wechatpay_${platformSerial}.pem`))).serialNumber).toBe(platformSerial);

    const url = pathToFileURL(join(dir, 'apiclient_key.pem')).href;
    for (const run of [request, doctor]) {
      const c = capture(environment(url));
      expect(await run(run === request ? ['get', 'v3/certificates'] : [], c.io)).toBe(0);
    }
    const s = capture({ WXPAY_BASE_URL: mock.url });
    expect(await sandbox(['list'], s.io)).toBe(0);

    const bundle = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(mock.merchant.privateKeyPem), [forge.pki.certificateFromPem(mock.merchant.certificatePem)], 'secret', { algorithm: '3des' });
    writeFileSync(join(dir, 'apiclient_cert.p12'), Buffer.from(forge.asn1.toDer(bundle).getBytes(), 'binary'));
    const { WXPAY_PRIVATE_KEY: _key, WXPAY_SERIAL: _serial, ...rest } = environment('');
    const p12 = capture({ ...rest, WXPAY_PKCS12: pathToFileURL(join(dir, 'apiclient_cert.p12')).href, WXPAY_PKCS12_PASSPHRASE: 'secret' });
    expect(await request(['get', 'v3/certificates'], p12.io)).toBe(0);
    expect(p12.err()).toBe('');
  });

  test('a flag over the file, the file over the environment', async () => {
    // The environment's mchid and key are another merchant's: the file's are used.
    const c = capture({ WXPAY_MCHID: '1230000109', WXPAY_PRIVATE_KEY: 'file:///nowhere/key.pem', WXPAY_BASE_URL: 'http://127.0.0.1:9/' });
    expect(await request(['get', 'v3/certificates', '--config', configFile], c.io)).toBe(0);
    // certificates' own flags over both.
    const f = capture({ WXPAY_APIV3_KEY: 'Q'.repeat(32) });
    expect(await certificates(['--config', configFile, '--apiv3-key', mock.apiv3Key], f.io)).toBe(0);
  });
});

describe('one spelling of the base URL', () => {
  const elsewhere = join(dir, 'elsewhere.json');
  beforeAll(() => writeFileSync(elsewhere, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), baseURL: 'http://127.0.0.1:9/' })));

  test('--base-url over the configuration, in every command', async () => {
    const r = capture();
    expect(await request(['get', 'v3/certificates', '--config', elsewhere, '--base-url', mock.url], r.io)).toBe(0);
    const d = capture();
    expect(await doctor(['--config', elsewhere, '--base-url', mock.url, '--online', '--json'], d.io)).toBe(0);
    expect(JSON.parse(d.out())).toMatchObject({ ok: true, baseURL: mock.url });
    const c = capture({ WXPAY_APIV3_KEY: mock.apiv3Key });
    expect(await certificates(['--config', elsewhere, '--base-url', mock.url], c.io)).toBe(0);
    const b = capture();
    expect(await bill(['statement', '--date', '2024-06-01', '--out', join(dir, 'statement.csv'), '--config', elsewhere, '--base-url', mock.url], b.io)).toBe(0);
    const s = capture();
    expect(await sandbox(['list', '--config', elsewhere, '--base-url', mock.url], s.io)).toBe(0);
  });

  test('older spellings stay as aliases (sandbox --url, bill --base-uri); others get "did you mean"', async () => {
    const s = capture();
    expect(await sandbox(['list', '--url', mock.url], s.io)).toBe(0);
    const b = capture();
    expect(await bill(['statement', '--date', '2024-06-01', '--out', join(dir, 'statement2.csv'), '--config', elsewhere, '--base-uri', mock.url], b.io)).toBe(0);
    const both = capture();
    expect(await sandbox(['list', '--url', mock.url, '--base-url', mock.url], both.io)).toBe(2);
    expect(both.err()).toBe('wxpay-chain sandbox: --url and --base-url are the same option: give one\n');
    for (const [run, typed] of [
      [request, '--url'],
      [doctor, '--base-uri'],
      [certificates, '--baseurl'],
    ] as const) {
      const c = capture();
      expect(await run([typed, mock.url], c.io)).toBe(2);
      expect(c.err()).toMatch(new RegExp(`^wxpay-chain [a-z]+: unknown option ${typed}; did you mean --base-url\\?\\n`));
    }
  });
});

describe('usage errors say where and what', () => {
  test('bad JSON: its line and column, in --json, a --json @file, a config file and WXPAY_CERTS; no secret quoted', async () => {
    const before = mock.requests.length;
    const inline = capture();
    expect(await request(['post', 'v3/pay/transactions/native', '--json', '{"appid": "wx1", }', '--config', configFile], inline.io)).toBe(2);
    expect(inline.err()).toBe('wxpay-chain request: --json: not JSON: a comma before } (JSON has no trailing commas) at line 1, column 16\n');

    const body = join(dir, 'order.json');
    writeFileSync(body, '{\n  "appid": "wx1",\n  "amount": { "total": 1 \n}\n');
    const file = capture();
    expect(await request(['post', 'v3/pay/transactions/native', '--json', `@${body}`, '--config', configFile], file.io)).toBe(2);
    expect(file.err()).toBe(`wxpay-chain request: --json @${body}: not JSON: the text ends early (a {, [ or " left open?) at line 5, column 1\n`);

    const secret = 'S3cretApiV3Key0123456789abcdefgh';
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, `{\n  "mchid": "${MCHID}",\n  "apiv3Key": "${secret}"\n  "serial": "x"\n}\n`);
    for (const [name, run] of [['doctor', doctor], ['request', request], ['certificates', certificates]] as const) {
      const c = capture();
      expect(await run([...(name === 'request' ? ['get', 'v3/certificates'] : []), '--config', broken], c.io)).toBe(2);
      expect(c.err()).toBe(`wxpay-chain ${name}: --config ${broken}: not JSON: unexpected "\\"" at line 4, column 3\n`);
      expect(c.err()).not.toContain(secret);
    }
    const certs = capture({ ...environment(mock.merchant.privateKeyPem), WXPAY_CERTS: `{"${platformSerial}": "-----BEGIN CERTIFICATE-----\nMII` });
    expect(await request(['get', 'v3/certificates'], certs.io)).toBe(2);
    expect(certs.err()).toBe('wxpay-chain request: WXPAY_CERTS: not JSON: a line break inside a string (write it as \\n) at line 1, column 74\n');
    expect(mock.requests.length).toBe(before);
  });

  test('--param: each {name} of the template, and nothing else (never an option such as json)', async () => {
    const before = mock.requests.length;
    const template = 'v3/pay/transactions/out-trade-no/{out_trade_no}';
    const cases: [string[], string][] = [
      [[], 'PATH has {out_trade_no}: give --param out_trade_no=…'],
      [['--param', 'out_trade=T1'], '--param out_trade: PATH has no {out_trade} (its {names}: out_trade_no; did you mean --param out_trade_no=…?); a query parameter is --query out_trade=…'],
      [['--param', 'out_trade_no=T1', '--param', 'json={}'], '--param json: PATH has no {json} (its {names}: out_trade_no); a query parameter is --query json=…'],
      [['--param', 'out_trade_no'], '--param takes name=value, e.g. --param out_trade_no=…; got "out_trade_no"'],
      [['--param', 'out_trade_no=A', '--param', 'out_trade_no=B'], '--param out_trade_no is given twice'],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      expect(await request(['get', template, ...argv, ...query, '--config', configFile], c.io)).toBe(2);
      expect(c.err()).toBe(`wxpay-chain request: ${message}\n`);
    }
    const plain = capture();
    expect(await request(['get', 'v3/certificates', '--param', 'id=1', '--config', configFile], plain.io)).toBe(2);
    expect(plain.err()).toBe('wxpay-chain request: --param id: PATH has no {id} (it has no {name} to fill); a query parameter is --query id=…\n');
    expect(mock.requests.length).toBe(before);
    const good = capture();
    expect(await request(['get', template, '--param', 'out_trade_no=NOPE', ...query, '--config', configFile], good.io)).toBe(1);
    expect(good.err()).toMatch(/^wxpay-chain request: HTTP 404 ORDER_NOT_EXIST: /);
  });

  test.each([
    ['2024-13-01', '--date 2024-13-01: there is no month 13 (YYYY-MM-DD: the month comes second, 01 to 12)'],
    ['2024/06/01', '--date 2024/06/01: write the day as YYYY-MM-DD, e.g. --date 2024-06-01'],
    ['20240601', '--date 20240601: write the day as YYYY-MM-DD, e.g. --date 2024-06-01'],
    ['2024/13/01', '--date 2024/13/01: write the day as YYYY-MM-DD, e.g. --date 2024-06-01'],
    ['2024-00-10', '--date 2024-00-10: there is no month 0 (YYYY-MM-DD: the month comes second, 01 to 12)'],
    ['2023-02-29', '--date 2023-02-29: 2023-02 has 28 days, not 29'],
    ['June 1', '--date June 1: write the day as YYYY-MM-DD, e.g. --date 2024-06-01'],
  ])('bill --date %s: exit 2, "%s", nothing sent', async (date, message) => {
    const before = mock.requests.length;
    const c = capture();
    expect(await bill(['trade', '--date', date, '--out', join(dir, 'never.csv'), '--config', configFile], c.io)).toBe(2);
    expect(c.err()).toBe(`wxpay-chain bill: ${message}\n`);
    expect(mock.requests.length).toBe(before);
  });

  test.each([
    ['request', ['get', 'v3/certificates', '--confg', 'x'], 'unknown option --confg; did you mean --config?', request],
    ['bill', ['trade', '--dat', '2024-06-01'], 'unknown option --dat; did you mean --date?', bill],
    ['certificates', ['--apiv3key', 'k'], 'unknown option --apiv3key; did you mean --apiv3-key?', certificates],
    ['sandbox', ['list', '--base-ur', 'http://x/'], 'unknown option --base-ur; did you mean --base-url?', sandbox],
    ['doctor', ['--jsn'], 'unknown option --jsn; did you mean --json?', doctor],
    ['mock', ['--prot', '0'], 'unknown option --prot; did you mean --port?', mockCommand],
    ['request', ['get', 'v3/certificates', '--apiv3-key', 'k'], 'unknown option --apiv3-key: request takes apiv3Key from the --config file or WXPAY_APIV3_KEY', request],
    ['request', ['get', 'v3/certificates', '--json'], '--json needs a value', request],
    ['bill', ['trade', '--gzip=yes'], '--gzip takes no value', bill],
    ['doctor', ['extra'], 'unexpected argument "extra": this command takes only options', doctor],
  ] as const)('%s %j: exit 2, %s, then the help', async (name, argv, message, run) => {
    const c = capture();
    expect(await run([...argv], c.io)).toBe(2);
    expect(c.err()).toMatch(new RegExp(`^wxpay-chain ${name}: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\\nusage: wxpay-chain ${name}`));
  });

  test('mock --mode and sandbox actions mistyped get "did you mean" too', async () => {
    const m = capture();
    expect(await mockCommand(['--mode', 'migrate'], m.io)).toBe(2);
    expect(m.err()).toBe('wxpay-chain mock: --mode must be "certificate", "public-key", "migrating"; got "migrate": did you mean "migrating"?\n');
    const s = capture();
    expect(await sandbox(['pya', 'A1', '--base-url', mock.url], s.io)).toBe(2);
    expect(s.err()).toBe('wxpay-chain sandbox: give an action: pay, fail, cancel, expire, redeliver, list; got "pya": did you mean pay?\n');
  });

  test('a message is said once: no prefix twice, no status and code twice', async () => {
    const state = join(dir, 'state.json');
    writeFileSync(state, '{"version": 99}');
    const m = capture();
    expect(await mockCommand(['--state', state], m.io)).toBe(2);
    expect(m.err()).toMatch(/^wxpay-chain mock: [^\n]*state file/);
    expect(m.err()).not.toMatch(/wxpay-chain [a-z]+: wxpay-chain/);
  });
});

test('every command lists the shared options the same way', async () => {
  const helps: Record<string, string> = {};
  for (const [name, run] of [['request', request], ['bill', bill], ['certificates', certificates], ['sandbox', sandbox], ['doctor', doctor], ['mock', mockCommand]] as const) {
    const c = capture();
    expect(await run(['--help'], c.io)).toBe(0);
    helps[name] = c.out();
  }
  const block = (text: string) => text.slice(text.indexOf('\nshared options:\n')).split('\n\n')[0]!.trimEnd();
  const shared = block(helps.request!);
  expect(shared).toMatch(/^\nshared options:\n {2}--config <file> {9}the client configuration/);
  expect(shared).toMatch(/\n {2}--base-url <url> {8}where requests go/);
  expect(shared).toMatch(/\n {2}-h, --help {14}this text$/);
  for (const name of ['doctor', 'certificates']) expect(block(helps[name]!)).toBe(shared);
  // The older spellings are listed under the option they stand for.
  const alias = (flag: string) => shared.replace('\n  -h, --help', `\n  ${flag.padEnd(24)}the same as --base-url\n  -h, --help`);
  expect(block(helps.sandbox!)).toBe(alias('--url <url>'));
  expect(block(helps.bill!)).toBe(alias('--base-uri <url>'));
  expect(block(helps.mock!)).toBe('\nshared options:\n  -h, --help              this text');
  for (const name of ['request', 'bill', 'certificates', 'doctor']) expect(helps[name]).toContain('WXPAY_MCHID, WXPAY_SERIAL, WXPAY_PRIVATE_KEY');
});

test('one IO for all: the dispatcher hands its outputs and environment to the command', async () => {
  const c = capture({ WXPAY_CONFIG: configFile });
  expect(await main(['request', 'get', 'v3/certificates'], c.io)).toBe(0);
  expect(c.out()).toMatch(/^HTTP 200 \(verified/);
  const s = capture({ WXPAY_BASE_URL: mock.url });
  expect(await main(['sandbox', 'list'], s.io)).toBe(0);
  expect(JSON.parse(s.out())).toHaveProperty('deliveries');
});

describe('as real child processes', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env });

  test('certificates from the environment alone, times in Beijing time', async () => {
    const ran = await cli(['certificates'], { ...environment(mock.merchant.privateKeyPem), WXPAY_APIV3_KEY: mock.apiv3Key });
    expect(ran.err).toBe('');
    expect(ran.out).toMatch(new RegExp(`^${platformSerial}  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00 → \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00\\n$`));
    expect(ran.code).toBe(0);
  }, 60_000);

  test('a refused call: one line, its status and code said once', async () => {
    const ran = await cli(['request', 'GET', 'v3/pay/transactions/out-trade-no/NOPE', ...query, '--config', 'client.json']);
    expect(ran.code).toBe(1);
    expect(ran.err).toMatch(/^wxpay-chain request: HTTP 404 ORDER_NOT_EXIST: [^\n]*\(verified: signed by WeChat Pay; Request-ID [^)]+\)\n$/);
    expect(ran.err.match(/404/g)).toHaveLength(1);
    expect(ran.out).toBe('');
  }, 60_000);

  test('a usage mistake: exit 2, one line naming it (and the help after a mistyped option)', async () => {
    const ran = await cli(['bill', 'trade', '--date', '2024-13-01', '--out', 'x.csv', '--config', 'client.json']);
    expect(ran.code).toBe(2);
    expect(ran.err).toBe('wxpay-chain bill: --date 2024-13-01: there is no month 13 (YYYY-MM-DD: the month comes second, 01 to 12)\n');
    const typo = await cli(['sandbox', 'list', '--ulr', mock.url]);
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/^wxpay-chain sandbox: unknown option --ulr; did you mean --base-url\?\n\nusage: wxpay-chain sandbox/);
  }, 60_000);
});
