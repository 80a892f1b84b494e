// `wxpay-chain mock [--port 0] [--host 127.0.0.1] [--mode certificate|public-key] [--dir <folder>]`:
// a local WeChat Pay until Ctrl-C. Writes the merchant key, the platform certificate (or public
// key) and a client config JSON into a folder (a new temporary one by default) and prints where.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startMockServer, type MockServer } from '../mock/server.js';

export const summary = 'run a local mock WeChat Pay (APIv3) on loopback until interrupted';

const USAGE = `usage: wxpay-chain mock [options]

  --port <n>          port to listen on (default 0: any free port)
  --host <addr>       address to listen on (default 127.0.0.1)
  --mode <mode>       sign answers with the platform "certificate" (default) or the WeChat Pay "public-key"
  --dir <folder>      where to write keys and client.json (default: a new temporary folder)
  --apiv3-key <key>   the APIv3 key (32 ASCII characters) v3/certificates encrypts under (default: made up)
  -h, --help          this text
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

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function run(argv: string[], io: RunIo = defaultIo): Promise<number> {
  let values: { port?: string; host?: string; mode?: string; dir?: string; 'apiv3-key'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        mode: { type: 'string' },
        dir: { type: 'string' },
        'apiv3-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
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
  let mock: MockServer;
  try {
    mock = await startMockServer({
      port,
      mode,
      ...(values.host ? { host: values.host } : {}),
      ...(values['apiv3-key'] ? { apiv3Key: values['apiv3-key'] } : {}),
    });
  } catch (error) {
    io.err(`wxpay-chain mock: ${(error as Error).message}\n`);
    return 1;
  }
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
      },
      null,
      2,
    )}\n`,
  );
  const apiv3 = write('apiv3_key.txt', `${mock.apiv3Key}\n`);
  io.out(`mock WeChat Pay listening at ${mock.url}\nclient config: ${config}\nAPIv3 key: ${apiv3}\n(Ctrl-C to stop)\n`);
  await (io.until ?? untilSignal)(mock);
  await mock.close();
  io.out(`mock WeChat Pay stopped after ${mock.requests.length} request(s)\n`);
  return 0;
}
