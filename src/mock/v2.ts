// APIv2 on the mock: `<xml>` requests to the documented `v2/…` templates (sent without the `v2/`
// prefix), signed in the payload with the merchant's APIv2 key (MD5 or HMAC-SHA256). A bad sign,
// an unknown path or a documented field missing answers the APIv2 way (`return_code` FAIL,
// unsigned); a valid request gets an answer shaped by the documented response table, signed with
// the APIv2 key and the request's sign type.
import { createHash, randomBytes } from 'node:crypto';
import { v2Signature, v2SignatureMatches, v2SignType } from '../v2/sign.js';
import { fromXml, toXml } from '../v2/xml.js';
import { csv } from './answers.js';
import type { EndpointModel, ModelEndpoint, ModelOperation } from './model.js';
import { Router } from './router.js';
import { readForm } from './upload.js';
import { collectEcho, sampleBody } from './sample.js';
import { overrideConflicts, validateRequest } from './validate.js';

export interface V2Documented {
  endpoint: ModelEndpoint;
  operation: ModelOperation;
}

/** A fresh APIv2 key: 32 ASCII characters. */
export function makeApiv2Key(): string {
  return randomBytes(16).toString('hex');
}

export function checkApiv2Key(key: string): void {
  if (typeof key !== 'string' || key.length !== 32 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new Error('wxpay-chain mock: apiv2Key must be 32 printable ASCII characters');
  }
}

/** The documented `v2/…` operations, routed by their path without the `v2/` prefix. */
export function v2Router(model: EndpointModel): Router<V2Documented> {
  const router = new Router<V2Documented>();
  for (const endpoint of model.endpoints) {
    if (!endpoint.template.startsWith('v2/')) continue;
    for (const operation of endpoint.operations) router.add(operation.method, endpoint.template.slice(3), { endpoint, operation });
  }
  return router;
}

export interface V2Outgoing {
  status: number;
  body: string | Buffer;
  headers: Record<string, string>;
  /** `SIGN_ERROR`, `PARAM_ERROR`, `NOT_FOUND`: what the mock refused, for the record. */
  code?: string;
}

const XML_TYPE = 'text/xml; charset=utf-8';

/** An unsigned `return_code` FAIL, as WeChat Pay answers a request it refuses before reading it. */
export function v2Fail(message: string, code: string, status = 200): V2Outgoing {
  return { status, body: toXml({ return_code: 'FAIL', return_msg: message }), headers: { 'Content-Type': XML_TYPE }, code };
}

export interface V2Input {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  contentType: string;
}

export interface V2Checked {
  out?: V2Outgoing;
  template?: string;
  fields?: Record<string, string>;
  operation?: ModelOperation;
  /** Accepted, although the documentation's table would refuse it (codegen/overrides.ts). */
  conflicts?: string[];
}

/** Route, read, verify the sign, validate: a refusal in `out`, or the operation and its fields. */
export async function checkV2(router: Router<V2Documented> | undefined, input: V2Input, key: string, validate: boolean): Promise<V2Checked> {
  const match = router?.match(input.method, input.path) ?? { pathExists: false };
  if (!match.found) {
    const why = match.pathExists ? `${input.method} is not documented for ${input.path}` : `no such endpoint: ${input.method} ${input.path}`;
    return { out: v2Fail(why, 'NOT_FOUND', 404) };
  }
  const { endpoint, operation } = match.found.value;
  const template = endpoint.template;
  let fields: Record<string, string>;
  if (operation.request.kind === 'query' || input.method === 'GET') {
    fields = Object.fromEntries(input.query);
  } else if (/^multipart\/form-data/i.test(input.contentType)) {
    const upload = await readV2Upload(input.body, input.contentType);
    if (typeof upload === 'string') return { template, out: v2Fail(upload, 'PARAM_ERROR') };
    fields = upload;
  } else {
    const parsed = fromXml(input.body.toString('utf8'));
    if (!parsed) return { template, out: v2Fail('请使用post方法，并以<xml>文档提交参数 (the body is not an <xml> document)', 'PARAM_ERROR') };
    fields = Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
  }
  if (!fields.sign || !v2SignatureMatches(fields, key, v2SignType(fields))) return { template, fields, out: v2Fail('签名错误', 'SIGN_ERROR') };
  if (validate) {
    const violations = validateRequest(operation, { params: {}, query: input.query, headers: input.headers, json: undefined, xml: fields });
    const first = violations[0];
    if (first) return { template, fields, out: v2Fail(`${first.field}: ${first.issue}`, 'PARAM_ERROR') };
    const conflicts = overrideConflicts(operation, { params: {}, query: input.query, headers: input.headers, json: undefined, xml: fields });
    if (conflicts.length) return { template, fields, operation, conflicts };
  }
  return { template, fields, operation };
}

/**
 * An APIv2 upload: the `media` file part and text fields; `media_hash` must be the file's MD5.
 * Returns the text fields (what the sign covers), or why the body is refused.
 */
async function readV2Upload(body: Buffer, contentType: string): Promise<Record<string, string> | string> {
  const form = await readForm(body, contentType);
  if (!form) return 'body is not a readable multipart/form-data document';
  const media = form.get('media');
  if (media === null || typeof media === 'string') return 'body.media: the media file part is required';
  const fields: Record<string, string> = {};
  for (const [name, value] of form) if (typeof value === 'string') fields[name] = value;
  const digest = createHash('md5').update(Buffer.from(await media.arrayBuffer())).digest('hex');
  if (fields.media_hash !== digest) return 'body.media_hash: is not the MD5 of the media';
  return fields;
}

const DROPPED = new Set(['sign', 'err_code', 'err_code_des']);

/** The documented answer: a small CSV for bill downloads, else a signed `<xml>` of the response table. */
export function v2Answer(template: string, operation: ModelOperation, fields: Readonly<Record<string, string>>, key: string, tamper = false): V2Outgoing {
  if (/\/download(bill|fundflow)$/.test(template)) {
    const date = fields.bill_date ?? '20260101';
    const query = new URLSearchParams({ bill_date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}` });
    return { status: 200, body: csv(template, query), headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
  }
  if (operation.response.kind === 'redirect') {
    return { status: 302, body: '', headers: { Location: `https://mock.invalid/${template}` } };
  }
  const sample = sampleBody(operation.response.fields, collectEcho({}, new URLSearchParams(), fields));
  const answer: Record<string, string> = {};
  for (const [name, value] of Object.entries(sample)) {
    if (DROPPED.has(name) || value === undefined || value === null) continue;
    answer[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  Object.assign(answer, { return_code: 'SUCCESS', return_msg: 'OK', result_code: 'SUCCESS' });
  const type = v2SignType(fields);
  answer.sign = v2Signature(answer, key, type);
  if (tamper) answer.return_msg = 'OK (tampered)';
  return { status: 200, body: toXml(answer), headers: { 'Content-Type': XML_TYPE } };
}
