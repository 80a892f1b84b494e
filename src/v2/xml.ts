// APIv2 payloads are flat `<xml>` documents of text fields; fast-xml-parser reads and writes
// them, keeping every value a string (no number guessing: `0012` stays `0012`).
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const builder = new XMLBuilder({ processEntities: true });
const parser = new XMLParser({ parseTagValue: false, processEntities: true, trimValues: false, ignoreDeclaration: true });

export function toXml(fields: Readonly<Record<string, string>>): string {
  return builder.build({ xml: fields }) as string;
}

/** The fields of an `<xml>` document; `undefined` when the text is not one. */
export function fromXml(text: string): Record<string, unknown> | undefined {
  if (!/^\s*(<\?xml[^>]*>\s*)?<xml[\s>]/.test(text)) return undefined;
  try {
    const parsed = parser.parse(text) as { xml?: unknown };
    return typeof parsed.xml === 'object' && parsed.xml !== null ? (parsed.xml as Record<string, unknown>) : parsed.xml === '' ? {} : undefined;
  } catch {
    return undefined;
  }
}
