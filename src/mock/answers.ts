// The mock's default answer to a documented operation, from its response table.
import { gzipSync } from 'node:zlib';
import type { ModelOperation } from './model.js';
import { collectEcho, sampleBody } from './sample.js';

export interface DefaultAnswer {
  status: number;
  json?: unknown;
  raw?: Buffer;
  contentType?: string;
  unsigned?: boolean;
}

export interface AnswerContext {
  template: string;
  params: Record<string, string>;
  query: URLSearchParams;
  json: unknown;
}

// A tiny valid PNG (1×1, transparent) and a one-page PDF, for image and document downloads.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

export function csv(template: string, query: URLSearchParams): string {
  const date = query.get('bill_date') ?? '2026-01-01';
  return [
    '交易时间,公众账号ID,商户号,微信订单号,商户订单号,交易状态,应结订单金额',
    `\`${date} 08:00:00,\`wxd678efh567hg6787,\`1900000001,\`4200000000000000000000000001,\`mock-order-1,\`SUCCESS,\`1.00`,
    '总交易单数,应结订单总金额',
    '`1,`1.00',
    `# ${template}`,
    '',
  ].join('\n');
}

function download(context: AnswerContext): DefaultAnswer {
  const { template, query } = context;
  if (/images|media/.test(template)) return { status: 200, raw: PNG, contentType: 'image/png', unsigned: true };
  if (/fapiao|transferdownload/.test(template)) return { status: 200, raw: PDF, contentType: 'application/pdf', unsigned: true };
  const text = Buffer.from(csv(template, query));
  if ((query.get('tartype') ?? query.get('tar_type') ?? '').toUpperCase() === 'GZIP') return { status: 200, raw: gzipSync(text), contentType: 'application/x-gzip', unsigned: true };
  return { status: 200, raw: text, contentType: 'text/plain; charset=utf-8', unsigned: true };
}

export function defaultAnswer(operation: ModelOperation, context: AnswerContext): DefaultAnswer {
  switch (operation.response.kind) {
    case 'no-content':
      return { status: 204 };
    case 'file-stream':
      return download(context);
    case 'json':
      return { status: 200, json: sampleBody(operation.response.fields, collectEcho(context.params, context.query, context.json)) };
    default:
      // `undocumented` (and kinds the client cannot reach, xml/redirect): an empty JSON object.
      return { status: 200, json: {} };
  }
}
