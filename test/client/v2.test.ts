// APIv2 calls over loopback: the XML body and its sign are checked by the peer SDK's own APIv2
// code (wechatpay-axios-plugin's Hash and Transformer), and the answer's sign by ours.
import { Hash, Transformer } from 'wechatpay-axios-plugin';
import { ApiError, ConfigError, ParameterError, VerificationError, Wechatpay, untyped } from '../../src/index.js';
import { makeIdentities } from '../helpers/keys.js';
import { startRawServer, type RawRequest, type RawServer } from '../helpers/raw-server.js';
import { unsignedV2Answers } from '../../codegen/request-tables.js';
import type { Model } from '../../codegen/model.js';

const apiv2Key = 'a'.repeat(16) + 'B'.repeat(16);
const { merchant, platform } = makeIdentities();
let server: RawServer;
let answer: (request: RawRequest, fields: Record<string, string>) => Record<string, string> | string;
const verdicts: boolean[] = [];

beforeAll(async () => {
  server = await startRawServer((request) => {
    const fields = Transformer.toObject(request.body.toString()) as Record<string, string>;
    const type = fields.sign_type === 'HMAC-SHA256' ? Hash.ALGO_HMAC_SHA256 : Hash.ALGO_MD5;
    verdicts.push(Hash.sign(type, fields, apiv2Key) === fields.sign);
    const out = answer(request, fields);
    if (typeof out === 'string') return { body: out, headers: { 'Content-Type': 'text/plain' } };
    const signed = { ...out, sign: Hash.sign(type, out, apiv2Key) };
    return { body: Transformer.toXml(signed), headers: { 'Content-Type': 'text/xml' } };
  });
});
afterAll(() => server.close());
beforeEach(() => verdicts.splice(0));

const client = (extra: Record<string, unknown> = {}) =>
  untyped(new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, baseURL: server.url, apiv2Key, ...extra }));

const order = { appid: 'wxd678efh567hg6787', mch_id: '1900000001', body: '腾讯充值中心-QQ会员充值', out_trade_no: '20150806125346', total_fee: 88, spbill_create_ip: '123.12.12.123', auth_code: '120061098828009406' };

test.each(['MD5', 'HMAC-SHA256'])('%s: the request sign verifies under the peer, the answer under ours', async (signType) => {
  answer = (_request, fields) => ({ return_code: 'SUCCESS', result_code: 'SUCCESS', out_trade_no: fields.out_trade_no!, total_fee: fields.total_fee!, nonce_str: 'x1' });
  const xml = signType === 'MD5' ? order : { ...order, sign_type: signType };
  const response = await client().v2.pay.micropay.post({ xml });
  expect(verdicts).toEqual([true]);
  expect(response.verified).toBe(true);
  expect(response.data).toMatchObject({ return_code: 'SUCCESS', out_trade_no: '20150806125346', total_fee: '88' });
  const sent = server.requests.at(-1)!;
  expect(sent.url).toBe('/pay/micropay');
  expect(sent.headers['content-type']).toContain('text/xml');
  expect(sent.body.toString()).toMatch(/<nonce_str>[0-9a-f]{32}<\/nonce_str>/);
});

test('nonceless leaves nonce_str out; declarative and attribute styles reach the same path', async () => {
  answer = () => ({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
  await client().chain('v2/pay/micropay').post({ xml: order, nonceless: true });
  expect(server.requests.at(-1)!.body.toString()).not.toContain('nonce_str');
  await client()['v2/pay/micropay'].postAsync({ xml: order });
  expect(server.requests.at(-1)!.url).toBe('/pay/micropay');
  expect(verdicts).toEqual([true, true]);
});

test('a tampered answer is a VerificationError', async () => {
  answer = () => ({ return_code: 'SUCCESS', result_code: 'SUCCESS', total_fee: '88' });
  const tampering = await startRawServer(() => ({
    body: Transformer.toXml({ return_code: 'SUCCESS', result_code: 'SUCCESS', total_fee: '1', sign: Hash.sign(Hash.ALGO_MD5, { return_code: 'SUCCESS', result_code: 'SUCCESS', total_fee: '88' }, apiv2Key) }),
  }));
  const error = await untyped(new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, baseURL: tampering.url, apiv2Key }))
    .v2.pay.micropay.post({ xml: order })
    .catch((e: unknown) => e);
  await tampering.close();
  expect(error).toBeInstanceOf(VerificationError);
  expect((error as VerificationError).code).toBe('BAD_SIGNATURE');
});

test('a business failure is an ApiError with the err_code; an unsigned FAIL says verified: false', async () => {
  answer = () => ({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'USERPAYING', err_code_des: '需要用户输入支付密码' });
  const paying = (await client().v2.pay.micropay.post({ xml: order }).catch((e: unknown) => e)) as ApiError;
  expect(paying).toBeInstanceOf(ApiError);
  expect(paying).toMatchObject({ code: 'USERPAYING', verified: true });
  answer = () => '<xml><return_code>FAIL</return_code><return_msg>签名错误</return_msg></xml>';
  const failed = (await client().v2.pay.micropay.post({ xml: order }).catch((e: unknown) => e)) as ApiError;
  expect(failed).toMatchObject({ code: 'FAIL', verified: false });
  expect(failed.message).toContain('签名错误');
});

test('a non-XML answer (a bill download) is returned as a Buffer', async () => {
  answer = () => '交易时间,公众账号ID\n`2026-11-23,`wx8888';
  const response = await client().v2.pay.downloadbill.post({ xml: { appid: 'wx', mch_id: '1900000001', bill_date: '20261122', bill_type: 'ALL' } });
  expect(Buffer.isBuffer(response.data)).toBe(true);
  expect(String(response.data)).toContain('交易时间');
});

test('configuration and option errors, before anything is sent', async () => {
  const before = server.requests.length;
  await expect(client({ apiv2Key: undefined }).v2.pay.micropay.post({ xml: order })).rejects.toBeInstanceOf(ConfigError);
  await expect(client().v2.pay.micropay.post({ json: order })).rejects.toBeInstanceOf(ParameterError);
  await expect(client().v2.pay.micropay.post({ xml: { detail: { goods: [] } } })).rejects.toThrow(/xml\.detail/);
  await expect(client().v2.secapi.pay.refund.post({ xml: order, security: true })).rejects.toThrow(/merchantCertificate/);
  expect(() => client({ apiv2Key: 'short' })).toThrow(ConfigError);
  expect(server.requests.length).toBe(before);
});

test('M6: a SUCCESS answer without sign is refused where the documentation shows a signed answer; the documented exceptions pass', async () => {
  answer = () => '<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><transaction_id>4200</transaction_id></xml>';
  const error = (await client().v2.pay.micropay.post({ xml: order }).catch((e: unknown) => e)) as VerificationError;
  expect(error).toBeInstanceOf(VerificationError);
  expect(error.message).toMatch(/SUCCESS without a sign; POST v2\/pay\/micropay is documented as signed/);
  // Sending a red packet is documented with an unsigned answer (one of UNSIGNED_V2_ANSWERS).
  const sent = await client().v2.mmpaymkttransfers.sendredpack.post({ xml: { mch_billno: 'B1', mch_id: '1900000001', wxappid: 'wx1' }, security: false });
  expect(sent.verified).toBe(false);
  expect((sent.data as Record<string, string>).result_code).toBe('SUCCESS');
});

test('the documented exceptions: every APIv2 answer the model shows without sign, and only those', () => {
  const { UNSIGNED_V2_ANSWERS } = require('../../src/generated/request-tables.js') as typeof import('../../src/generated/request-tables.js');
    expect(UNSIGNED_V2_ANSWERS).toEqual(unsignedV2Answers(require('../../src/generated/model.json') as Model));
  expect(UNSIGNED_V2_ANSWERS).toContain('POST v2/mmpaymkttransfers/sendredpack');
  expect(UNSIGNED_V2_ANSWERS).not.toContain('POST v2/pay/micropay');
});

test('APIv2 retries: SYSTEMERROR on a call carrying out_trade_no is retried with a fresh nonce_str and sign; without it, never', async () => {
  let calls = 0;
  answer = (): Record<string, string> => (++calls === 1 ? { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '系统超时' } : { return_code: 'SUCCESS', result_code: 'SUCCESS', transaction_id: '4200' });
  const waits: number[] = [];
  const retry = { sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 };
  const before = server.requests.length;
  const paid = await client({ retry }).v2.pay.micropay.post({ xml: order });
  expect(paid.verified).toBe(true);
  expect(waits).toEqual([125]);
  const [first, second] = server.requests.slice(before).map((r) => Transformer.toObject(r.body.toString()) as Record<string, string>);
  expect(second!.out_trade_no).toBe(first!.out_trade_no);
  expect(second!.nonce_str).not.toBe(first!.nonce_str);
  expect(verdicts.every(Boolean)).toBe(true);
  calls = 0;
  const { out_trade_no: _none, ...withoutNumber } = order;
  const failed = await client({ retry }).v2.pay.micropay.post({ xml: withoutNumber }).catch((e: unknown) => e);
  expect(failed).toMatchObject({ code: 'SYSTEMERROR' });
  expect(waits).toEqual([125]);
});
