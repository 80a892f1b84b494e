// APIv2 notifications, built with the peer SDK's own APIv2 code (wechatpay-axios-plugin's Hash,
// Transformer and AES-256-ECB), verified and decrypted by ours.
import { createHash } from 'node:crypto';
import { Aes, Hash, Transformer } from 'wechatpay-axios-plugin';
import { DecryptionError } from '../../src/crypto/errors.js';
import { VerificationError } from '../../src/errors.js';
import { Webhooks, WebhookError } from '../../src/webhooks/index.js';
import { REFUND_CORE } from '../../src/webhooks/v2.js';

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
  expect(webhooks.parseV2(xml).signed).toBe(true);
});

test('a changed field or a missing sign is refused', () => {
  const xml = Transformer.toXml({ ...paid, sign: Hash.sign(Hash.ALGO_MD5, paid, apiv2Key) });
  expect(() => webhooks.parseV2(xml.replace('<total_fee>1</total_fee>', '<total_fee>100</total_fee>'))).toThrow(VerificationError);
  expect(() => webhooks.parseV2(Transformer.toXml(paid))).toThrow(/no sign/);
  expect(() => webhooks.parseV2('{"not":"xml"}')).toThrow(WebhookError);
});

const refund = {
  out_refund_no: '131811191610442717309',
  out_trade_no: '071106272017090119000000000001',
  refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS',
  refund_fee: '3960',
  refund_id: '50000408942018111907145868882',
  refund_status: 'SUCCESS',
  total_fee: '3960',
  transaction_id: '4200000215201811190261405420',
  cash_refund_fee: '3960',
};
const md5Key = createHash('md5').update(apiv2Key).digest('hex');
const rootXml = (fields: Record<string, string>) => `<root>${Object.entries(fields).map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`).join('')}</root>`;
const envelope = { return_code: 'SUCCESS', appid: 'wx2421b1c4370ec43b', mch_id: '10000100', nonce_str: 'TeqClE3i0mvn3DrK' };

test('the refund notification: req_info (AES-256-ECB under MD5 of the key) is decrypted', () => {
  const reqInfo = Aes.AesEcb.encrypt(rootXml(refund), md5Key);
  const parsed = webhooks.parseV2(Transformer.toXml({ ...envelope, req_info: reqInfo }));
  expect(parsed.reqInfo).toEqual(refund);
  expect(parsed.signed).toBe(false);
  const otherKey = createHash('md5').update('y'.repeat(32)).digest('hex');
  const forged = Transformer.toXml({ return_code: 'SUCCESS', req_info: Aes.AesEcb.encrypt(rootXml(refund), otherKey) });
  expect(() => webhooks.parseV2(forged)).toThrow(DecryptionError);
});

test('H2: payment fields forged next to a captured req_info, without a sign, never reach the handler', () => {
  const reqInfo = Aes.AesEcb.encrypt(rootXml(refund), md5Key);
  for (const forged of [{ result_code: 'SUCCESS' }, { out_trade_no: 'T-forged' }, { total_fee: '100000' }]) {
    const parsed = webhooks.parseV2(Transformer.toXml({ ...envelope, ...forged, req_info: reqInfo }));
    expect(parsed.fields).toEqual({ ...envelope, req_info: reqInfo });
    expect(parsed.ignored).toEqual(Object.keys(forged));
    expect(parsed.signed).toBe(false);
    expect(parsed.reqInfo).toEqual(refund);
  }
  // Signed, a req_info body is checked like any other: its fields are then all sign-checked.
  const fields = { ...envelope, req_info: reqInfo };
  const signed = webhooks.parseV2(Transformer.toXml({ ...fields, sign: Hash.sign(Hash.ALGO_MD5, fields, apiv2Key) }));
  expect(signed.signed).toBe(true);
  expect(signed.reqInfo).toEqual(refund);
  expect(() => webhooks.parseV2(Transformer.toXml({ ...fields, total_fee: '9', sign: Hash.sign(Hash.ALGO_MD5, fields, apiv2Key) }))).toThrow(VerificationError);
});

test('L6: a req_info with 16-byte blocks deleted across a tag, a core field missing, or stray text is refused', () => {
  const plain = rootXml(refund);
  const cipher = Buffer.from(Aes.AesEcb.encrypt(plain, md5Key), 'base64');
  // The documented limit: ECB has no MAC, so a block holding no tag boundary (`<` or `>`) can be
  // cut from a value unnoticed. Every deletion that touches a tag is refused.
  const insideValue = (block: number) => !/[<>]/.test(plain.slice(block * 16, (block + 1) * 16));
  let checked = 0;
  for (let block = 0; block < cipher.length / 16 - 1; block++) {
    const cut = Buffer.concat([cipher.subarray(0, block * 16), cipher.subarray((block + 1) * 16)]).toString('base64');
    const parse = () => webhooks.parseV2(Transformer.toXml({ ...envelope, req_info: cut }));
    if (insideValue(block)) continue;
    expect(parse).toThrow(DecryptionError);
    checked++;
  }
  expect(checked).toBeGreaterThan(20);
  const { total_fee: _dropped, ...missing } = refund;
  expect(() => webhooks.parseV2(Transformer.toXml({ ...envelope, req_info: Aes.AesEcb.encrypt(rootXml(missing), md5Key) }))).toThrow(/total_fee/);
  expect(() => webhooks.parseV2(Transformer.toXml({ ...envelope, req_info: Aes.AesEcb.encrypt(`${rootXml(refund)}trailing`, md5Key) }))).toThrow(/well-formed/);
  expect(() => webhooks.parseV2(Transformer.toXml({ ...envelope, req_info: Aes.AesEcb.encrypt(`${rootXml(refund)}<root></root>`, md5Key) }))).toThrow(/well-formed/);
  expect(() => webhooks.parseV2(Transformer.toXml({ ...envelope, req_info: Aes.AesEcb.encrypt(rootXml({ ...refund }).replace('</root>', '<refund_fee>1</refund_fee></root>'), md5Key) }))).toThrow(/refund_fee more than once/);
  expect(() => webhooks.parseV2(Transformer.toXml({ ...envelope, req_info: Aes.AesEcb.encrypt(rootXml({ ...refund }).replace('</root>', '<mch_id>1</mch_id></root>'), md5Key) }))).toThrow(/mch_id is not the notification's/);
  expect(() => webhooks.parseV2(Transformer.toXml({ ...envelope, req_info: Aes.AesEcb.encrypt(rootXml({ ...refund }).replace('</root>', '<nested><x>1</x></nested></root>'), md5Key) }))).toThrow(/nested is not text/);
});

test('M4: an oversized body is refused before it is parsed', () => {
  const small = new Webhooks({ keys: new Map(), apiv3Key: 'x'.repeat(32), apiv2Key, maxBodyBytes: 1024 });
  const big = Transformer.toXml({ ...paid, padding: 'x'.repeat(2048), sign: 'S' });
  expect(() => small.parseV2(big)).toThrow(expect.objectContaining({ code: 'BODY_TOO_LARGE' }));
});

test('the refund fields demanded are documented as required, and the rest of those documented are only read', () => {
  const model = require('../../src/generated/model.json') as { webhooks: Array<{ source: string; request: Array<{ name: string; children?: Array<{ name: string; required?: boolean; children?: Array<{ name: string; required?: boolean }> }> }> }> };
  const webhook = model.webhooks.find((w) => w.source.endsWith('v2/refund-processed.md'))!;
  const reqInfo = webhook.request.find((f) => f.name === 'body')!.children!.find((f) => f.name === 'req_info')!;
  const documented = reqInfo.children!.filter((f) => f.required).map((f) => f.name);
  expect(documented).toEqual(expect.arrayContaining([...REFUND_CORE]));
  // Read when present, never demanded: genuine notices of 2017 and 2018 lack cash_refund_fee, and a refund is acted on without refund_account.
  expect(documented.filter((name) => !(REFUND_CORE as readonly string[]).includes(name)).sort()).toEqual(['cash_refund_fee', 'refund_account']);
});

test('the documented APIv2 replies', () => {
  expect(webhooks.reply.v2(true)).toEqual({ status: 200, headers: { 'Content-Type': 'text/xml' }, body: '<xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg></xml>' });
  expect(webhooks.reply.v2(false, '参数格式校验错误').status).toBe(500);
  expect(Transformer.toObject(webhooks.reply.v2(false, '参数格式校验错误').body)).toEqual({ return_code: 'FAIL', return_msg: '参数格式校验错误' });
});
