// `wxpay-chain doctor [--config client.json] [--online] [--notification FILE] [--json]`: which key
// is wrong, and why a signature or a notification failed. Exit status 0 when nothing is wrong, 1
// when something is, 2 for a usage error.
import { readFileSync, statSync } from 'node:fs';
import { MAX_CAPTURE_BYTES } from '../doctor/capture.js';
import { formatReport } from '../doctor/index.js';
import { doctor, type DoctorOptions } from '../index.js';
import { loadConfigFile } from './config-file.js';
import { CREDENTIALS_HELP, defaultIo, loadCredentials, parseCommand, report, type CliIo } from './request.js';
import { UsageError } from './usage.js';

const USAGE = `usage: wxpay-chain doctor [--config <client.json>] [--online] [--notification <file>] [--json]

  --config <file>        the client configuration as JSON, as new Wechatpay() takes it (privateKey and
                         certs as PEM text or file: URLs, relative ones from the file's folder);
                         default: WXPAY_CONFIG, else the environment below
  --online               also send one signed call (GET /v3/certificates) to baseURL
  --notification <file>  a captured notification: the raw HTTP request, or JSON { "headers": {…}, "body": "…" }
                         (several: one request after the other, or a JSON array); received at the file's mtime
  --json                 print the report as JSON
  -h, --help             this text

exit status: 0 nothing wrong, 1 something is (errors or warnings), 2 a usage error
Secrets are never printed: keys appear by role, id and fingerprint.

${CREDENTIALS_HELP}`;

export async function run(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const parsed = parseCommand('doctor', argv, { online: { type: 'boolean' }, notification: { type: 'string' }, json: { type: 'boolean' } }, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  try {
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}\n${USAGE}`);
    const env = io.env ?? process.env;
    const file = values.config ?? env.WXPAY_CONFIG;
    const config = file ? loadConfigFile(file) : loadCredentials(undefined, env);
    const options: DoctorOptions = { env, ...(values.online ? { online: true } : {}) };
    if (values.notification !== undefined) {
      let size: number;
      try {
        const stat = statSync(values.notification);
        size = stat.size;
        options.receivedAt = stat.mtimeMs;
        if (size <= MAX_CAPTURE_BYTES) options.notification = readFileSync(values.notification);
      } catch (error) {
        throw new UsageError(`cannot read the notification file ${values.notification} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      }
      if (size > MAX_CAPTURE_BYTES) throw new UsageError(`${values.notification} is ${size} bytes, over the ${MAX_CAPTURE_BYTES}-byte limit of a capture`);
    }
    const found = await doctor(config, options);
    io.out(values.json ? `${JSON.stringify(found, null, 2)}\n` : formatReport(found));
    return found.ok ? 0 : 1;
  } catch (error) {
    return report('doctor', error, io);
  }
}
