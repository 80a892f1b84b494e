// JSON typed on a command line or kept in a file (`--json`, `--config`, WXPAY_CERTS, a faults
// file): parsed by JSON.parse, and when that fails, the place of the mistake as line and column.
// Node 20's JSON.parse names no position for most mistakes, and quotes the text around it, which
// in a configuration may be a key: so the text is walked here to find the place, and the message
// shows at most the one character found there.
import { UsageError } from './usage.js';

/** The parsed value; a UsageError `<what>: not JSON: <reason> at line L, column C` otherwise. */
export function parseJson(text: string, what: string): unknown {
  // A byte-order mark (an editor on Windows writes one) is not part of the JSON.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const found = locate(body);
    if (!found) throw new UsageError(`${what}: not JSON (${(error as Error).message.replace(/,? ".*" is not valid JSON$/s, '')})`);
    throw new UsageError(`${what}: not JSON: ${found.reason} at ${position(body, found.at)}`);
  }
}

/** `line L, column C` (both from 1) of offset `at`. */
export function position(text: string, at: number): string {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return `line ${line}, column ${at - before.lastIndexOf('\n')}`;
}

interface Mistake {
  at: number;
  reason: string;
}

class Stop {
  constructor(readonly mistake: Mistake) {}
}

/** Where the first mistake of `text` is, or undefined when it has none. */
export function locate(text: string): Mistake | undefined {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new Stop({ at, reason });
  };
  const unexpected = (): never => {
    if (i >= text.length) return fail(text.trim() ? 'the text ends early (a {, [ or " left open?)' : 'there is no text');
    const c = text[i]!;
    if (c === "'") return fail("unexpected ' (JSON strings and names take double quotes)");
    if ((c === '}' || c === ']') && /,\s*$/.test(text.slice(0, i))) return fail(`a comma before ${c} (JSON has no trailing commas)`, text.slice(0, i).lastIndexOf(','));
    return fail(`unexpected ${/[\x21-\x7e]/.test(c) ? JSON.stringify(c) : `character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`}`);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const word = (w: string) => {
    for (const c of w) if (text[i++] !== c) (i--, unexpected());
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail('a string is not closed', i);
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c < ' ') fail(c === '\n' ? 'a line break inside a string (write it as \\n)' : 'a control character inside a string');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('\\u takes four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('an escape JSON does not have (one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) return unexpected();
    i += match[0].length;
    if (/^[\d.eE+-]/.test(text[i] ?? '')) unexpected();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') unexpected();
        string();
        space();
        if (text[i] !== ':') unexpected();
        i++;
        value();
        space();
        if (text[i] === '}') return void i++;
        if (text[i] !== ',') unexpected();
        i++;
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ']') return void i++;
        if (text[i] !== ',') unexpected();
        i++;
      }
    }
    if (c === '"') return string();
    if (c === 't') return word('true');
    if (c === 'f') return word('false');
    if (c === 'n') return word('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    unexpected();
  };
  try {
    value();
    space();
    if (i < text.length) fail('more text after the JSON value (two values, or a { or [ closed too soon?)');
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error.mistake;
    throw error;
  }
}
