// APIv2 payloads are `<xml>` documents of text fields. fast-xml-parser checks well-formedness and
// reads them in document order; what a field's value is follows XML, not the parser's defaults:
// the whitespace between elements (WeChat Pay puts a newline, and its documentation indentation,
// after every element) is layout, while a value's own text and CDATA are kept byte for byte,
// leading and trailing whitespace included, never trimmed and never turned into numbers.
import type * as FastXmlParser from 'fast-xml-parser';
import { lazy } from '../lazy.js';

const fastXmlParser = lazy<typeof FastXmlParser>('fast-xml-parser');
let builder: FastXmlParser.XMLBuilder | undefined;
let parser: FastXmlParser.XMLParser | undefined;

/** A field: text, or (in a few unsigned answers) nested elements, or a repeated element's values. */
export type V2Value = string | V2Value[] | { [name: string]: V2Value };

/** A text that opens like an XML document but is not one an APIv2 peer could have sent. */
export class V2XmlError extends Error {}

export interface V2Document {
  /** The root element's name (`xml`; `root` for a refund notification's `req_info`). */
  root: string;
  fields: Record<string, V2Value>;
  /** Names that occurred more than once among the root's children (their values are arrays). */
  repeated: string[];
}

const TEXT = '#text';
const CDATA = '#cdata';
const BLANK = /^[ \t\r\n]*$/;
const MAX_DEPTH = 8;
const ENTITY = /&(?:(lt|gt|amp|apos|quot)|#(\d{1,7})|#x([0-9A-Fa-f]{1,6}));|&[^;&\s]{0,16};?/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

function orderedParser(): FastXmlParser.XMLParser {
  // Entities are decoded here (decodeText), not by the parser: it leaves numeric references
  // undecoded, and decoding after it would decode `&amp;#65;` twice.
  return (parser ??= new (fastXmlParser().XMLParser)({
    preserveOrder: true,
    cdataPropName: CDATA,
    textNodeName: TEXT,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    ignoreAttributes: true,
  }));
}

/**
 * Reads an APIv2 document. `undefined` when the text does not open with one of `roots` (a bill
 * file, an HTML error page); a V2XmlError when it does but is not well-formed, declares a DTD,
 * or carries text between elements.
 */
export function readXml(text: string, roots: readonly string[] = ['xml']): V2Document | undefined {
  const start = text.replace(/^\uFEFF/, '').replace(/^[ \t\r\n]+/, '');
  const opening = /^(?:<\?xml[^>]*\?>[ \t\r\n]*)?(?:<!--[\s\S]*?-->[ \t\r\n]*)*(?:(<!DOCTYPE)|<([A-Za-z_][\w.-]*)[\s/>])/i.exec(start);
  // A DTD can declare entities (external ones read files or URLs): no APIv2 peer sends one.
  if (opening?.[1] || /<!DOCTYPE/i.test(start.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) throw new V2XmlError('the document declares a DTD (<!DOCTYPE …>)');
  if (!opening || !roots.includes(opening[2]!)) return undefined;
  const valid = fastXmlParser().XMLValidator.validate(start);
  if (valid !== true) throw new V2XmlError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let nodes: unknown[];
  try {
    nodes = orderedParser().parse(start) as unknown[];
  } catch (error) {
    throw new V2XmlError(`not readable XML: ${(error as Error).message}`);
  }
  const elements = nodes.filter((node) => !isText(node) && !isComment(node));
  if (elements.length !== 1) throw new V2XmlError('expected exactly one root element');
  const [name, children] = entry(elements[0]!);
  if (!roots.includes(name)) throw new V2XmlError(`the root element is <${name}>, not <${roots.join('> or <')}>`);
  const value = convert(children, name, 1);
  if (typeof value === 'string') {
    if (!BLANK.test(value)) throw new V2XmlError(`<${name}> holds text, not fields`);
    return { root: name, fields: {}, repeated: [] };
  }
  return { root: name, fields: value.fields, repeated: value.repeated };
}

/** The fields of an `<xml>` document; `undefined` when the text is not one (or not well-formed). */
export function fromXml(text: string): Record<string, V2Value> | undefined {
  try {
    return readXml(text)?.fields;
  } catch {
    return undefined;
  }
}

function convert(children: unknown[], name: string, depth: number): string | { fields: Record<string, V2Value>; repeated: string[] } {
  if (depth > MAX_DEPTH) throw new V2XmlError(`elements nested deeper than ${MAX_DEPTH} levels`);
  const elements = children.filter((node) => !isText(node) && !isCData(node) && !isComment(node));
  if (elements.length === 0) {
    // A leaf: its text and CDATA sections, concatenated as written.
    return children.map((node) => (isCData(node) ? cdataText(node) : isText(node) ? decodeText(textOf(node)) : '')).join('');
  }
  for (const node of children) {
    if (isCData(node) || (isText(node) && !BLANK.test(textOf(node)))) throw new V2XmlError(`<${name}> mixes text with elements`);
  }
  const values = new Map<string, V2Value[]>();
  for (const element of elements) {
    const [child, grandchildren] = entry(element);
    const converted = convert(grandchildren, child, depth + 1);
    const value = typeof converted === 'string' ? converted : converted.fields;
    const known = values.get(child);
    if (known) known.push(value);
    else values.set(child, [value]);
  }
  const fields: Record<string, V2Value> = {};
  const repeated: string[] = [];
  for (const [child, list] of values) {
    if (list.length > 1) repeated.push(child);
    // defineProperty: a field named `__proto__` is data like any other.
    Object.defineProperty(fields, child, { value: list.length > 1 ? list : list[0]!, enumerable: true, writable: true, configurable: true });
  }
  return { fields, repeated };
}

function entry(node: unknown): [string, unknown[]] {
  const name = Object.keys(node as object).find((key) => key !== ':@')!;
  return [name, (node as Record<string, unknown[]>)[name]!];
}

const isText = (node: unknown): boolean => Object.hasOwn(node as object, TEXT);
const isCData = (node: unknown): boolean => Object.hasOwn(node as object, CDATA);
const isComment = (node: unknown): boolean => Object.hasOwn(node as object, '#comment');
const textOf = (node: unknown): string => String((node as Record<string, unknown>)[TEXT]);
const cdataText = (node: unknown): string => ((node as Record<string, Array<Record<string, unknown>>>)[CDATA] ?? []).map((part) => String(part[TEXT] ?? '')).join('');

function decodeText(text: string): string {
  if (text.includes(']]>')) throw new V2XmlError('"]]>" outside a CDATA section');
  return text.replace(ENTITY, (whole, named: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (named) return NAMED[named]!;
    const code = decimal !== undefined ? Number(decimal) : hex !== undefined ? Number.parseInt(hex, 16) : NaN;
    if (!Number.isInteger(code) || !isXmlChar(code)) throw new V2XmlError(`${whole} is not an entity or character reference XML defines`);
    return String.fromCodePoint(code);
  });
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** A compact `<xml>` document, values escaped as text (what the client sends). */
export function toXml(fields: Readonly<Record<string, string>>): string {
  builder ??= new (fastXmlParser().XMLBuilder)({ processEntities: true });
  return builder.build({ xml: fields }) as string;
}

/**
 * A document in the layout WeChat Pay sends: the first field right after the opening tag, a
 * newline after every element, values in CDATA except those named in `plain` (WeChat Pay writes
 * `total_fee` of a payment notification, for one, as bare digits).
 */
export function toLiveXml(fields: Readonly<Record<string, string>>, options: LiveLayout = {}): string {
  const { root = 'xml', plain, newline = true } = options;
  const end = newline ? '\n' : '';
  const elements = Object.entries(fields).map(([name, value]) => {
    const content = plain?.has(name) && /^[^<>&]*$/.test(value) ? value : `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
    return `<${name}>${content}</${name}>${end}`;
  });
  // The refund notification's `req_info` document also breaks the line after its opening tag.
  return `<${root}>${root === 'root' ? end : ''}${elements.join('')}</${root}>`;
}

export interface LiveLayout {
  root?: string;
  /** Fields written as bare text rather than CDATA. */
  plain?: ReadonlySet<string>;
  /** A newline after every element (default); `false` for the compact envelope of a refund notification. */
  newline?: boolean;
}
