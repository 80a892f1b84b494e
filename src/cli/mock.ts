// `wxpay-chain mock [--port 0] [--host 127.0.0.1] [--mode certificate|public-key|migrating]
// [--dir <folder>] [--fault …]… [--faults <file.json>]`: a local WeChat Pay until Ctrl-C. Writes
// the merchant key, the platform certificate and/or public key and a client config JSON into a
// folder (a new temporary one by default) and prints where.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { certifiedKey } from '../mock/identity.js';
import { webhookOf } from '../model.js';
import { StateFileError } from '../mock/state/ledger.js';
import { loadModel } from '../mock/model.js';
import { buildNotification, deliver } from '../mock/notify.js';
import { sampleBody } from '../mock/sample.js';
import { startMockServer, type MockMode, type MockServer } from '../mock/server.js';
import type { SandboxOptions } from '../mock/state/index.js';
import { nearest } from '../nearest.js';
import { describeRule, parseFault, parseFaultsFile, type FaultRule } from './faults.js';
import { UsageError } from './usage.js';
import { unreachable } from './network.js';
import { sandboxBanner, sandboxFlags, sandboxOptions } from './sandbox.js';
import { parseJson } from './json.js';
import { parseCommand, usage, type OptionSpecs } from './options.js';
import { printableIo, stdio, type CliIo } from './output.js';
import { report } from './report.js';
import { untilSignal } from '../until-signal.js';

const OPTIONS = {
  port: { type: 'string', arg: '<n>', help: 'port to listen on (default 0: any free port)' },
  host: { type: 'string', arg: '<addr>', help: 'address to listen on (default 127.0.0.1)' },
  mode: {
    type: 'string',
    arg: '<mode>',
    help: [
      'how the made-up merchant is answered: "certificate" (default: signed by',
      'the platform certificate), "public-key" (by the WeChat Pay public key, no',
      'certificate to download) or "migrating" (certificates listed, answers',
      'signed by the public key)',
    ].join('\n'),
  },
  dir: { type: 'string', arg: '<folder>', help: 'where to write keys and client.json (default: a new temporary folder,\nremoved on exit)' },
  'apiv3-key': { type: 'string', arg: '<key>', help: 'the APIv3 key (32 ASCII characters) v3/certificates encrypts under\n(default: made up)' },
  fault: {
    type: 'string',
    multiple: true,
    arg: '<spec>',
    help: [
      'make answers misbehave, as mock.fault() does (repeatable):',
      'KIND[=VALUE][:TEMPLATE[:TIMES]], KIND one of latency=<ms>,',
      'status=<4xx|5xx>, reset, truncate, bad-signature,',
      'stale-timestamp[=<seconds>], unknown-serial, signtest. With a TEMPLATE,',
      'every request to that route (or TIMES of them); without, the next TIMES',
      'requests (default 1). E.g.',
      '--fault bad-signature:v3/certificates',
      '--fault status=503:v3/pay/transactions/native:2 --fault latency=1500::3',
    ].join('\n'),
  },
  faults: {
    type: 'string',
    arg: '<file>',
    help: 'the same from a JSON file: [{ "kind": "status", "status": 503,\n"template": "…", "times": 2, "method": "POST" }, …] (fields as in\ndocs/mock.md, Faults)',
  },
  ...sandboxFlags,
} as const satisfies OptionSpecs;

const USAGE = usage(
  `usage: wxpay-chain mock [options]
       wxpay-chain mock notify <EVENT_TYPE> --to <url> [--dir <folder>] [--resource <file.json>]`,
  OPTIONS,
  {},
);

const MODES: readonly MockMode[] = ['certificate', 'public-key', 'migrating'];

export interface MockIo extends CliIo {
  /** Resolves when the server should stop (default: SIGINT or SIGTERM). */
  until?: (mock: MockServer) => Promise<void>;
}

export async function run(argv: string[], given: MockIo = stdio): Promise<number> {
  const io = printableIo(given);
  if (argv[0] === 'notify') return notify(argv.slice(1), io);
  const parsed = parseCommand('mock', argv, OPTIONS, USAGE, io, false);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  let port: number;
  let mode: MockMode;
  let rules: FaultRule[];
  let sandbox: SandboxOptions;
  try {
    port = values.port === undefined ? 0 : Number(values.port);
    if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535; got ${JSON.stringify(values.port)}`);
    mode = (values.mode ?? 'certificate') as MockMode;
    if (!MODES.includes(mode)) {
      const meant = nearest(mode, MODES);
      throw new UsageError(`--mode must be ${MODES.map((m) => `"${m}"`).join(', ')}; got ${JSON.stringify(values.mode)}${meant ? `: did you mean "${meant}"?` : ''}`);
    }
    rules = (values.fault ?? []).map(parseFault);
    if (values.faults) rules.push(...parseFaultsFile(readText(values.faults, '--faults'), values.faults));
    const options = sandboxOptions(values);
    if (typeof options === 'string') throw new UsageError(options);
    sandbox = options;
  } catch (error) {
    return report('mock', error, io);
  }
  let mock: MockServer;
  try {
    mock = await startMockServer({
      port,
      mode,
      ...(values.host ? { host: values.host } : {}),
      ...(values['apiv3-key'] ? { apiv3Key: values['apiv3-key'] } : {}),
      sandbox,
    });
  } catch (error) {
    // A state file the sandbox cannot read is the command line's to fix: exit status 2.
    return report('mock', error instanceof StateFileError ? new UsageError(error.message) : error, io);
  }
  for (const rule of rules) mock.fault(rule.fault, rule.scope);
  if (values['sample-bills']) mock.bills.samples = true;
  const dir = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'wxpay-chain-mock-'));
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const privateKey = write('apiclient_key.pem', mock.merchant.privateKeyPem);
  write('apiclient_cert.pem', mock.merchant.certificatePem);
  // What the client trusts: the platform certificate, the WeChat Pay public key, or (migrating) both.
  const certs: Record<string, string> = {};
  if (mode !== 'public-key') certs[mock.platform.serial] = pathToFileURL(write(`wechatpay_${mock.platform.serial}.pem`, mock.platform.certificatePem)).href;
  if (mode !== 'certificate') certs[mock.publicKey.id] = pathToFileURL(write(`${mock.publicKey.id}.pem`, mock.publicKey.publicKeyPem)).href;
  const config = write(
    'client.json',
    `${JSON.stringify(
      {
        mchid: mock.merchant.mchid,
        serial: mock.merchant.serial,
        privateKey: pathToFileURL(privateKey).href,
        certs,
        baseURL: mock.url,
        apiv2Key: mock.apiv2Key,
      },
      null,
      2,
    )}\n`,
  );
  const apiv3 = write('apiv3_key.txt', `${mock.apiv3Key}\n`);
  // What `wxpay-chain mock notify --dir` signs with: what this mock signs its notifications with.
  const signer = mode === 'certificate' ? { id: mock.platform.serial, pem: mock.platform.privateKeyPem } : { id: mock.publicKey.id, pem: mock.publicKey.privateKeyPem };
  write('signing.json', `${JSON.stringify({ id: signer.id, privateKey: pathToFileURL(write('signing_key.pem', signer.pem)).href }, null, 2)}\n`);
  const faults = rules.map((rule) => `fault: ${describeRule(rule)}\n`).join('');
  io.out(`mock WeChat Pay listening at ${mock.url}\nclient config: ${config}\nAPIv3 key: ${apiv3}\n${faults}${sandboxBanner(mock, sandbox)}(Ctrl-C to stop)\n`);
  await (io.until ?? untilSignal)(mock);
  await mock.close();
  // A folder this run made for itself holds keys nobody asked to keep: it goes with the mock.
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
  io.out(`mock WeChat Pay stopped after ${mock.requests.length} request(s)${values.dir ? '' : `; ${dir} removed`}\n`);
  return 0;
}

const NOTIFY_OPTIONS = {
  to: { type: 'string', arg: '<url>', help: 'your endpoint (required)' },
  dir: { type: 'string', arg: '<folder>', help: 'the --dir of a running `wxpay-chain mock`: its keys sign\n(default: new keys)' },
  resource: { type: 'string', arg: '<file.json>', help: "the resource to send (default: a sample shaped by the event's table)" },
} as const satisfies OptionSpecs;

const NOTIFY_USAGE = usage(
  `usage: wxpay-chain mock notify <EVENT_TYPE> --to <url> [--dir <folder>] [--resource <file.json>]

Sends one documented notification (e.g. TRANSACTION.SUCCESS) to your endpoint, its resource
encrypted under the APIv3 key and the envelope signed, as WeChat Pay does. With --dir, the keys
of a running \`wxpay-chain mock --dir <folder>\` are used, so a client configured from its
client.json trusts the notification; without it, new keys are made and written to a new folder.
Prints the HTTP status and body your endpoint answered; exits 0 on a 2XX answer.`,
  NOTIFY_OPTIONS,
  {},
);

async function notify(argv: string[], io: MockIo): Promise<number> {
  const parsed = parseCommand('mock notify', argv, NOTIFY_OPTIONS, NOTIFY_USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const eventType = positionals[0];
  let resource: unknown;
  let to: string;
  try {
    if (!eventType || positionals.length > 1) throw new UsageError(`give one event type, e.g. TRANSACTION.SUCCESS${positionals.length > 1 ? `; ${JSON.stringify(positionals[1])} is one too many` : ''}`);
    if (values.to === undefined) throw new UsageError('--to <url> is required: your endpoint');
    to = values.to;
    if (!/^https?:\/\/[^/]/i.test(to) || !URL.canParse(to)) throw new UsageError(`--to must be an http:// or https:// URL, got ${JSON.stringify(to)}`);
    const hook = webhookOf(loadModel().webhooks, eventType);
    if (!hook && !values.resource) throw new UsageError(`${eventType} is not a documented APIv3 notification type (pass --resource to send it anyway)`);
    resource = values.resource ? parseJson(readText(values.resource, '--resource'), `--resource ${values.resource}`) : sampleBody(hook?.resource ?? []);
  } catch (error) {
    return report('mock notify', error, io);
  }
  let dir = values.dir ? resolve(values.dir) : undefined;
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'wxpay-chain-notify-'));
    const platform = certifiedKey({ commonName: 'Tenpay.com Root CA' });
    writeFileSync(join(dir, 'apiv3_key.txt'), `${randomBytes(16).toString('hex')}\n`, { mode: 0o600 });
    const keyFile = join(dir, 'signing_key.pem');
    writeFileSync(keyFile, platform.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, `wechatpay_${platform.serial}.pem`), platform.certificatePem);
    writeFileSync(join(dir, 'signing.json'), `${JSON.stringify({ id: platform.serial, privateKey: pathToFileURL(keyFile).href }, null, 2)}\n`);
    io.out(`new keys in ${dir}: trust wechatpay_${platform.serial}.pem and the APIv3 key in apiv3_key.txt\n`);
  }
  let signer: { id: string; privateKey: ReturnType<typeof createPrivateKey> };
  let apiv3Key: string;
  try {
    const signing = JSON.parse(readFileSync(join(dir, 'signing.json'), 'utf8')) as { id: string; privateKey: string };
    signer = { id: signing.id, privateKey: createPrivateKey(readFileSync(fileURLToPath(signing.privateKey))) };
    apiv3Key = readFileSync(join(dir, 'apiv3_key.txt'), 'utf8').trim();
  } catch (error) {
    return report('mock notify', new UsageError(`--dir ${dir} does not hold a mock's signing.json, signing key and apiv3_key.txt (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`), io);
  }
  let answer: Awaited<ReturnType<typeof deliver>>;
  try {
    answer = await deliver(to, buildNotification({ eventType, resource, apiv3Key, signer }));
  } catch (error) {
    return report('mock notify', new Error(unreachable(to, error)), io);
  }
  io.out(`${eventType} → ${to}: ${answer.status}${answer.body ? ` ${answer.body}` : ''}\n`);
  return answer.status >= 200 && answer.status < 300 ? 0 : 1;
}

// A file named on the command line: its path in the error, as typed.
function readText(path: string, flag: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}
