// APIv2 notifications, built with the peer SDK's own APIv2 code (wechatpay-axios-plugin's Hash,
// Transformer and AES-256-ECB), verified and decrypted by ours.
import { createHash } from 'node:crypto';
import { Aes, Hash, Transformer } from 'wechatpay-axios-plugin';
import { DecryptionError } from '../../src/crypto/errors.js';
import { VerificationError } from '../../src/errors.js';
import { Webhooks, WebhookError } from '../../src/webhooks/index.js';

const apiv2Key = 'k'.repeat(20) + 'Z'.repeat(12);
const webhooks = new Webhooks({ keys: new Map(), apiv3Key: 'x'.repeat(32), apiv2Key });
const paid = { appid: 'wx2421b1c4370ec43b', mch_id: '10000100', nonce_str: '5d2b6c2a8db53831f7eda20af46e531c', result_code: 'SUCCESS', return_code: 'SUCCESS', out_trade_no: '1409811653', total_fee: '1', transaction_id: '1004400740201409030005092168' };

test.each([
  ['MD5', Hash.ALGO_MD5, {}],
  ['HMAC-SHA256', Hash.ALGO_HMAC_SHA256, { sign_type: 'HMAC-SHA256' }],
])('a %s-signed payment notification verifies', (_name, algorithm, extra) => {
  const fields = { ...paid, ...extra };
  const xml = Transformer.toXml({ ...fields, sign: Hash.sign(algorithm, fields, apiv2Key) });
  expect(webhooks.parseV2(xml).fields).toEqual({ ...fields, sign: expect.any(String) });
});

test('a changed field or a missing sign is refused', () => {
  const xml = Transformer.toXml({ ...paid, sign: Hash.sign(Hash.ALGO_MD5, paid, apiv2Key) });
  expect(() => webhooks.parseV2(xml.replace('<total_fee>1</total_fee>', '<total_fee>100</total_fee>'))).toThrow(VerificationError);
  expect(() => webhooks.parseV2(Transformer.toXml(paid))).toThrow(/no sign/);
  expect(() => webhooks.parseV2('{"not":"xml"}')).toThrow(WebhookError);
});

test('the refund notification: req_info (AES-256-ECB under MD5 of the key) is decrypted', () => {
  const inner = '<root><out_refund_no><![CDATA[131811191610442717309]]></out_refund_no><refund_status><![CDATA[SUCCESS]]></refund_status><refund_fee><![CDATA[3960]]></refund_fee></root>';
  const key = createHash('md5').update(apiv2Key).digest('hex');
  const reqInfo = Aes.AesEcb.encrypt(inner, key);
  const xml = Transformer.toXml({ return_code: 'SUCCESS', appid: 'wx2421b1c4370ec43b', mch_id: '10000100', nonce_str: 'TeqClE3i0mvn3DrK', req_info: reqInfo });
  const parsed = webhooks.parseV2(xml);
  expect(parsed.reqInfo).toEqual({ out_refund_no: '131811191610442717309', refund_status: 'SUCCESS', refund_fee: '3960' });
  const otherKey = createHash('md5').update('y'.repeat(32)).digest('hex');
  const forged = Transformer.toXml({ return_code: 'SUCCESS', req_info: Aes.AesEcb.encrypt(inner, otherKey) });
  expect(() => webhooks.parseV2(forged)).toThrow(DecryptionError);
});

test('the documented APIv2 replies', () => {
  expect(webhooks.reply.v2(true)).toEqual({ status: 200, headers: { 'Content-Type': 'text/xml' }, body: '<xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg></xml>' });
  expect(webhooks.reply.v2(false, '参数格式校验错误').status).toBe(500);
  expect(Transformer.toObject(webhooks.reply.v2(false, '参数格式校验错误').body)).toEqual({ return_code: 'FAIL', return_msg: '参数格式校验错误' });
});
