// `wxpay-chain doctor [--config client.json] [--online] [--notification FILE] [--json]`: which key
// is wrong, and why a signature or a notification failed. Exit status 0 when nothing is wrong, 1
// when something is, 2 for a usage error.
import { readFileSync, statSync } from 'node:fs';
import { MAX_CAPTURE_BYTES } from '../doctor/capture.js';
import { formatReport } from '../doctor/index.js';
import { doctor, type DoctorOptions } from '../index.js';
import { CREDENTIALS_HELP, loadConfig } from './credentials.js';
import { CONFIG_OPTIONS, parseCommand, usage, type OptionSpecs } from './options.js';
import { jsonText, printableIo, stdio, type CliIo } from './output.js';
import { report } from './report.js';
import { UsageError } from './usage.js';

const OPTIONS = {
  online: { type: 'boolean', help: 'also send one signed call (GET /v3/certificates) to the base URL' },
  notification: {
    type: 'string',
    arg: '<file>',
    help: 'a captured notification: the raw HTTP request, or JSON { "headers": {…},\n"body": "…" } (several: one request after the other, or a JSON array);\nreceived at the file\'s mtime',
  },
  json: { type: 'boolean', help: 'print the report as JSON' },
} as const satisfies OptionSpecs;

const USAGE = usage(
  `usage: wxpay-chain doctor [--config <client.json>] [--online] [--notification <file>] [--json]

exit status: 0 nothing wrong, 1 something is (errors or warnings), 2 a usage error
Secrets are never printed: keys appear by role, id and fingerprint.`,
  OPTIONS,
  CONFIG_OPTIONS,
  CREDENTIALS_HELP,
);

export async function run(argv: string[], given: CliIo = stdio): Promise<number> {
  const io = printableIo(given);
  const parsed = parseCommand('doctor', argv, { ...OPTIONS, ...CONFIG_OPTIONS }, USAGE, io, false);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  try {
    const env = io.env ?? process.env;
    const config = loadConfig(values, env);
    const options: DoctorOptions = { env, ...(values.online ? { online: true } : {}) };
    if (values.notification !== undefined) {
      let size: number;
      try {
        const stat = statSync(values.notification);
        size = stat.size;
        options.receivedAt = stat.mtimeMs;
        if (size <= MAX_CAPTURE_BYTES) options.notification = readFileSync(values.notification);
      } catch (error) {
        throw new UsageError(`--notification: cannot read ${values.notification} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      }
      if (size > MAX_CAPTURE_BYTES) throw new UsageError(`--notification ${values.notification} is ${size} bytes, over the ${MAX_CAPTURE_BYTES}-byte limit of a capture`);
    }
    const found = await doctor(config, options);
    io.out(values.json ? `${jsonText(found)}\n` : formatReport(found));
    return found.ok ? 0 : 1;
  } catch (error) {
    return report('doctor', error, io);
  }
}
