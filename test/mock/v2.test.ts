// APIv2 on the mock: `<xml>` requests signed with the APIv2 key (MD5 or HMAC-SHA256) to the
// documented `v2/…` templates, sent without the `v2/` prefix. The mock checks the sign and the
// documented fields and answers the APIv2 way; the client verifies the answer's sign.
import { Hash, Transformer } from 'wechatpay-axios-plugin';
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { withMockClient } from '../helpers/mock-client.js';
import { rejection } from '../helpers/rejection.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;

withMockClient((m, w) => {
  mock = m;
  wxpay = w;
});

const order = { appid: 'wxd678efh567hg6787', mch_id: '1900000001', body: '腾讯充值中心-QQ会员充值', out_trade_no: '20150806125346', total_fee: '88', spbill_create_ip: '123.12.12.123', auth_code: '120061098828009406' };

test('the APIv2 key is made fresh (32 ASCII characters) and handed to the client; a given one is kept', async () => {
  expect(mock.apiv2Key).toMatch(/^[\x21-\x7e]{32}$/);
  expect(mock.clientConfig.apiv2Key).toBe(mock.apiv2Key);
  const given = 'k'.repeat(16) + 'K'.repeat(16);
  const other = await startMockServer({ apiv2Key: given });
  expect(other.clientConfig.apiv2Key).toBe(given);
  await other.close();
  await expect(startMockServer({ apiv2Key: 'short' })).rejects.toThrow(/apiv2Key/);
});

test.each(['MD5', 'HMAC-SHA256'])('%s: a v2 call is accepted, its answer signed the same way and verified', async (signType) => {
  const xml = signType === 'MD5' ? order : { ...order, sign_type: signType };
  const response = await wxpay.v2.pay.micropay.post({ xml });
  expect(response.status).toBe(200);
  expect(response.verified).toBe(true);
  expect(response.data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', out_trade_no: '20150806125346', total_fee: '88', appid: 'wxd678efh567hg6787' });
  // The answer's sign, checked by the peer SDK's APIv2 code too.
  const data = response.data as Record<string, string>;
  expect(Hash.sign(signType === 'MD5' ? Hash.ALGO_MD5 : Hash.ALGO_HMAC_SHA256, data, mock.apiv2Key)).toBe(data.sign);
  const record = mock.requests[0]!;
  expect(record).toMatchObject({ method: 'POST', url: '/pay/micropay', template: 'v2/pay/micropay', status: 200 });
  expect(record.xml).toMatchObject({ ...xml, nonce_str: expect.stringMatching(/^[0-9a-f]{32}$/), sign: expect.any(String) });
});

test('the three styles, security: true and nonceless reach the same documented endpoints', async () => {
  const refund = { appid: 'wxd678efh567hg6787', mch_id: '1900000001', transaction_id: '4200000000000000000000000001', out_trade_no: '20150806125346', out_refund_no: 'R1', total_fee: '88', refund_fee: '88' };
  const chained = await wxpay.v2.secapi.pay.refund.post({ xml: refund, security: true });
  const declared = await wxpay.chain('v2/secapi/pay/refund').postAsync({ xml: refund, security: true });
  const attributed = await wxpay['v2/secapi/pay/refund'].post({ xml: refund, security: true });
  for (const response of [chained, declared, attributed]) expect(response).toMatchObject({ status: 200, verified: true, data: { out_refund_no: 'R1' } });
  expect(mock.requests.map((r) => r.url)).toEqual(['/secapi/pay/refund', '/secapi/pay/refund', '/secapi/pay/refund']);
  const query = { appid: 'wx8888888888888888', mch_id: '1900000001', contract_id: '100005698', version: '1.0' };
  await wxpay.v2.papay.querycontract.post({ xml: query, nonceless: true });
  expect(mock.requests.at(-1)!.xml).not.toHaveProperty('nonce_str');
});

test('a bill download answers a small CSV, returned as a Buffer', async () => {
  const response = await wxpay.v2.pay.downloadbill.post({ xml: { appid: 'wxd678efh567hg6787', mch_id: '1900000001', bill_date: '20261122', bill_type: 'ALL' } });
  expect(Buffer.isBuffer(response.data)).toBe(true);
  expect(String(response.data)).toContain('`2026-11-22 08:00:00');
});

test('a wrong sign is refused: HTTP 200, return_code FAIL 签名错误, unsigned (ApiError, verified false)', async () => {
  const stranger = untyped(new Wechatpay({ ...mock.clientConfig, apiv2Key: 'x'.repeat(32) }));
  const error = await rejection(stranger.v2.pay.micropay.post({ xml: order }));
  expect(error).toMatchObject({ httpStatus: 200, code: 'FAIL', verified: false, data: { return_code: 'FAIL', return_msg: '签名错误' } });
  expect(mock.requests[0]).toMatchObject({ status: 200, code: 'SIGN_ERROR', template: 'v2/pay/micropay' });
  // A field changed after signing, and no sign at all, likewise.
  const fields = { ...order, nonce_str: 'n1' };
  const signed = { ...fields, sign: Hash.sign(Hash.ALGO_MD5, fields, mock.apiv2Key) };
  for (const body of [Transformer.toXml({ ...signed, total_fee: '1' }), Transformer.toXml(fields)]) {
    const answer = await fetch(new URL('pay/micropay', mock.url), { method: 'POST', body, headers: { 'Content-Type': 'text/xml' } });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    // WeChat Pay's layout: values in CDATA, a newline after every element.
    expect(text).toBe('<xml><return_code><![CDATA[FAIL]]></return_code>\n<return_msg><![CDATA[签名错误]]></return_msg>\n</xml>');
    expect(text).toContain('签名错误');
    expect(text).not.toContain('<sign>');
  }
  // The same body, untouched, is accepted.
  const good = await fetch(new URL('pay/micropay', mock.url), { method: 'POST', body: Transformer.toXml(signed) });
  expect(await good.text()).toMatch(/^<xml><return_code><!\[CDATA\[SUCCESS\]\]><\/return_code>\n(<\w+>(<!\[CDATA\[[\s\S]*?\]\]>|\d+)<\/\w+>\n)+<\/xml>$/);
});

test('a missing required field, or one outside its enum, is refused naming the field', async () => {
  const { auth_code: _omitted, ...missing } = order;
  const error = await rejection(wxpay.v2.pay.micropay.post({ xml: missing }));
  expect(error).toMatchObject({ httpStatus: 200, code: 'FAIL', verified: false });
  expect(error.message).toContain('xml.auth_code');
  expect(mock.requests[0]).toMatchObject({ code: 'PARAM_ERROR' });
  const wrong = await rejection(wxpay.v2.pay.micropay.post({ xml: { ...order, deposit: 'maybe' } }));
  expect(wrong.message).toMatch(/xml\.deposit: must be one of "Y"\|"N"/);
  const number = await rejection(wxpay.v2.pay.micropay.post({ xml: { ...order, total_fee: '8.8' } }));
  expect(number.message).toMatch(/xml\.total_fee: expected integer/);
});

test('an unknown v2 path, or an undocumented method, answers 404 with an unsigned return_code FAIL', async () => {
  const unknown = await rejection(wxpay.v2.pay.nowhere.post({ xml: order }));
  expect(unknown).toMatchObject({ httpStatus: 404, code: 'FAIL', verified: false });
  expect(unknown.message).toContain('no such endpoint: POST /pay/nowhere');
  expect(mock.requests[0]).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  const method = await rejection(wxpay.v2.pay.micropay.get({ query: order }));
  expect(method).toMatchObject({ httpStatus: 404, code: 'FAIL' });
  expect(method.message).toContain('GET is not documented for /pay/micropay');
});

test('APIv3 requests are unaffected: a v3 path without Authorization is still 401 SIGN_ERROR', async () => {
  const answer = await fetch(new URL('v3/marketing/favor/stocks/S1/pause', mock.url), { method: 'POST', body: '{}' });
  expect(answer.status).toBe(401);
  expect(((await answer.json()) as { code: string }).code).toBe('SIGN_ERROR');
});

test('faults apply to v2 routes too: a tampered answer sign is a VerificationError', async () => {
  mock.fault({ kind: 'bad-signature' }, { template: 'v2/pay/micropay', times: 1 });
  await expect(wxpay.v2.pay.micropay.post({ xml: order })).rejects.toMatchObject({ name: 'VerificationError', code: 'BAD_SIGNATURE' });
  const response = await wxpay.v2.pay.micropay.post({ xml: order });
  expect(response.verified).toBe(true);
});

test('a GET call carries its signed fields in the query; the answer is signed with the query\'s sign type', async () => {
  const fields = { mch_id: '1900000001', appid: 'wxcbda96de0b165486', openid: 'o1', code: 'c1', grant_type: 'authorization_code', scope: 'pay_identity', sign_type: 'HMAC-SHA256' };
  const query = { ...fields, sign: Hash.sign(Hash.ALGO_HMAC_SHA256, fields, mock.apiv2Key) };
  const response = await wxpay.v2.appauth.getaccesstoken.get({ query });
  expect(response).toMatchObject({ status: 200, verified: true, data: { return_code: 'SUCCESS', result_code: 'SUCCESS' } });
  expect(mock.requests[0]).toMatchObject({ method: 'GET', template: 'v2/appauth/getaccesstoken', xml: fields });
  await expect(wxpay.v2.appauth.getaccesstoken.get({ query: { ...query, openid: 'o2' } })).rejects.toMatchObject({ code: 'FAIL', verified: false });
});

describe('the APIv2 media upload (multipart, media_hash signed, media not)', () => {
  const media = Buffer.from('a small image stand-in');

  test('accepted by the mock and its signed answer verified, with media_hash computed', async () => {
    const response = await wxpay.v2.secapi.mch.uploadmedia.post({ security: true, body: { media, filename: 'image.jpg', mch_id: '1900000001', sign_type: 'HMAC-SHA256' } });
    expect(response.verified).toBe(true);
    expect(response.data).toMatchObject({ return_code: 'SUCCESS' });
    expect(String(mock.requests.at(-1)!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
  });

  test('a media_hash that is not the MD5 of the media is refused before sending', async () => {
    const before = mock.requests.length;
    const error = await wxpay.v2.secapi.mch.uploadmedia.post({ body: { media, filename: 'a.jpg', mch_id: '1', media_hash: '0'.repeat(32) } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ParameterError', field: 'body.media_hash' });
    expect(mock.requests.length).toBe(before);
  });

  test('the mock refuses an upload whose media does not match its signed media_hash', async () => {
    const FormData = (await import('form-data')).default;
    const fields = { mch_id: '1900000001', media_hash: '0'.repeat(32), sign_type: 'MD5' };
    const form = new FormData();
    form.append('media', media, { filename: 'a.jpg' });
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('sign', Hash.sign(Hash.ALGO_MD5, fields, mock.apiv2Key));
    const answer = await fetch(`${mock.url}secapi/mch/uploadmedia`, { method: 'POST', headers: form.getHeaders(), body: form.getBuffer() });
    const text = await answer.text();
    expect(Transformer.toObject(text)).toMatchObject({ return_code: 'FAIL', return_msg: expect.stringContaining('media_hash') });
  });
});
