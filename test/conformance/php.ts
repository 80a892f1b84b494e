// A reader for the PHP the documentation's samples are written in: array literals (`[ 'k' => v ]`,
// `array(…)`, lists), strings in single and double quotes, numbers, true/false/null, comments,
// `\json_encode(…)` of a literal, and — for anything that needs a value at run time (`$media->…`,
// `new …`, `$stack`) — a marker holding the expression's source text. Plus the call around it:
// `$instance->a->b->post([...])`, `$instance->chain('t')->get([...])`, `$instance['t']->patch([...])`.

/** A value the sample computes at run time (a stream, a signature): not translatable mechanically. */
export class RuntimeValue {
  constructor(readonly source: string) {}
  toJSON(): string {
    return `<runtime ${this.source}>`;
  }
}

export type PhpValue = string | number | boolean | null | RuntimeValue | PhpValue[] | { [key: string]: PhpValue };

export class PhpSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

export interface PhpCall {
  /** How the sample reaches the endpoint. */
  style: 'chain' | 'declarative' | 'attribute';
  /** `chain`: the property names read, in order (`['v3', 'marketing', 'favor', 'stocks', '_stock_id_', 'pause']`). */
  segments: string[];
  /** `declarative` / `attribute`: the URI template written out. */
  template?: string;
  /** `post`, `getAsync`, … */
  verb: string;
  /** The options array, translated (undefined when the call has no argument). */
  options: PhpValue | undefined;
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  fail(message: string): never {
    throw new PhpSyntaxError(message, this.pos);
  }

  skip(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) return;
      if (/\s/.test(c)) this.pos++;
      else if (c === '#' || (c === '/' && this.src[this.pos + 1] === '/')) {
        const end = this.src.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.src.length : end + 1;
      } else if (c === '/' && this.src[this.pos + 1] === '*') {
        const end = this.src.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.pos = end + 2;
      } else return;
    }
  }

  peek(text: string): boolean {
    this.skip();
    return this.src.startsWith(text, this.pos);
  }

  eat(text: string): boolean {
    if (!this.peek(text)) return false;
    this.pos += text.length;
    return true;
  }

  expect(text: string): void {
    if (!this.eat(text)) this.fail(`expected ${JSON.stringify(text)}`);
  }

  /** A string literal and then `close`: the key of `['…']`, `{'…'}` or the path of `chain('…')`. */
  stringThen(close: string, what: string): string {
    const text = this.value();
    this.expect(close);
    if (typeof text !== 'string') this.fail(`expected a ${what} string`);
    return text;
  }

  value(): PhpValue {
    this.skip();
    const rest = this.src.slice(this.pos);
    const c = rest[0];
    if (c === undefined) this.fail('unexpected end of input');
    if (c === "'") return this.single();
    if (c === '"') return this.double();
    if (c === '[') {
      this.pos++;
      return this.array(']');
    }
    if (/^array\s*\(/i.test(rest)) {
      this.pos += rest.indexOf('(') + 1;
      return this.array(')');
    }
    const number = /^[-+]?(?:\d+\.\d*(?:e[-+]?\d+)?|\.\d+|\d+(?:e[-+]?\d+)?)(?![\w.])/i.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    const word = /^(true|false|null)\b/i.exec(rest);
    if (word) {
      this.pos += word[0].length;
      const w = word[1]!.toLowerCase();
      return w === 'true' ? true : w === 'false' ? false : null;
    }
    const encode = /^\\?json_encode\s*\(/i.exec(rest);
    if (encode) {
      const start = this.pos;
      this.pos += encode[0].length;
      const inner = this.value();
      // Flags such as JSON_UNESCAPED_UNICODE change escaping only, not the JSON value.
      while (this.eat(',')) this.expression();
      this.expect(')');
      if (containsRuntime(inner)) return new RuntimeValue(this.src.slice(start, this.pos));
      return JSON.stringify(inner);
    }
    return new RuntimeValue(this.expression());
  }

  /** Any other expression: read up to the `,`, `]` or `)` that ends it, brackets balanced. */
  expression(): string {
    this.skip();
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === "'" || c === '"') {
        if (c === "'") this.single();
        else this.double();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      this.pos++;
    }
    const text = this.src.slice(start, this.pos).trim();
    if (!text) this.fail('expected a value');
    return text;
  }

  single(): string {
    let out = '';
    this.pos++;
    for (;;) {
      const c = this.src[this.pos++];
      if (c === undefined) this.fail('unterminated string');
      if (c === "'") return out;
      if (c === '\\' && (this.src[this.pos] === "'" || this.src[this.pos] === '\\')) out += this.src[this.pos++];
      else out += c;
    }
  }

  double(): string | RuntimeValue {
    const start = this.pos;
    let out = '';
    let interpolated = false;
    this.pos++;
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', v: '\v', e: '\x1b', f: '\f', '\\': '\\', $: '$', '"': '"', '0': '\0' };
    for (;;) {
      const c = this.src[this.pos++];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') return interpolated ? new RuntimeValue(this.src.slice(start, this.pos)) : out;
      if (c === '$' && /[A-Za-z_{]/.test(this.src[this.pos] ?? '')) interpolated = true;
      if (c === '\\') {
        const n = this.src[this.pos]!;
        const unicode = /^u\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.pos));
        if (unicode) {
          out += String.fromCodePoint(parseInt(unicode[1]!, 16));
          this.pos += unicode[0].length;
        } else if (n in escapes) {
          out += escapes[n];
          this.pos++;
        } else out += c;
      } else out += c;
    }
  }

  array(close: ']' | ')'): PhpValue[] | { [key: string]: PhpValue } {
    const entries: Array<[string | number | undefined, PhpValue]> = [];
    while (!this.eat(close)) {
      const first = this.value();
      let key: string | number | undefined;
      let value = first;
      if (this.eat('=>')) {
        if (typeof first !== 'string' && typeof first !== 'number') this.fail('array key must be a string or an integer');
        key = first;
        value = this.value();
      }
      entries.push([key, value]);
      if (!this.eat(',')) {
        this.expect(close);
        break;
      }
    }
    // PHP arrays are lists when their keys are 0..n-1 (json_encode writes them as JSON arrays).
    const list = entries.every(([key], i) => key === undefined || key === i || key === String(i));
    if (list) return entries.map(([, v]) => v);
    const out: { [key: string]: PhpValue } = {};
    let next = 0;
    for (const [key, v] of entries) {
      const k = key ?? next;
      if (typeof k === 'number' || /^\d+$/.test(k)) next = Math.max(next, Number(k) + 1);
      out[String(k)] = v;
    }
    return out;
  }
}

export function containsRuntime(value: PhpValue): boolean {
  if (value instanceof RuntimeValue) return true;
  if (Array.isArray(value)) return value.some(containsRuntime);
  if (value && typeof value === 'object') return Object.values(value).some(containsRuntime);
  return false;
}

/** One PHP value literal, e.g. `['a' => 1, 'b' => [true, null]]`. */
export function readPhpValue(source: string): PhpValue {
  const reader = new Reader(source);
  const value = reader.value();
  reader.skip();
  if (reader.pos !== source.length) reader.fail('unexpected text after the value');
  return value;
}

const VERB = /^(get|post|put|patch|delete)(Async)?$/;

/** The first `$instance…->verb(…)` call in a sample block. */
export function readPhpCall(block: string): PhpCall {
  // The call is the first `$instance…` that reads a path (others fetch the driver, a config, …).
  let failure: unknown;
  for (let at = block.indexOf('$instance'); at >= 0; at = block.indexOf('$instance', at + 1)) {
    try {
      return readCallAt(block, at);
    } catch (error) {
      failure ??= error;
    }
  }
  throw failure ?? new PhpSyntaxError('no $instance call', 0);
}

function readCallAt(block: string, at: number): PhpCall {
  const reader: Reader = new Reader(block);
  reader.pos = at + '$instance'.length;
  const segments: string[] = [];
  let template: string | undefined;
  let style: PhpCall['style'] = 'chain';
  for (;;) {
    if (reader.eat('[')) {
      template = reader.stringThen(']', 'template');
      style = 'attribute';
      continue;
    }
    reader.expect('->');
    let name: string;
    if (reader.eat('{')) {
      name = reader.stringThen('}', 'segment');
    } else {
      const id = /^[A-Za-z_$][\w$]*/.exec(block.slice(reader.pos));
      if (!id) reader.fail('expected a property name');
      name = id[0];
      reader.pos += name.length;
    }
    if (reader.peek('(')) {
      reader.expect('(');
      if (name === 'chain' && segments.length === 0 && template === undefined) {
        template = reader.stringThen(')', 'template');
        style = 'declarative';
        continue;
      }
      if (!VERB.test(name)) reader.fail(`unexpected call ${name}()`);
      const options = reader.peek(')') ? undefined : reader.value();
      reader.eat(',');
      reader.expect(')');
      return template === undefined ? { style, segments, verb: name, options } : { style, segments, template, verb: name, options };
    }
    if (template !== undefined) reader.fail('a path segment after a template');
    segments.push(name);
  }
}
