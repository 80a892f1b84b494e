// The one list of APIv3 endpoints whose responses carry no WeChat Pay signature: they stream a
// file (bills, statements, PDFs, complaint images). Their bodies are returned as Buffers and
// not verified, by this rule rather than by accident. A test checks this list against every
// documented file-stream response in the corpus.
const UNSIGNED_TEMPLATES: readonly string[] = [
  'v3/billdownload/file',
  'v3/global/merchant-service/images/{media_id}',
  'v3/global/statements',
  'v3/merchant-service/images/{media_id}',
  'v3/new-tax-control-fapiao/download',
  'v3/statements',
  'v3/transferdownload/elecvoucherfile',
  'v3/transferdownload/signfile',
];

const unsigned = new Set(UNSIGNED_TEMPLATES);

export function isUnsignedDownload(template: string): boolean {
  return unsigned.has(template);
}

export function unsignedTemplates(): readonly string[] {
  return UNSIGNED_TEMPLATES;
}
