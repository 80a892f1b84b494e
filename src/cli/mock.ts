// `wxpay-chain mock [--port 0] [--host 127.0.0.1] [--mode certificate|public-key] [--dir <folder>]
// [--fault …]… [--faults <file.json>]`: a local WeChat Pay until Ctrl-C. Writes the merchant key, the platform certificate (or public
// key) and a client config JSON into a folder (a new temporary one by default) and prints where.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { certifiedKey } from '../mock/identity.js';
import { webhookOf } from '../model.js';
import { StateFileError } from '../mock/state/ledger.js';
import { printableIo } from './output.js';
import { loadModel } from '../mock/model.js';
import { buildNotification, deliver } from '../mock/notify.js';
import { sampleBody } from '../mock/sample.js';
import { startMockServer, type MockServer } from '../mock/server.js';
import { describeRule, parseFault, parseFaultsFile, type FaultRule } from './faults.js';
import { UsageError } from './usage.js';
import { unreachable } from './network.js';
import { SANDBOX_USAGE, sandboxBanner, sandboxFlags, sandboxOptions } from './sandbox.js';
import { untilSignal } from '../until-signal.js';

const USAGE = `usage: wxpay-chain mock [options]
       wxpay-chain mock notify <EVENT_TYPE> --to <url> [--dir <folder>] [--resource <file.json>]

  --port <n>          port to listen on (default 0: any free port)
  --host <addr>       address to listen on (default 127.0.0.1)
  --mode <mode>       sign answers with the platform "certificate" (default) or the WeChat Pay "public-key"
  --dir <folder>      where to write keys and client.json (default: a new temporary folder, removed on exit)
  --apiv3-key <key>   the APIv3 key (32 ASCII characters) v3/certificates encrypts under (default: made up)
  --fault <spec>      make answers misbehave, as mock.fault() does (repeatable):
                      KIND[=VALUE][:TEMPLATE[:TIMES]], KIND one of latency=<ms>, status=<4xx|5xx>, reset,
                      truncate, bad-signature, stale-timestamp[=<seconds>], unknown-serial, signtest.
                      With a TEMPLATE, every request to that route (or TIMES of them); without, the next
                      TIMES requests (default 1). E.g. --fault bad-signature:v3/certificates
                      --fault status=503:v3/pay/transactions/native:2 --fault latency=1500::3
  --faults <file>     the same from a JSON file: [{ "kind": "status", "status": 503, "template": "…",
                      "times": 2, "method": "POST" }, …] (fields as in docs/mock.md, Faults)
${SANDBOX_USAGE}  -h, --help          this text
`;

export interface RunIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves when the server should stop (default: SIGINT or SIGTERM). */
  until?: (mock: MockServer) => Promise<void>;
}

const defaultIo: RunIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function run(argv: string[], given: RunIo = defaultIo): Promise<number> {
  const io = printableIo(given);
  if (argv[0] === 'notify') return notify(argv.slice(1), io);
  let values: { port?: string; host?: string; mode?: string; dir?: string; 'apiv3-key'?: string; fault?: string[]; faults?: string; help?: boolean; state?: string; 'time-factor'?: string; 'sample-bills'?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        mode: { type: 'string' },
        dir: { type: 'string' },
        'apiv3-key': { type: 'string' },
        fault: { type: 'string', multiple: true },
        faults: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...sandboxFlags,
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`wxpay-chain mock: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`wxpay-chain mock: --port must be an integer from 0 to 65535\n`);
    return 2;
  }
  const mode = values.mode ?? 'certificate';
  if (mode !== 'certificate' && mode !== 'public-key') {
    io.err(`wxpay-chain mock: --mode must be "certificate" or "public-key"\n`);
    return 2;
  }
  let rules: FaultRule[];
  try {
    rules = (values.fault ?? []).map(parseFault);
    if (values.faults) rules.push(...parseFaultsFile(readText(values.faults, '--faults'), values.faults));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`wxpay-chain mock: ${error.message}\n`);
    return 2;
  }
  const sandbox = sandboxOptions(values);
  if (typeof sandbox === 'string') {
    io.err(`wxpay-chain mock: ${sandbox}\n`);
    return 2;
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
    io.err(`wxpay-chain mock: ${(error as Error).message}\n`);
    return error instanceof StateFileError ? 2 : 1;
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
  const platformId = mode === 'public-key' ? mock.publicKey.id : mock.platform.serial;
  const platformFile =
    mode === 'public-key' ? write(`${mock.publicKey.id}.pem`, mock.publicKey.publicKeyPem) : write(`wechatpay_${mock.platform.serial}.pem`, mock.platform.certificatePem);
  const config = write(
    'client.json',
    `${JSON.stringify(
      {
        mchid: mock.merchant.mchid,
        serial: mock.merchant.serial,
        privateKey: pathToFileURL(privateKey).href,
        certs: { [platformId]: pathToFileURL(platformFile).href },
        baseURL: mock.url,
        apiv2Key: mock.apiv2Key,
      },
      null,
      2,
    )}\n`,
  );
  const apiv3 = write('apiv3_key.txt', `${mock.apiv3Key}\n`);
  // What `wxpay-chain mock notify --dir` signs with: this mock's own platform identity.
  const signingKey = mode === 'public-key' ? mock.publicKey.privateKeyPem : mock.platform.privateKeyPem;
  write('signing.json', `${JSON.stringify({ id: platformId, privateKey: pathToFileURL(write('signing_key.pem', signingKey)).href }, null, 2)}\n`);
  const faults = rules.map((rule) => `fault: ${describeRule(rule)}\n`).join('');
  io.out(`mock WeChat Pay listening at ${mock.url}\nclient config: ${config}\nAPIv3 key: ${apiv3}\n${faults}${sandboxBanner(mock, sandbox)}(Ctrl-C to stop)\n`);
  await (io.until ?? untilSignal)(mock);
  await mock.close();
  // A folder this run made for itself holds keys nobody asked to keep: it goes with the mock.
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
  io.out(`mock WeChat Pay stopped after ${mock.requests.length} request(s)${values.dir ? '' : `; ${dir} removed`}\n`);
  return 0;
}

const NOTIFY_USAGE = `usage: wxpay-chain mock notify <EVENT_TYPE> --to <url> [--dir <folder>] [--resource <file.json>]

Sends one documented notification (e.g. TRANSACTION.SUCCESS) to your endpoint, its resource
encrypted under the APIv3 key and the envelope signed, as WeChat Pay does. With --dir, the keys
of a running \`wxpay-chain mock --dir <folder>\` are used, so a client configured from its
client.json trusts the notification; without it, new keys are made and written to a new folder.
The resource is a sample shaped by the event's documented table, or the JSON in --resource.
Prints the HTTP status and body your endpoint answered; exits 0 on a 2XX answer.
`;

async function notify(argv: string[], io: RunIo): Promise<number> {
  let parsed: { values: { to?: string; dir?: string; resource?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { to: { type: 'string' }, dir: { type: 'string' }, resource: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    io.err(`wxpay-chain mock notify: ${(error as Error).message}\n${NOTIFY_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(NOTIFY_USAGE);
    return 0;
  }
  const eventType = positionals[0];
  if (!eventType || !values.to || positionals.length > 1) {
    io.err(`wxpay-chain mock notify: give one event type and --to <url>\n${NOTIFY_USAGE}`);
    return 2;
  }
  if (!/^https?:\/\/[^/]/i.test(values.to) || !URL.canParse(values.to)) {
    io.err(`wxpay-chain mock notify: --to must be an http:// or https:// URL, got ${JSON.stringify(values.to)}\n`);
    return 2;
  }
  const hook = webhookOf(loadModel().webhooks, eventType);
  if (!hook && !values.resource) {
    io.err(`wxpay-chain mock notify: ${eventType} is not a documented APIv3 notification type (pass --resource to send it anyway)\n`);
    return 2;
  }
  let resource: unknown;
  try {
    resource = values.resource ? JSON.parse(readText(values.resource, '--resource')) : sampleBody(hook?.resource ?? []);
  } catch (error) {
    io.err(`wxpay-chain mock notify: ${error instanceof UsageError ? error.message : `--resource ${values.resource}: not JSON (${(error as Error).message})`}\n`);
    return 2;
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
    io.err(`wxpay-chain mock notify: ${dir} does not hold a mock's signing.json, signing key and apiv3_key.txt (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})\n`);
    return 2;
  }
  let answer: Awaited<ReturnType<typeof deliver>>;
  try {
    answer = await deliver(values.to, buildNotification({ eventType, resource, apiv3Key, signer }));
  } catch (error) {
    io.err(`wxpay-chain mock notify: ${unreachable(values.to, error)}\n`);
    return 1;
  }
  io.out(`${eventType} → ${values.to}: ${answer.status}${answer.body ? ` ${answer.body}` : ''}\n`);
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
