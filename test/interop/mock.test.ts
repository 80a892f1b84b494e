// The mock speaks like WeChat Pay: APIv2 answers and notifications in the live layout (CDATA, a
// newline after every element), refund notices with and without the newer fields. Checked by the
// peer SDK's own APIv2 code (wechatpay-axios-plugin) as well as by ours, end to end with an
// APIv2-only client (mchid and apiv2Key alone).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Aes, Hash, Transformer } from 'wechatpay-axios-plugin';
import { Wechatpay, untyped, type V2Notification } from '../../src/index.js';
import { buildV2Notification, deliver, startMockServer, type MockServer } from '../../src/mock/index.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ sandbox: false });
});
afterAll(() => mock.close());

// One element per line, every value in CDATA but the bare-digit fields WeChat Pay writes so.
const LIVE = /^<xml>(<(\w+)>(<!\[CDATA\[[\s\S]*?\]\]>|\d+)<\/\2>\n)+<\/xml>$/;

test('an APIv2 answer from the mock has the live layout, and its sign verifies under the peer SDK', async () => {
  const order = { appid: 'wxd678efh567hg6787', mch_id: mock.merchant.mchid, body: 'Q', out_trade_no: 'T-interop-1', total_fee: '88', spbill_create_ip: '127.0.0.1', auth_code: '120061098828009406', nonce_str: 'n1' };
  const body = Transformer.toXml({ ...order, sign: Hash.sign(Hash.ALGO_MD5, order, mock.apiv2Key) });
  const text = await (await fetch(new URL('pay/micropay', mock.url), { method: 'POST', body, headers: { 'Content-Type': 'text/xml' } })).text();
  expect(text).toMatch(LIVE);
  expect(text).toContain('<total_fee>88</total_fee>\n');
  const { sign, ...fields } = Transformer.toObject(text) as Record<string, string>;
  expect(Hash.sign(Hash.ALGO_MD5, fields, mock.apiv2Key)).toBe(sign);
});

test('an APIv2-only client (mchid, apiv2Key) calls the mock and verifies its live-layout answers', async () => {
  const wxpay = untyped(new Wechatpay({ mchid: mock.merchant.mchid, apiv2Key: mock.apiv2Key, baseURL: mock.url }));
  for (const sign_type of ['MD5', 'HMAC-SHA256']) {
    const response = await wxpay.v2.pay.micropay.post({ xml: { appid: 'wxd678efh567hg6787', mch_id: mock.merchant.mchid, body: 'Q', out_trade_no: `T-${sign_type}`, total_fee: 1, spbill_create_ip: '127.0.0.1', auth_code: '120061098828009406', sign_type } });
    expect(response.verified).toBe(true);
    expect(response.data).not.toHaveProperty('#text');
    expect(Object.values(response.data as object).every((value) => typeof value === 'string' && !/^\s|\s$/.test(value))).toBe(true);
  }
});

describe.each(['MD5', 'HMAC-SHA256'] as const)('a %s payment notification from the mock', (signType) => {
  const spec = () => ({ kind: 'payment' as const, apiv2Key: mock.apiv2Key, mchid: mock.merchant.mchid, signType, fields: { out_trade_no: 'T-notify', total_fee: '1' } });

  test('has the live layout and a sign the peer SDK accepts', () => {
    const { body, headers } = buildV2Notification(spec());
    expect(headers['Content-Type']).toMatch(/xml/);
    expect(body).toMatch(LIVE);
    const { sign, ...fields } = Transformer.toObject(body) as Record<string, string>;
    expect(Hash.sign(signType === 'MD5' ? Hash.ALGO_MD5 : Hash.ALGO_HMAC_SHA256, fields, mock.apiv2Key)).toBe(sign);
  });

  test('is accepted by an APIv2-only client, delivered over HTTP to a plain node:http endpoint', async () => {
    const wxpay = untyped(new Wechatpay({ mchid: mock.merchant.mchid, apiv2Key: mock.apiv2Key, baseURL: mock.url }));
    const received: V2Notification[] = [];
    const endpoint = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        received.push(wxpay.webhooks.parseV2(Buffer.concat(chunks)));
        const reply = wxpay.webhooks.reply.v2(true);
        res.writeHead(reply.status, reply.headers).end(reply.body);
      } catch {
        const reply = wxpay.webhooks.reply.v2(false, 'refused');
        res.writeHead(reply.status, reply.headers).end(reply.body);
      }
    });
    try {
      const answer = await deliver(endpoint.url, buildV2Notification(spec()));
      expect(answer.status).toBe(200);
      expect(received[0]).toMatchObject({ signed: true, fields: { out_trade_no: 'T-notify', total_fee: '1', result_code: 'SUCCESS' } });
      expect(received[0]!.fields).not.toHaveProperty('#text');
      // The same notification with one field changed is refused, and the endpoint says so.
      const forged = buildV2Notification(spec());
      forged.body = forged.body.replace('<total_fee>1</total_fee>', '<total_fee>100</total_fee>');
      expect((await deliver(endpoint.url, forged)).status).toBe(500);
      expect(received).toHaveLength(1);
    } finally {
      await endpoint.close();
    }
  });
});

describe.each([true, false])('a refund notice from the mock, newer fields: %s', (newerFields) => {
  test('req_info opens under the peer SDK to the live <root> layout, and parseV2 accepts it', () => {
    const { body } = buildV2Notification({ kind: 'refund', apiv2Key: mock.apiv2Key, mchid: mock.merchant.mchid, newerFields, fields: { out_refund_no: 'R-interop' } });
    // The envelope as real traffic has it: compact, return_code bare, the rest in CDATA.
    expect(body).toMatch(/^<xml><return_code>SUCCESS<\/return_code><appid><!\[CDATA\[\w+\]\]><\/appid><mch_id><!\[CDATA\[\d+\]\]><\/mch_id><nonce_str><!\[CDATA\[\w+\]\]><\/nonce_str><req_info><!\[CDATA\[[\w+/=]+\]\]><\/req_info><\/xml>$/);
    const envelope = Transformer.toObject(body) as Record<string, string>;
    const plain = Aes.AesEcb.decrypt(envelope.req_info!, Hash.md5(mock.apiv2Key)) as string;
    expect(plain).toMatch(/^<root>\n(<(\w+)><!\[CDATA\[[^\]]*\]\]><\/\2>\n)+<\/root>$/);
    const wxpay = untyped(new Wechatpay({ mchid: mock.merchant.mchid, apiv2Key: mock.apiv2Key, baseURL: mock.url }));
    const parsed = wxpay.webhooks.parseV2(body);
    expect(parsed.signed).toBe(false);
    expect(parsed.reqInfo).toMatchObject({ out_refund_no: 'R-interop', refund_status: 'SUCCESS', refund_fee: '3960' });
    expect(Object.keys(parsed.reqInfo!)).toEqual([...Object.keys(parsed.reqInfo!)].sort());
    if (newerFields) expect(parsed.reqInfo!.cash_refund_fee).toBe('3960');
    else expect(parsed.reqInfo).not.toHaveProperty('cash_refund_fee');
  });
});

test('a statement from the mock is signed over {"sha1":"…"}, and a client verifies it', async () => {
  const wxpay = new Wechatpay(mock.clientConfig);
  const chunks: Buffer[] = [];
  for await (const chunk of wxpay.downloads.stream({ statement: { date: '20240601' } })) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).toString()).toBe(mock.bills.text('statement', '20240601'));
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
