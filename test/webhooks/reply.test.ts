// The documented replies, and the signed reply for events that define reply fields.
import { verifySignature } from '../../src/signing/verify.js';
import { Webhooks } from '../../src/webhooks/index.js';
import { makeIdentities } from '../helpers/keys.js';

const { merchant } = makeIdentities();
const webhooks = new Webhooks({ keys: new Map(), apiv3Key: 'x'.repeat(32), signer: { serial: merchant.serial, privateKey: merchant.privateKey } });

test('success is 204 with no body; with reply fields, 200 JSON with code SUCCESS', () => {
  expect(webhooks.reply.success()).toEqual({ status: 204, headers: {}, body: '' });
  const reply = webhooks.reply.success({ retention_type: 'COUPON', coupon_info: { state: 'SEND_COUPON', coupon_id: '1' } });
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toEqual({ code: 'SUCCESS', retention_type: 'COUPON', coupon_info: { state: 'SEND_COUPON', coupon_id: '1' } });
});

test('fail is { code: FAIL, message } with a 4XX/5XX status, so WeChat Pay retries', () => {
  expect(webhooks.reply.fail('busy')).toEqual({ status: 500, headers: { 'Content-Type': 'application/json' }, body: '{"code":"FAIL","message":"busy"}' });
  expect(webhooks.reply.fail('bad', 400).status).toBe(400);
  expect(() => webhooks.reply.fail('ok?', 200)).toThrow(RangeError);
});

test('a signed reply carries the merchant signature over its exact body', () => {
  const reply = webhooks.reply.signed({ retention_type: 'COUPON' });
  const keys = new Map([[merchant.serial, { id: merchant.serial, key: merchant.publicKey }]]);
  const headers = {
    timestamp: reply.headers['Wechatpay-Timestamp'],
    nonce: reply.headers['Wechatpay-Nonce'],
    signature: reply.headers['Wechatpay-Signature'],
    serial: reply.headers['Wechatpay-Serial'],
  };
  expect(() => verifySignature({ platformKeys: keys, maxClockSkew: 300 }, headers, reply.body)).not.toThrow();
  expect(() => verifySignature({ platformKeys: keys, maxClockSkew: 300 }, headers, reply.body.replace('COUPON', 'NONE'))).toThrow(/does not match/);
  expect(() => new Webhooks({ keys, apiv3Key: 'x'.repeat(32) }).reply.signed({})).toThrow(/merchant key/);
});
