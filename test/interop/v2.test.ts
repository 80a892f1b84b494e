// APIv2 against what others published: the documentation's signed example (and its HMAC-SHA256
// twin) as an answer and as a notification in every layout; refund notices from real traffic
// and fixtures; XML answers and error pages as other SDKs keep them. Through the public API only.
import { createCipheriv, createHash } from 'node:crypto';
import { Hash, Transformer } from 'wechatpay-axios-plugin';
import { ApiError, ConfigError, DecryptionError, VerificationError, Wechatpay, WebhookError, Webhooks, untyped } from '../../src/index.js';
import { startRawServer, type RawServer } from '../helpers/raw-server.js';
import { expectSourced, vectorFile, vectors, type Source } from './vectors.js';

interface SignedExample {
  name: string;
  source: Source;
  key: string;
  signType: 'MD5' | 'HMAC-SHA256';
  fields: Record<string, string>;
  sign: string;
  layouts: Record<'compact' | 'documented' | 'live', string>;
}
const { vectors: signed } = vectors<{ vectors: SignedExample[] }>('v2-signatures.json');

interface RefundVector { name: string; source: Source; apiv2Key: string; reqInfo?: string; notification?: string; plaintext?: string; fields?: number; lacks?: string[]; expect?: Record<string, string>; refused?: string }
const published = vectors<{ reqInfo: RefundVector[]; reqInfoPlaintext: RefundVector[]; payment: RefundVector[] }>('notifications-v2.json');

// The document with its sign replaced by one over its fields as the peer SDK (wechatpay-axios-plugin)
// reads them: an independent reading of the same bytes.
function resigned(xml: string, key: string): { xml: string; fields: Record<string, string> } {
  const { sign: _published, ...fields } = Transformer.toObject(xml) as Record<string, string>;
  const sign = Hash.sign(Hash.ALGO_MD5, fields, key) as string;
  return { xml: xml.replace(/<sign>(<!\[CDATA\[)?[0-9A-F]+(\]\]>)?<\/sign>/, `<sign>$1${sign}$2</sign>`), fields: { ...fields, sign } };
}

const webhooksFor = (apiv2Key: string, mchid?: string) => new Webhooks({ keys: new Map(), apiv2Key, ...(mchid ? { mchid } : {}) });

let server: RawServer;
let answer = '';
beforeAll(async () => {
  server = await startRawServer(() => ({ body: answer, headers: { 'Content-Type': 'text/xml' } }));
});
afterAll(() => server.close());

test('the vectors are sourced, and the documented sign is what the published key gives', () => {
  expect(signed.map((v) => v.sign)).toEqual(['9A0A8659F005D6984697E2CA0A9CF3B7', '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6']);
  for (const vector of [...signed, ...published.reqInfo, ...published.reqInfoPlaintext, ...published.payment]) expectSourced(vector.source);
});

describe.each(signed)('$name', (vector) => {
  test.each(['compact', 'documented', 'live'] as const)('verifies as an answer, %s layout, and its data has exactly the signed fields', async (layout) => {
    answer = vector.layouts[layout];
    const wxpay = untyped(new Wechatpay({ mchid: vector.fields.mch_id!, apiv2Key: vector.key, baseURL: server.url }));
    const xml = { appid: vector.fields.appid, mch_id: vector.fields.mch_id, ...(vector.signType === 'HMAC-SHA256' ? { sign_type: 'HMAC-SHA256' } : {}) };
    // An APIv2 answer with only these fields reports neither SUCCESS nor FAIL; the documented
    // example is served for a call whose answer is documented as unsigned-or-signed alike.
    const response = await wxpay.v2.tools.authcodetoopenid.post({ xml: { ...xml, auth_code: '120061098828009406' } });
    expect(response.verified).toBe(true);
    expect(response.data).toEqual({ ...vector.fields, sign: vector.sign });
  });

  test.each(['compact', 'documented', 'live'] as const)('verifies as a notification, %s layout', (layout) => {
    const parsed = webhooksFor(vector.key, vector.fields.mch_id).parseV2(vector.layouts[layout]);
    expect(parsed).toEqual({ fields: { ...vector.fields, sign: vector.sign }, signed: true, ignored: [] });
    // Bytes, as a server hands them over, read the same.
    expect(webhooksFor(vector.key).parseV2(Buffer.from(vector.layouts[layout])).fields).toEqual({ ...vector.fields, sign: vector.sign });
  });

  test("a value's own whitespace is data: the same example with a space inside a value no longer verifies", async () => {
    const spaced = vector.layouts.live.replace('<![CDATA[test]]>', '<![CDATA[test ]]>');
    expect(() => webhooksFor(vector.key).parseV2(spaced)).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
    expect(() => webhooksFor(vector.key).parseV2(vector.layouts.documented.replace('<body>test</body>', '<body> test</body>'))).toThrow(VerificationError);
    answer = spaced;
    const wxpay = untyped(new Wechatpay({ mchid: vector.fields.mch_id!, apiv2Key: vector.key, baseURL: server.url }));
    await expect(wxpay.v2.tools.authcodetoopenid.post({ xml: { auth_code: '1', ...(vector.signType === 'HMAC-SHA256' ? { sign_type: 'HMAC-SHA256' } : {}) } })).rejects.toThrow(VerificationError);
  });

  test('another key, or a sign_type naming the other algorithm, is refused', () => {
    expect(() => webhooksFor('x'.repeat(32)).parseV2(vector.layouts.live)).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
    const other = vector.signType === 'MD5' ? 'HMAC-SHA256' : 'MD5';
    expect(() => webhooksFor(vector.key).parseV2(vector.layouts.compact.replace('</xml>', `<sign_type>${other}</sign_type></xml>`))).toThrow(/sign_type/);
  });

  test('a notification for another merchant is refused, though its sign is good', () => {
    expect(() => webhooksFor(vector.key, '1900000001').parseV2(vector.layouts.live)).toThrow(WebhookError);
  });
});

describe('refund notifications (req_info) published by others', () => {
  const envelope = (reqInfo: string, mchid = '10000100') => `<xml><return_code>SUCCESS</return_code><appid><![CDATA[wx2421b1c4370ec43b]]></appid><mch_id><![CDATA[${mchid}]]></mch_id><nonce_str><![CDATA[TeqClE3i0mvn3DrK]]></nonce_str><req_info><![CDATA[${reqInfo}]]></req_info></xml>`;

  test.each(published.reqInfo.filter((v) => v.reqInfo))('$name: decrypted, accepted without the newer fields', (vector) => {
    const parsed = webhooksFor(vector.apiv2Key, '10000100').parseV2(envelope(vector.reqInfo!));
    expect(parsed.signed).toBe(false);
    expect(Object.keys(parsed.reqInfo!)).toHaveLength(vector.fields!);
    expect(parsed.reqInfo).toMatchObject(vector.expect!);
    for (const name of vector.lacks!) expect(parsed.reqInfo).not.toHaveProperty(name);
  });

  test.each(published.reqInfo.filter((v) => v.notification))('$name: refused, since its key is not the one given', (vector) => {
    expect(() => webhooksFor(vector.apiv2Key).parseV2(vector.notification!)).toThrow(expect.objectContaining({ code: vector.refused }));
    expect(() => webhooksFor(vector.apiv2Key).parseV2(vector.notification!)).toThrow(DecryptionError);
  });

  test.each(published.reqInfoPlaintext)('$name: sealed under a key, accepted as WeChat Pay would send it', (vector) => {
    const apiv2Key = 'Zx'.repeat(16);
    const cipher = createCipheriv('aes-256-ecb', Buffer.from(createHash('md5').update(apiv2Key).digest('hex')), null);
    const reqInfo = Buffer.concat([cipher.update(vector.plaintext!, 'utf8'), cipher.final()]).toString('base64');
    const parsed = webhooksFor(apiv2Key, '10000100').parseV2(envelope(reqInfo));
    expect(Object.keys(parsed.reqInfo!)).toHaveLength(vector.fields!);
    expect(parsed.reqInfo).toMatchObject(vector.expect!);
    for (const name of vector.lacks!) expect(parsed.reqInfo).not.toHaveProperty(name);
    // The envelope names another merchant: refused before the handler.
    expect(() => webhooksFor(apiv2Key, '1900000001').parseV2(envelope(reqInfo))).toThrow(/not this client's 1900000001/);
  });
});

describe('payment notifications and answers as others keep them', () => {
  test.each(published.payment)('$name: read whole, refused only for its sign', (vector) => {
    expect(() => webhooksFor(vector.apiv2Key).parseV2(vector.notification!)).toThrow(expect.objectContaining({ code: vector.refused }));
    // Signed again over the fields as the peer SDK reads them, the same bytes are accepted with
    // exactly those fields: nothing of the layout was taken for data.
    const again = resigned(vector.notification!, vector.apiv2Key);
    expect(Object.keys(again.fields)).toHaveLength(vector.fields! );
    expect(webhooksFor(vector.apiv2Key).parseV2(again.xml)).toEqual({ fields: again.fields, signed: true, ignored: [] });
  });

  const { files, answers } = vectors<{ files: Array<{ file: string; source: Source; kind: string; fields?: string[] | number; status?: number; refused?: boolean }>; answers: Array<{ name: string; source: Source; xml: string; fields: number }> }>('files.json');
  const byName = (name: string) => files.find((f) => f.file.endsWith(name))!;

  test('every file is sourced', () => {
    for (const entry of [...files, ...answers]) expectSourced(entry.source);
  });

  test("the getpublickey answer (unsigned, documented so): a multi-line PEM in CDATA comes back byte for byte", async () => {
    const fixture = byName('getpublickey.response.sample.xml');
    answer = vectorFile(fixture.file).toString();
    const wxpay = untyped(new Wechatpay({ mchid: '123456', apiv2Key: 'k'.repeat(32), baseURL: server.url }));
    const response = await wxpay.v2.risk.getpublickey.post({ xml: { mch_id: '123456' }, security: false });
    expect(Object.keys(response.data as object)).toEqual(fixture.fields);
    const key = (response.data as Record<string, string>).pub_key!;
    expect(key.startsWith('-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEArT82k67xybiJS9AD8nNAeuDYdrtCRaxkS6cgs8L9h83eqlDTlrdw\n')).toBe(true);
    expect(key.endsWith('\n-----END RSA PUBLIC KEY-----\n')).toBe(true);
    expect(response.verified).toBe(false);
  });

  test('a gateway error page is an ApiError with its status, never parsed as an answer', async () => {
    const page = vectorFile(byName('invalid.normal_404.sample.html').file).toString();
    const error = await startRawServer(() => ({ status: 404, body: page, headers: { 'Content-Type': 'text/html' } })).then(async (origin) => {
      try {
        return await untyped(new Wechatpay({ mchid: '123456', apiv2Key: 'k'.repeat(32), baseURL: origin.url })).v2.pay.orderquery.post({ xml: { out_trade_no: 'T1' } }).catch((e: unknown) => e);
      } finally {
        await origin.close();
      }
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ httpStatus: 404, code: 'HTTP_404', verified: false });
  });

  test.each(['invalid.xxe_injection.sample.xml', 'invalid.bad_entity.sample.xml', 'fragment_injection.sample.xml'])('%s is refused as a notification, and never as an answer believed', async (name) => {
    const text = vectorFile(byName(name).file).toString();
    expect(() => webhooksFor('k'.repeat(32)).parseV2(text)).toThrow(WebhookError);
    answer = text;
    const outcome = await untyped(new Wechatpay({ mchid: '123456', apiv2Key: 'k'.repeat(32), baseURL: server.url })).v2.pay.orderquery.post({ xml: { out_trade_no: 'T1' } }).then(
      (response: { verified: boolean; data: unknown }) => response,
      (e: unknown) => e,
    );
    // Not an APIv2 document: handed back as the bytes it was (a download's way), never as fields;
    // a DTD is refused outright.
    if (name.startsWith('invalid.xxe')) expect(outcome).toBeInstanceOf(VerificationError);
    else expect(Buffer.isBuffer((outcome as { data: unknown }).data)).toBe(true);
  });

  test.each(['sendredpack.sample.xml', 'unifiedorder.sample.xml'])('%s (blank lines, indentation): every field read, none of the layout', (name) => {
    const fixture = byName(name);
    const text = vectorFile(fixture.file).toString();
    // Signed under a key nobody published: the refusal is for the sign, after a whole read.
    expect(() => webhooksFor('k'.repeat(32)).parseV2(text)).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
    const again = resigned(text, 'k'.repeat(32));
    expect(Object.keys(again.fields)).toHaveLength(fixture.fields as number);
    expect(webhooksFor('k'.repeat(32)).parseV2(again.xml).fields).toEqual(again.fields);
  });

  test.each(answers)('$name: refused for its sign as an answer; signed again, read exactly', async (vector) => {
    answer = vector.xml;
    const wxpay = untyped(new Wechatpay({ mchid: '10000100', apiv2Key: 'k'.repeat(32), baseURL: server.url }));
    const error = await wxpay.v2.pay.micropay.post({ xml: { out_trade_no: 'T1' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect((error as Error).message).toContain('does not match');
    const again = resigned(vector.xml, 'k'.repeat(32));
    answer = again.xml;
    const response = await wxpay.v2.pay.micropay.post({ xml: { out_trade_no: 'T1' } });
    expect(response.data).toEqual(again.fields);
    expect(Object.keys(again.fields)).toHaveLength(vector.fields);
  });
});

describe('an APIv2-only client: mchid and apiv2Key, nothing else', () => {
  const example = signed[0]!;

  test('APIv2 calls and notifications work; APIv3 calls, downloads and v3 notifications are refused naming what is missing, before anything is sent', async () => {
    answer = example.layouts.live;
    const wxpay = untyped(new Wechatpay({ mchid: '10000100', apiv2Key: example.key, baseURL: server.url }));
    expect((await wxpay.v2.tools.authcodetoopenid.post({ xml: { auth_code: '1' } })).verified).toBe(true);
    expect(wxpay.webhooks.parseV2(example.layouts.documented).signed).toBe(true);
    const before = server.requests.length;
    await expect(wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '1', query: { mchid: '10000100' } })).rejects.toThrow(ConfigError);
    await expect(wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '1', query: { mchid: '10000100' } })).rejects.toThrow(/privateKey/);
    await expect(wxpay.webhooks.parse({ headers: {}, body: '{}' })).rejects.toThrow(/apiv3Key/);
    expect(() => wxpay.downloads).toThrow(ConfigError);
    expect(() => wxpay.payParams.jsapi({ appId: 'wx1', prepayId: 'wx2' })).toThrow(/privateKey/);
    expect(wxpay.payParams.v2.jsapi({ appId: 'wxd930ea5d5a258f4f', prepayId: 'wx2', timeStamp: 1, nonceStr: 'n' }).paySign).toMatch(/^[0-9A-F]{32}$/);
    expect(server.requests.length).toBe(before);
  });

  test('without apiv2Key, what APIv3 needs is still demanded', () => {
    expect(() => new Wechatpay({ mchid: '10000100' } as never)).toThrow(ConfigError);
    expect(() => new Wechatpay({ mchid: '10000100', apiv2Key: 'short' })).toThrow(/apiv2Key/);
  });
});
