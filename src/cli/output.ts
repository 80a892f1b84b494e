// Everything the CLI prints goes through here: a server's message, an answer's text, the mock's
// reply are text to show, never commands to the terminal. Control characters other than newline
// and tab (ESC of an escape sequence that writes the clipboard, sets the title or clears the
// screen; BEL; CR; the C1 controls such as the one-byte CSI) are printed as `\xNN`.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export interface TextOut {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The same outputs (and anything else `io` carries), printing only printable text. */
export function printableIo<T extends TextOut>(io: T): T {
  return { ...io, out: (text: string) => io.out(printable(text)), err: (text: string) => io.err(printable(text)) };
}
