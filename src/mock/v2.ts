// APIv2 on the mock: `<xml>` requests to the documented `v2/…` templates (sent without the `v2/`
// prefix), signed in the payload with the merchant's APIv2 key (MD5 or HMAC-SHA256). A bad sign,
// an unknown path or a documented field missing answers the APIv2 way (`return_code` FAIL,
// unsigned); a valid request gets an answer shaped by the documented response table, signed with
// the APIv2 key and the request's sign type. Answers and notifications are written in the layout
// WeChat Pay's own traffic has (a newline after every element, values in CDATA), so that a
// merchant's parser meets here what it will meet in production.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { v2Signature, v2SignatureMatches, v2SignType, type V2SignType } from '../v2/sign.js';
import { fromXml, toLiveXml } from '../v2/xml.js';
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
  return { status, body: toLiveXml({ return_code: 'FAIL', return_msg: message }), headers: { 'Content-Type': XML_TYPE }, code };
}

// WeChat Pay writes these as bare digits, every other value in CDATA.
const PLAIN = new Set(['total_fee']);
const ENVELOPE_PLAIN = new Set(['return_code']);

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

/**
 * A documented name with index placeholders (`coupon_fee_$n`, `coupon_refund_id_$n_$m`) as
 * WeChat Pay sends the first of them (`coupon_fee_0`): `$` is not allowed in an XML name.
 */
export function indexed(name: string): string {
  return name.replace(/\$[nm](?![A-Za-z0-9])/g, '0');
}

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
    answer[indexed(name)] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  Object.assign(answer, { return_code: 'SUCCESS', return_msg: 'OK', result_code: 'SUCCESS' });
  const type = v2SignType(fields);
  answer.sign = v2Signature(answer, key, type);
  if (tamper) answer.return_msg = 'OK (tampered)';
  return { status: 200, body: toLiveXml(answer, { plain: PLAIN }), headers: { 'Content-Type': XML_TYPE } };
}

export interface V2NotificationSpec {
  /** A payment result (signed, like `webhook/v2/transaction-success`) or a refund result (`req_info`, no sign). */
  kind: 'payment' | 'refund';
  apiv2Key: string;
  mchid: string;
  appid?: string;
  /**
   * Payment: fields over the sample ones (all signed). Refund: fields of the decrypted `req_info`
   * over the sample refund.
   */
  fields?: Readonly<Record<string, string>>;
  /** Payment: the algorithm (MD5 by default; HMAC-SHA256 also adds `sign_type`). */
  signType?: V2SignType;
  /**
   * Refund: whether `req_info` carries the fields added after 2018 (`cash_refund_fee`); notices
   * sent before, and some sent since, do not (default true).
   */
  newerFields?: boolean;
}

const SAMPLE_PAYMENT = {
  bank_type: 'CMC', cash_fee: '1', fee_type: 'CNY', is_subscribe: 'N', openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', out_trade_no: '1415659990',
  result_code: 'SUCCESS', return_code: 'SUCCESS', time_end: '20141030133525', total_fee: '1', trade_type: 'JSAPI', transaction_id: '1004400740201409030005092168',
};
const SAMPLE_REFUND = {
  out_refund_no: '131811191610442717309', out_trade_no: '71106718111915575302817', refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS', refund_fee: '3960',
  refund_id: '50000408942018111907145868882', refund_recv_accout: '支付用户零钱', refund_request_source: 'API', refund_status: 'SUCCESS',
  settlement_refund_fee: '3960', settlement_total_fee: '3960', success_time: '2018-11-19 16:24:13', total_fee: '3960', transaction_id: '4200000215201811190261405420',
};
// Fields of the refund notice that older notices lack.
const NEWER_REFUND_FIELDS = { cash_refund_fee: '3960' };

/**
 * An APIv2 notification as WeChat Pay posts it, `{ headers, body }` for `deliver` or a handler
 * test. A payment result is signed with the APIv2 key, one element per line, values in CDATA;
 * a refund result has the compact envelope and `req_info`: AES-256-ECB under the MD5 of the key,
 * over a `<root>` document with its fields in name order, one per line.
 */
export function buildV2Notification(spec: V2NotificationSpec): { headers: Record<string, string>; body: string } {
  checkApiv2Key(spec.apiv2Key);
  const appid = spec.appid ?? 'wx2421b1c4370ec43b';
  const nonce_str = randomBytes(16).toString('hex');
  const headers = { 'Content-Type': XML_TYPE };
  if (spec.kind === 'refund') {
    const refund: Record<string, string> = { ...SAMPLE_REFUND, ...(spec.newerFields === false ? {} : NEWER_REFUND_FIELDS), ...spec.fields };
    const plain = toLiveXml(Object.fromEntries(Object.entries(refund).sort(([a], [b]) => (a < b ? -1 : 1))), { root: 'root' });
    const key = Buffer.from(createHash('md5').update(spec.apiv2Key).digest('hex'), 'utf8');
    const cipher = createCipheriv('aes-256-ecb', key, null);
    const req_info = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
    return { headers, body: toLiveXml({ return_code: 'SUCCESS', appid, mch_id: spec.mchid, nonce_str, req_info }, { newline: false, plain: ENVELOPE_PLAIN }) };
  }
  const type = spec.signType ?? 'MD5';
  const fields: Record<string, string> = { appid, mch_id: spec.mchid, nonce_str, ...SAMPLE_PAYMENT, ...(type === 'HMAC-SHA256' ? { sign_type: 'HMAC-SHA256' } : {}), ...spec.fields };
  delete fields.sign;
  fields.sign = v2Signature(fields, spec.apiv2Key, type);
  return { headers, body: toLiveXml(fields, { plain: PLAIN }) };
}
