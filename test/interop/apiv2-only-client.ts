// An APIv2-only merchant's process, run by apiv2-only.test.ts as a child (so that only its TLS
// connections skip checking the test server's self-signed certificate): clients configured with
// mchid, apiv2Key and the merchant certificate (PEM pair, or PKCS#12) and nothing for APIv3.
import { Wechatpay, untyped } from '../../src/index.js';

interface Setup {
  baseURL: string;
  mchid: string;
  apiv2Key: string;
  privateKeyPem: string;
  certificatePem: string;
  pkcs12: string;
}

const setup = JSON.parse(process.env.APIV2_ONLY_SETUP ?? '{}') as Setup;
const pair = untyped(new Wechatpay({ mchid: setup.mchid, apiv2Key: setup.apiv2Key, privateKey: setup.privateKeyPem, merchantCertificate: setup.certificatePem, baseURL: setup.baseURL }));
const bundle = untyped(new Wechatpay({ mchid: setup.mchid, apiv2Key: setup.apiv2Key, pkcs12: Buffer.from(setup.pkcs12, 'base64'), baseURL: setup.baseURL }));
const bare = untyped(new Wechatpay({ mchid: setup.mchid, apiv2Key: setup.apiv2Key, baseURL: setup.baseURL }));
const refund = { xml: { appid: 'wxd678efh567hg6787', mch_id: setup.mchid, out_trade_no: 'T1', out_refund_no: 'R1', total_fee: '1', refund_fee: '1' }, security: true };
const outcome = (call: Promise<{ verified: boolean }>) => call.then((response) => `verified:${response.verified}`, (error: { code?: string; field?: string }) => `${String(error.code)}:${String(error.field)}`);

async function main(): Promise<void> {
  const codes = [await outcome(pair.v2.secapi.pay.refund.post(refund)), await outcome(bundle.v2.secapi.pay.refund.post(refund)), await outcome(bare.v2.secapi.pay.refund.post(refund))];
  process.send!({ codes }, () => process.exit(0));
}
void main();
