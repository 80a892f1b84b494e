// `wxpay-chain certificates`: download the platform certificates, decrypt and check each one,
// verify the download's signature, save them, and print serial and validity of each.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Core } from '../core.js';
import { RequestError, WechatpayError } from '../errors.js';
import { DEFAULT_BASE_URL } from '../config.js';
import { unreachable } from './network.js';
import { printable } from './output.js';

const USAGE = `usage: wxpay-chain certificates --mchid <id> (--serial <hex> --key <apiclient_key.pem> | --p12 <apiclient_cert.p12>)
                                --apiv3-key <key> [--out <dir>] [--base-url <url>]

  --mchid       merchant id (商户号)
  --serial      merchant API certificate serial (商户API证书序列号)
  --key         merchant API private key file (apiclient_key.pem)
  --p12         apiclient_cert.p12 instead of --serial and --key (--passphrase, default the merchant id)
  --apiv3-key   the APIv3 key; or set WECHATPAY_APIV3_KEY to keep it out of the shell history
  --out         directory to save wechatpay_<serial>.pem files in (nothing is saved without it)
  --base-url    default https://api.mch.weixin.qq.com/
`;

const FLAGS = new Set(['mchid', 'serial', 'key', 'p12', 'passphrase', 'apiv3-key', 'out', 'base-url']);

interface Output {
  write(text: string): unknown;
}

export function parseFlags(argv: string[]): Record<string, string> | string {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) return `unexpected argument ${JSON.stringify(arg)}`;
    const name = match[1]!;
    if (name === 'help') return '';
    if (!FLAGS.has(name)) return `unknown option --${name}`;
    const value = match[2] ?? argv[++i];
    if (value === undefined || (match[2] === undefined && value.startsWith('--'))) return `--${name} needs a value`;
    flags[name] = value;
  }
  return flags;
}

export async function run(argv: string[], stdout: Output = process.stdout, stderr: Output = process.stderr): Promise<number> {
  const out: Output = { write: (text: string) => stdout.write(printable(text)) };
  const err: Output = { write: (text: string) => stderr.write(printable(text)) };
  const flags = parseFlags(argv);
  if (typeof flags === 'string') {
    if (flags) err.write(`wxpay-chain certificates: ${flags}\n`);
    (flags ? err : out).write(USAGE);
    return flags ? 2 : 0;
  }
  const apiv3Key = flags['apiv3-key'] ?? process.env.WECHATPAY_APIV3_KEY;
  const missing = [
    !flags.mchid && '--mchid',
    !flags.p12 && !flags.serial && '--serial',
    !flags.p12 && !flags.key && '--key',
    !apiv3Key && '--apiv3-key',
  ].filter(Boolean);
  if (missing.length) {
    err.write(`wxpay-chain certificates: missing ${missing.join(', ')}\n${USAGE}`);
    return 2;
  }
  // The files are read here, so a wrong path is reported as the path typed (not as a file:// URL).
  const files: Record<string, Buffer> = {};
  for (const flag of ['key', 'p12'] as const) {
    const path = flags[flag];
    if (path === undefined) continue;
    try {
      files[flag] = readFileSync(resolve(path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      err.write(`wxpay-chain certificates: --${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read it (${code ?? 'unreadable'})`}\n`);
      return 2;
    }
  }
  try {
    const client = new Core({
      mchid: flags.mchid!,
      ...(flags.p12
        ? { pkcs12: files.p12!, ...(flags.passphrase !== undefined ? { pkcs12Passphrase: flags.passphrase } : {}), ...(flags.serial ? { serial: flags.serial } : {}) }
        : { serial: flags.serial!, privateKey: files.key! }),
      certs: {},
      apiv3Key: apiv3Key!,
      certificates: { refreshInterval: 0, onError: (error) => err.write(`warning: ${error.message}\n`) },
      ...(flags['base-url'] ? { baseURL: flags['base-url'] } : {}),
    });
    const keys = await client.certificates!.refresh();
    client.certificates!.stop();
    const listed = client.certificates!.list().filter((entry) => keys.some((key) => key.id === entry.serial));
    if (flags.out) await mkdir(flags.out, { recursive: true });
    for (const { serial, notBefore, notAfter, certificate } of listed) {
      let saved = '';
      if (flags.out) {
        const file = join(flags.out, `wechatpay_${serial}.pem`);
        await writeFile(file, certificate.toString());
        saved = `  ${file}`;
      }
      out.write(`${serial}  ${notBefore.toISOString()} → ${notAfter.toISOString()}${saved}\n`);
    }
    return 0;
  } catch (error) {
    const base = flags['base-url'] ?? DEFAULT_BASE_URL;
    const code = (error as { code?: unknown }).code;
    const network = error instanceof RequestError || (!(error instanceof WechatpayError) && typeof code === 'string' && /^E[A-Z_]+$/.test(code));
    const message = network
      ? unreachable(URL.canParse('v3/certificates', base) ? new URL('v3/certificates', base).href : base, error)
      : error instanceof WechatpayError
          ? `${error.name} ${error.code}: ${error.message.replace(/^privateKey: /, '--key: ').replace(/^pkcs12: /, '--p12: ')}`
          : (error as Error).message;
    err.write(`wxpay-chain certificates: ${message}\n`);
    return 1;
  }
}
