// Two merchants' clients in one process, run with `node --import tsx` by connections.test.ts
// (a child process, so that only its TLS connections skip checking the test server's
// self-signed certificate: NODE_TLS_REJECT_UNAUTHORIZED is set in its environment alone).
// Each makes APIv2 `security: true` calls and APIv3 calls against the parent's https server,
// which records the client certificate of every request.
import { Wechatpay, untyped } from '../../src/index.js';

export interface MutualTlsSetup {
  baseURL: string;
  apiv2Key: string;
  certs: Record<string, string>;
  merchants: { mchid: string; serial: string; privateKeyPem: string; certificatePem: string }[];
}

const setup = JSON.parse(process.env.MUTUAL_TLS_SETUP ?? '{}') as MutualTlsSetup;
const [a, b] = setup.merchants.map((m) =>
  untyped(new Wechatpay({ mchid: m.mchid, serial: m.serial, privateKey: m.privateKeyPem, merchantCertificate: m.certificatePem, certs: setup.certs, apiv2Key: setup.apiv2Key, baseURL: setup.baseURL })),
);
const codes: string[] = [];
const settle = (call: Promise<unknown>) => call.then(() => codes.push('ok'), (error: { code?: string }) => codes.push(String(error.code)));
const refund = (mchid: string) => ({ xml: { appid: 'wxd678efh567hg6787', mch_id: mchid, out_trade_no: 'T1', out_refund_no: 'R1', total_fee: '1', refund_fee: '1' }, security: true });
const once = { retry: false } as const;
async function main(): Promise<void> {
  await settle(a!.v2.secapi.pay.refund.post(refund(setup.merchants[0]!.mchid), once));
  await settle(b!.v2.secapi.pay.refund.post(refund(setup.merchants[1]!.mchid), once));
  await settle(a!.v2.secapi.pay.refund.post(refund(setup.merchants[0]!.mchid), once));
  await settle(a!.v3.things._id_.get({ id: 'A' }, once));
  await settle(b!.v3.things._id_.get({ id: 'B' }, once));
  process.send!({ codes }, () => process.exit(0));
}
void main();
