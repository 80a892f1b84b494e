// Building pay parameters against the one RSA signature they need: `wxpay.payParams.jsapi()`
// and a bare `crypto.sign` over the same message, interleaved block by block in one process,
// medians over the blocks of µs per call.
//   node bench/pay-params.mjs [blocks] [calls per block]      (after `npm run build`; default 15 × 500)
import { generateKeyPairSync, sign } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Wechatpay } = require('../dist/cjs/index.js');

const blocks = Number(process.argv[2] ?? 15);
const perBlock = Number(process.argv[3] ?? 500);
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const wxpay = new Wechatpay({ mchid: '1900000001', serial: 'ABCDEF', privateKey, certs: { PUB_KEY_ID_0000: publicKey }, apiv2Key: 'k'.repeat(32) });
const appId = 'wxd678efh567hg6787';
const prepayId = 'wx201410272009395522657a690389285100';

const bare = () => {
  const timeStamp = String(Math.floor(Date.now() / 1000));
  sign('sha256', Buffer.from(`${appId}\n${timeStamp}\nabcdef0123456789abcdef0123456789\nprepay_id=${prepayId}\n`), privateKey).toString('base64');
};
const ours = () => wxpay.payParams.jsapi({ appId, prepayId });
const time = (fn) => {
  const started = process.hrtime.bigint();
  for (let i = 0; i < perBlock; i++) fn();
  return Number(process.hrtime.bigint() - started) / 1000 / perBlock;
};
for (let i = 0; i < 200; i++) (bare(), ours());
const samples = { bare: [], ours: [] };
for (let block = 0; block < blocks; block++) {
  for (const [name, fn] of block % 2 ? [['ours', ours], ['bare', bare]] : [['bare', bare], ['ours', ours]]) samples[name].push(time(fn));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratios = samples.ours.map((value, i) => value / samples.bare[i]);
console.log(`bare crypto.sign:       ${median(samples.bare).toFixed(1)} µs/call`);
console.log(`wxpay.payParams.jsapi:  ${median(samples.ours).toFixed(1)} µs/call`);
console.log(`ours ÷ bare, median over ${blocks} blocks of ${perBlock}: ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}; target ≤ 1.1)`);
