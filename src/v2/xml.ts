// APIv2 payloads are flat `<xml>` documents of text fields; fast-xml-parser reads and writes
// them, keeping every value a string (no number guessing: `0012` stays `0012`).
import type * as FastXmlParser from 'fast-xml-parser';
import { lazy } from '../lazy.js';

const fastXmlParser = lazy<typeof FastXmlParser>('fast-xml-parser');
let builder: FastXmlParser.XMLBuilder | undefined;
let parser: FastXmlParser.XMLParser | undefined;

/** fast-xml-parser's parser with the settings APIv2 documents need (every value a string). */
export function xmlParser(): FastXmlParser.XMLParser {
  return (parser ??= new (fastXmlParser().XMLParser)({ parseTagValue: false, processEntities: true, trimValues: false, ignoreDeclaration: true }));
}

export function toXml(fields: Readonly<Record<string, string>>): string {
  builder ??= new (fastXmlParser().XMLBuilder)({ processEntities: true });
  return builder.build({ xml: fields }) as string;
}

/** The fields of an `<xml>` document; `undefined` when the text is not one. */
export function fromXml(text: string): Record<string, unknown> | undefined {
  if (!/^\s*(<\?xml[^>]*>\s*)?<xml[\s>]/.test(text)) return undefined;
  try {
    const parsed = xmlParser().parse(text) as { xml?: unknown };
    return typeof parsed.xml === 'object' && parsed.xml !== null ? (parsed.xml as Record<string, unknown>) : parsed.xml === '' ? {} : undefined;
  } catch {
    return undefined;
  }
}
