// Pay parameters, checked by code we did not write: node:crypto's verifier over the message each
// channel documents, and wechatpay-axios-plugin's Rsa.verify / Hash.sign.
import { createHash, createHmac, verify } from 'node:crypto';
import { Hash, Rsa } from 'wechatpay-axios-plugin';
import { ConfigError, ParameterError, Wechatpay } from '../../src/index.js';
import { makeIdentities } from '../helpers/keys.js';

const { merchant, platform } = makeIdentities();
const apiv2Key = 'k'.repeat(16) + '0123456789ABCDEF';
const wxpay = new Wechatpay({
  mchid: '1900000001',
  serial: merchant.serial,
  privateKey: merchant.privateKeyPem,
  certs: { [platform.serial]: platform.certificatePem },
  apiv2Key,
});

const rsaValid = (message: string, signature: string) => verify('sha256', Buffer.from(message), merchant.publicKey, Buffer.from(signature, 'base64'));

test('APIv3 JSAPI: the documented fields, RSA over appId/timeStamp/nonceStr/package', () => {
  const params = wxpay.payParams.jsapi({ appId: 'wxd678efh567hg6787', prepayId: 'wx201410272009395522657a690389285100' });
  expect(Object.keys(params).sort()).toEqual(['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
  expect(params).toMatchObject({ appId: 'wxd678efh567hg6787', package: 'prepay_id=wx201410272009395522657a690389285100', signType: 'RSA' });
  expect(params.timeStamp).toMatch(/^\d{10}$/);
  expect(params.nonceStr).toMatch(/^[A-Za-z0-9]{32}$/);
  const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
  expect(rsaValid(message, params.paySign)).toBe(true);
  expect(Rsa.verify(message, params.paySign, merchant.publicKeyPem)).toBe(true);
  // A different prepay id does not verify under this signature: the signature covers it.
  expect(rsaValid(message.replace('wx2014', 'wx2015'), params.paySign)).toBe(false);
});

test('mini-program: the JSAPI fields without appId, signed over it all the same', () => {
  const params = wxpay.payParams.miniProgram({ appId: 'wxmini', prepayId: 'P1', timeStamp: 1700000000, nonceStr: 'abc' });
  expect(Object.keys(params).sort()).toEqual(['nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
  expect(params.timeStamp).toBe('1700000000');
  expect(rsaValid('wxmini\n1700000000\nabc\nprepay_id=P1\n', params.paySign)).toBe(true);
});

test('APIv3 APP: lower-case PayReq fields, RSA over appid/timestamp/noncestr/prepayid', () => {
  const params = wxpay.payParams.app({ appId: 'wxapp', prepayId: 'WX1217752501201407033233368018' });
  expect(Object.keys(params).sort()).toEqual(['appid', 'noncestr', 'package', 'partnerid', 'prepayid', 'sign', 'timestamp']);
  expect(params).toMatchObject({ appid: 'wxapp', partnerid: '1900000001', prepayid: 'WX1217752501201407033233368018', package: 'Sign=WXPay' });
  const message = `wxapp\n${params.timestamp}\n${params.noncestr}\nWX1217752501201407033233368018\n`;
  expect(rsaValid(message, params.sign)).toBe(true);
  expect(Rsa.verify(message, params.sign, merchant.publicKeyPem)).toBe(true);
});

test('partner and combined orders: same shapes; a partner APP names the sub-merchant', () => {
  const app = wxpay.payParams.partner.app({ appId: 'wxsub', prepayId: 'P2', partnerId: '1900000109' });
  expect(app.partnerid).toBe('1900000109');
  expect(rsaValid(`wxsub\n${app.timestamp}\n${app.noncestr}\nP2\n`, app.sign)).toBe(true);
  const jsapi = wxpay.payParams.partner.jsapi({ appId: 'wxsp', prepayId: 'P3' });
  expect(rsaValid(`wxsp\n${jsapi.timeStamp}\n${jsapi.nonceStr}\nprepay_id=P3\n`, jsapi.paySign)).toBe(true);
  const combined = wxpay.payParams.combine.jsapi({ appId: 'wxcombine', prepayId: 'P4' });
  expect(combined.package).toBe('prepay_id=P4');
  expect(rsaValid(`wxcombine\n${combined.timeStamp}\n${combined.nonceStr}\nprepay_id=P4\n`, combined.paySign)).toBe(true);
  expect(Object.keys(wxpay.payParams.combine.miniProgram({ appId: 'wxc', prepayId: 'P5' }))).not.toContain('appId');
});

test('APIv2 JSAPI, MD5 by default and HMAC-SHA256 when asked: the peer SDK computes the same paySign', () => {
  const md5 = wxpay.payParams.v2.jsapi({ appId: 'wxv2', prepayId: 'P6', timeStamp: '1700000000', nonceStr: 'n1' });
  expect(md5.signType).toBe('MD5');
  const { paySign, ...signed } = md5;
  expect(paySign).toBe(Hash.sign('MD5', signed, apiv2Key));
  expect(paySign).toBe(createHash('md5').update(`appId=wxv2&nonceStr=n1&package=prepay_id=P6&signType=MD5&timeStamp=1700000000&key=${apiv2Key}`).digest('hex').toUpperCase());

  const hmac = wxpay.payParams.v2.jsapi({ appId: 'wxv2', prepayId: 'P6', signType: 'HMAC-SHA256' });
  const { paySign: hmacSign, ...hmacSigned } = hmac;
  expect(hmac.signType).toBe('HMAC-SHA256');
  expect(hmacSign).toBe(Hash.sign('HMAC-SHA256', hmacSigned, apiv2Key));
  const text = `appId=wxv2&nonceStr=${hmac.nonceStr}&package=prepay_id=P6&signType=HMAC-SHA256&timeStamp=${hmac.timeStamp}&key=${apiv2Key}`;
  expect(hmacSign).toBe(createHmac('sha256', apiv2Key).update(text).digest('hex').toUpperCase());
});

test('APIv2 APP: PayReq fields signed with the APIv2 key', () => {
  const params = wxpay.payParams.v2.app({ appId: 'wxapp', prepayId: 'P7', signType: 'HMAC-SHA256' });
  const { sign, ...signed } = params;
  expect(Object.keys(signed).sort()).toEqual(['appid', 'noncestr', 'package', 'partnerid', 'prepayid', 'timestamp']);
  expect(sign).toBe(Hash.sign('HMAC-SHA256', signed, apiv2Key));
});

test('bad input is a ParameterError naming the field; APIv2 without apiv2Key a ConfigError', () => {
  const cases: [() => unknown, string][] = [
    [() => wxpay.payParams.jsapi({ appId: 'wx1', prepayId: 'prepay_id=x y' }), 'prepayId'],
    [() => wxpay.payParams.jsapi({ appId: '', prepayId: 'P' }), 'appId'],
    [() => wxpay.payParams.jsapi({ appId: 'wx1', prepayId: 'P', timeStamp: 'soon' }), 'timeStamp'],
    [() => wxpay.payParams.app({ appId: 'wx1', prepayId: 'P', partnerId: 'abc' }), 'partnerId'],
    [() => wxpay.payParams.v2.jsapi({ appId: 'wx1', prepayId: 'P', signType: 'SHA1' as never }), 'signType'],
  ];
  for (const [call, field] of cases) {
    const error = (() => { try { call(); } catch (e) { return e; } return undefined; })();
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).field).toBe(field);
  }
  const noV2 = new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem } });
  expect(() => noV2.payParams.v2.app({ appId: 'wx1', prepayId: 'P' })).toThrow(ConfigError);
  // The merchant key never shows in what is returned.
  expect(JSON.stringify(wxpay.payParams.jsapi({ appId: 'wx1', prepayId: 'P' }))).not.toContain('PRIVATE');
});

test('credit payment (微信分付): the package carries subsidy_period_type, given as an option or whole; the signature covers it', () => {
  const input = { appId: 'wxd678efh567hg6787', prepayId: 'wx201410272009395522657a690389285100', timeStamp: 1414561699, nonceStr: 'n1' };
  const byOption = wxpay.payParams.jsapi({ ...input, subsidyPeriodType: 'DAILY' });
  const whole = wxpay.payParams.jsapi({ ...input, prepayId: 'prepay_id=wx201410272009395522657a690389285100&subsidy_period_type=DAILY' });
  expect(byOption.package).toBe('prepay_id=wx201410272009395522657a690389285100&subsidy_period_type=DAILY');
  expect(whole).toEqual(byOption);
  expect(rsaValid(`wxd678efh567hg6787\n1414561699\nn1\n${byOption.package}\n`, byOption.paySign)).toBe(true);
  expect(wxpay.payParams.miniProgram({ ...input, subsidyPeriodType: 'PERIOD' }).package).toMatch(/&subsidy_period_type=PERIOD$/);
  const v2 = wxpay.payParams.v2.jsapi({ ...input, subsidyPeriodType: 'PERIOD', signType: 'HMAC-SHA256' });
  const { paySign, ...fields } = v2;
  expect(fields.package).toBe('prepay_id=wx201410272009395522657a690389285100&subsidy_period_type=PERIOD');
  expect(paySign).toBe(Hash.sign(Hash.ALGO_HMAC_SHA256, fields, apiv2Key));
  // Refused, naming the field: a suffix that is not this one, two disagreeing types, and APP (whose package is Sign=WXPay).
  expect(() => wxpay.payParams.jsapi({ ...input, prepayId: 'prepay_id=wx2&other=1' })).toThrow(ParameterError);
  expect(() => wxpay.payParams.jsapi({ ...input, prepayId: 'prepay_id=wx2&subsidy_period_type=DAILY', subsidyPeriodType: 'PERIOD' })).toThrow(/subsidyPeriodType/);
  expect(() => wxpay.payParams.jsapi({ ...input, subsidyPeriodType: 'daily; x' })).toThrow(/subsidyPeriodType/);
  expect(() => wxpay.payParams.app({ ...input, subsidyPeriodType: 'DAILY' })).toThrow(/subsidyPeriodType/);
});
