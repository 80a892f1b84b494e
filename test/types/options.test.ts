// Types and runtime agree on the options object: every top-level key the typings give an
// operation (src/generated/paths.ts, derived by codegen's typedRequestFields) is one the client
// accepts, for every documented operation, over a real loopback call.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { typedRequestFields } from '../../codegen/emit';
import type { Model } from '../../codegen/model';
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { makeIdentities } from '../helpers/keys.js';
import { startRawServer, type RawServer } from '../helpers/raw-server.js';

const model = JSON.parse(readFileSync(resolve(__dirname, '../../src/generated/model.json'), 'utf8')) as Model;
const { merchant, platform } = makeIdentities();
let server: RawServer;
let wxpay: UntypedWechatpayClient;

beforeAll(async () => {
  server = await startRawServer(() => ({ status: 404, body: '{"code":"NOT_FOUND","message":"x"}' }));
  wxpay = untyped(new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, baseURL: server.url, apiv2Key: 'k'.repeat(32) }));
});
afterAll(() => server.close());

const VALUES: Record<string, unknown> = { json: {}, query: {}, headers: {}, xml: {}, body: { file: Buffer.from('x'), meta: { filename: 'a.png' } }, security: true, nonceless: true };

function optionsFor(template: string, op: Model['endpoints'][number]['operations'][number]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of typedRequestFields(op)) out[f.name] = f.in === 'path' ? '1' : f.name === 'base_uri' ? server.url : VALUES[f.name] ?? 'x';
  void template;
  return out;
}

test('no typed top-level option is refused as unknown at run time, on any documented operation', async () => {
  const refused: string[] = [];
  let calls = 0;
  for (const e of model.endpoints) {
    for (const op of e.operations) {
      const options = optionsFor(e.template, op);
      if (op.request.kind === 'multipart' || op.request.kind === 'xml') delete options.json;
      calls += 1;
      const error = await wxpay.chain(e.template)[op.method](options).then(() => undefined, (x: unknown) => x);
      const message = error instanceof Error ? error.message : '';
      if (/unknown option/.test(message)) refused.push(`${op.method.toUpperCase()} ${e.template}: ${message}`);
    }
  }
  expect(calls).toBe(1147);
  expect(refused).toEqual([]);
});

test('the keys the typings leave out are the ones the client has no option for', () => {
  const dropped = model.endpoints.flatMap((e) =>
    e.operations.flatMap((op) => {
      const kept = new Set(typedRequestFields(op).map((f) => f.name));
      return op.request.fields.filter((f) => !kept.has(f.name)).map((f) => `${e.template} ${f.name}`);
    }),
  );
  expect(dropped.sort()).toEqual([
    'v2/appauth/authindex fragment',
    'v2/papay/entrustweb fragment',
    'v2/secapi/mch/addInstitutionsub addinstitutionsub',
    'v2/secapi/mch/modifyInstitutionsub modifyinstitutionsub',
    'v2/secapi/mch/queryInstitutionsub queryinstitutionsub',
    'v2/xdc/apiv2sandbox/pay/orderquery timeout',
    'v3/global/papay/transactions/out-trade-no/{out_trade_no} transaction_id',
  ]);
});
