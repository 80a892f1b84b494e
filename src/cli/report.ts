// How every command says what went wrong: one line beginning `wxpay-chain <command>: `, said once
// (a message that already carries a prefix or its code does not get it twice), with exit status
// 2 for a usage mistake and 1 for everything else.
import { ApiError, RequestError, VerificationError, WechatpayError } from '../errors.js';
import { unreachable } from './network.js';
import type { CliIo } from './output.js';
import { UsageError } from './usage.js';

export interface ReportContext {
  /** The URL the command was calling: named when it could not be reached. */
  url?: string | undefined;
  /** Turns a message in the library's words into the command's (e.g. `privateKey` → `--key`). */
  words?: (message: string) => string;
}

/** Prints `error` for an operator to act on; returns the exit status. */
export function report(command: string, error: unknown, io: CliIo, context: ReportContext = {}): number {
  const line = (text: string) => io.err(`wxpay-chain ${command}: ${withoutPrefix(context.words ? context.words(text) : text)}\n`);
  if (error instanceof UsageError) {
    line(error.message);
    return 2;
  }
  if (error instanceof ApiError) {
    const said = error.message.startsWith(`${error.httpStatus} ${error.code}: `) ? error.message.slice(`${error.httpStatus} ${error.code}: `.length) : error.message;
    line(`HTTP ${error.httpStatus} ${error.code}: ${said}${error.verified ? ` (verified: signed by WeChat Pay${error.requestId ? `; Request-ID ${error.requestId}` : ''})` : ''}`);
    if (error.detail !== undefined) io.err(`${JSON.stringify(error.detail)}\n`);
    return 1;
  }
  if (error instanceof VerificationError) {
    line(`REFUSED ${error.code}: ${error.message}; the answer is not shown, as it could not be verified`);
    return 1;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (context.url && (error instanceof RequestError || (!(error instanceof WechatpayError) && typeof code === 'string' && /^E[A-Z_]+$/.test(code)))) {
    line(unreachable(context.url, error));
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  line(error instanceof WechatpayError && !message.startsWith(`${error.code}: `) ? `${error.code}: ${message}` : message);
  return 1;
}

// `wxpay-chain mock: …` or `wxpay-chain sandbox: …` from the library's own messages.
function withoutPrefix(message: string): string {
  return message.replace(/^(?:wxpay-chain(?: [a-z-]+)?: )+/, '');
}
