// `wxpay-chain certificates`: download the platform certificates, decrypt and check each one,
// verify the download's signature, save them, and print serial and validity of each.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beijingTime } from '../certificates/wire.js';
import { DEFAULT_BASE_URL, type WechatpayConfig } from '../config.js';
import { Core } from '../core.js';
import { CREDENTIALS_HELP, loadConfig } from './credentials.js';
import { CONFIG_OPTIONS, parseCommand, usage, type OptionSpecs } from './options.js';
import { printableIo, stdio, type CliIo } from './output.js';
import { report } from './report.js';
import { UsageError } from './usage.js';

// The settings as flags too (over the configuration's), as this command took them first.
const OPTIONS = {
  mchid: { type: 'string', arg: '<id>', help: 'merchant id (商户号); the configuration\'s mchid otherwise' },
  serial: { type: 'string', arg: '<hex>', help: 'merchant API certificate serial (商户API证书序列号)' },
  key: { type: 'string', arg: '<file>', help: 'merchant API private key file (apiclient_key.pem)' },
  p12: { type: 'string', arg: '<file>', help: 'apiclient_cert.p12 instead of --serial and --key' },
  passphrase: { type: 'string', arg: '<text>', help: 'the passphrase of --p12 (default: the merchant id)' },
  'apiv3-key': { type: 'string', arg: '<key>', help: 'the APIv3 key; WXPAY_APIV3_KEY keeps it out of the shell history' },
  out: { type: 'string', arg: '<dir>', help: 'save wechatpay_<serial>.pem files there (nothing is saved without it)' },
} as const satisfies OptionSpecs;

const USAGE = usage(
  `usage: wxpay-chain certificates [--config <client.json>] [--out <dir>] [options]

  needs mchid, the merchant key (privateKey and serial, or pkcs12) and apiv3Key: from the
  flags below, the configuration file or the environment; prints serial and validity
  (Beijing time) of each certificate, newest first`,
  OPTIONS,
  CONFIG_OPTIONS,
  CREDENTIALS_HELP,
);

export async function run(argv: string[], given: CliIo = stdio): Promise<number> {
  const io = printableIo(given);
  const parsed = parseCommand('certificates', argv, { ...OPTIONS, ...CONFIG_OPTIONS }, USAGE, io, false);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  let url: string | undefined;
  try {
    const flags: Partial<WechatpayConfig> = {
      ...(values.mchid !== undefined ? { mchid: values.mchid } : {}),
      ...(values.serial !== undefined ? { serial: values.serial } : {}),
      ...(values.key !== undefined ? { privateKey: readFlagFile('--key', values.key) } : {}),
      ...(values.p12 !== undefined ? { pkcs12: readFlagFile('--p12', values.p12) } : {}),
      ...(values.passphrase !== undefined ? { pkcs12Passphrase: values.passphrase } : {}),
      ...(values['apiv3-key'] !== undefined ? { apiv3Key: values['apiv3-key'] } : {}),
    };
    const config = loadConfig(values, io.env ?? process.env, flags, false);
    const missing = [
      config.mchid === undefined && 'mchid (--mchid or WXPAY_MCHID)',
      config.pkcs12 === undefined && config.privateKey === undefined && 'privateKey (--key <file> or WXPAY_PRIVATE_KEY) or pkcs12 (--p12 <file> or WXPAY_PKCS12)',
      config.pkcs12 === undefined && config.serial === undefined && 'serial (--serial or WXPAY_SERIAL)',
      config.apiv3Key === undefined && 'apiv3Key (--apiv3-key or WXPAY_APIV3_KEY)',
    ].filter(Boolean);
    if (missing.length) throw new UsageError(`missing ${missing.join(', ')}: as flags, environment variables or in the --config file`);
    const base = config.baseURL ?? DEFAULT_BASE_URL;
    url = URL.canParse('v3/certificates', base) ? new URL('v3/certificates', base).href : base;
    const client = new Core({
      ...(config as WechatpayConfig),
      certs: config.certs ?? {},
      certificates: { ...config.certificates, refreshInterval: 0, onError: (error) => io.err(`wxpay-chain certificates: warning: ${error.message}\n`) },
    });
    const keys = await client.certificates!.refresh();
    client.certificates!.stop();
    const listed = client.certificates!.list().filter((entry) => keys.some((key) => key.id === entry.serial));
    if (values.out) await mkdir(values.out, { recursive: true });
    for (const { serial, notBefore, notAfter, certificate } of listed) {
      let saved = '';
      if (values.out) {
        const file = join(values.out, `wechatpay_${serial}.pem`);
        await writeFile(file, certificate.toString());
        saved = `  ${file}`;
      }
      io.out(`${serial}  ${beijingTime(notBefore)} → ${beijingTime(notAfter)}${saved}\n`);
    }
    return 0;
  } catch (error) {
    // A key given as a flag is named as the flag, not as the library's field.
    const words = (message: string) =>
      message.replace(/^CONFIG_ERROR: privateKey: /, values.key !== undefined ? 'CONFIG_ERROR: --key: ' : '$&').replace(/^CONFIG_ERROR: pkcs12: /, values.p12 !== undefined ? 'CONFIG_ERROR: --p12: ' : '$&');
    return report('certificates', error, io, { url, words });
  }
}

// The files are read here, so a wrong path is reported as the path typed (not as a file:// URL).
function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(resolve(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read it (${code ?? 'unreadable'})`}`);
  }
}
