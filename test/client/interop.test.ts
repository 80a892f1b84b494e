// Checked by an implementation we did not write: wechatpay-axios-plugin's own formatter, RSA
// and verifier code, in both directions, in certificate mode and in public-key mode.
import { Formatter, Rsa, Wechatpay as PeerWechatpay } from 'wechatpay-axios-plugin';
import { Wechatpay, untyped } from '../../src/index.js';
import { startMockServer } from '../../src/mock/server.js';
import { makeIdentities } from '../helpers/keys.js';
import { startRawServer } from '../helpers/raw-server.js';

const { merchant, platform, wechatpayPublicKey } = makeIdentities();

const modes = [
  { mode: 'certificate', id: platform.serial, signingKey: platform.privateKeyPem, trust: platform.certificatePem },
  { mode: 'public key', id: wechatpayPublicKey.id, signingKey: wechatpayPublicKey.privateKeyPem, trust: wechatpayPublicKey.publicKeyPem },
];

describe.each(modes)('$mode mode: our client against a server built from the peer SDK', ({ id, signingKey, trust }) => {
  test('our request signatures verify under the peer verifier, and its response signatures under ours', async () => {
    const verdicts: boolean[] = [];
    const server = await startRawServer((request) => {
      const auth = String(request.headers.authorization);
      const fields = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const message = Formatter.request(request.method, request.url, fields.timestamp, fields.nonce_str, request.body.toString());
      verdicts.push(auth.startsWith('WECHATPAY2-SHA256-RSA2048 ') && Rsa.verify(message, fields.signature!, merchant.publicKeyPem));
      const body = JSON.stringify({ echo: JSON.parse(request.body.toString() || 'null'), url: request.url });
      const nonce = Formatter.nonce();
      const timestamp = String(Formatter.timestamp());
      const signature = Rsa.sign(Formatter.response(timestamp, nonce, body), signingKey);
      return {
        body,
        headers: { 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Nonce': nonce, 'Wechatpay-Signature': signature, 'Wechatpay-Serial': id },
      };
    });
    try {
      const wxpay = untyped(new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [id]: trust }, baseURL: server.url }));
      const json = { stock_creator_mchid: '8956000', note: '中文 & symbols !*()' };
      const posted = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json });
      expect(posted.data).toEqual({ echo: json, url: '/v3/marketing/favor/stocks/S1/pause' });
      const got = await wxpay.v3.marketing.favor.stocks._stock_id_.items.get({ stock_id: 'S1', query: { offset: 0, limit: 10 } });
      expect(got.verified).toBe(true);
      expect(verdicts).toEqual([true, true]);
    } finally {
      await server.close();
    }
  });
});

describe.each(['certificate', 'public-key'] as const)('%s mode: the peer client against our mock server', (mode) => {
  test('the peer signs requests our server accepts, and verifies the answers our server signs', async () => {
    const mock = await startMockServer({ mode });
    try {
      mock.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', (r) => ({ json: { stock_id: r.params.stock_id, pause_time: 'now' } }));
      const trusted = mode === 'certificate' ? { [mock.platform.serial]: mock.platform.publicKeyPem } : { [mock.publicKey.id]: mock.publicKey.publicKeyPem };
      const peer = new PeerWechatpay({ mchid: mock.merchant.mchid, serial: mock.merchant.serial, privateKey: mock.merchant.privateKeyPem, certs: trusted, baseURL: mock.url } as never) as unknown as Record<string, any>;
      const response = await peer.v3.marketing.favor.stocks.$stock_id$.pause.post({ stock_creator_mchid: '8956000' }, { stock_id: 'S9' });
      expect(response.data).toEqual({ stock_id: 'S9', pause_time: 'now' });
      expect(mock.requests[0]!.url).toBe('/v3/marketing/favor/stocks/S9/pause');
    } finally {
      await mock.close();
    }
  });
});
