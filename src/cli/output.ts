// What every command reads and writes: its standard output and error, and the environment it
// takes credentials from. Tests give their own; `stdio` is the process's.
//
// Everything the CLI prints goes through printableIo: a server's message, an answer's text, the
// mock's reply are text to show, never commands to the terminal. Control characters other than
// newline and tab (ESC of an escape sequence that writes the clipboard, sets the title or clears
// the screen; BEL; CR; the C1 controls such as the one-byte CSI) are printed as `\xNN`.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where WXPAY_CONFIG, WXPAY_MCHID, … are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export const stdio: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The same outputs (and anything else `io` carries), printing only printable text. */
export function printableIo<T extends CliIo>(io: T): T {
  return { ...io, out: (text: string) => io.out(printable(text)), err: (text: string) => io.err(printable(text)) };
}

/** `value` as indented JSON that stays JSON when printed (JSON.stringify leaves DEL and the C1 controls raw). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
