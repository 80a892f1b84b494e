// The mock checks requests as WeChat Pay does and answers every documented endpoint from the
// endpoint model; each rejection reaches the caller as the typed error WeChat Pay's would.
import { X509Certificate } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { decryptResource } from '../../src/mock/certificates.js';
import { certifiedKey } from '../../src/mock/identity.js';
import { loadModel } from '../../src/mock/model.js';
import { SAMPLE_TIME } from '../../src/mock/sample.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { withMockClient } from '../helpers/mock-client.js';
import { rejection } from '../helpers/rejection.js';
import { resigning } from './resign.js';

let mock: MockServer;
let wxpay: UntypedWechatpayClient;

withMockClient((m, w) => {
  mock = m;
  wxpay = w;
});

const pause = { stock_id: 'S1', json: { stock_creator_mchid: '8956000' } };

describe('answers from the endpoint model', () => {
  test('a documented endpoint answers its response table, echoing identifiers sent, signed and verified', async () => {
    const response = await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(pause);
    expect(response.status).toBe(200);
    expect(response.verified).toBe(true);
    expect(response.data).toEqual({ pause_time: SAMPLE_TIME, stock_id: 'S1' });
    expect(mock.requests[0]).toMatchObject({ template: 'v3/marketing/favor/stocks/{stock_id}/pause', params: { stock_id: 'S1' }, status: 200 });
  });

  test('every documented response field is present, enums take a listed value, query values are echoed', async () => {
    const model = loadModel();
    const endpoint = model.endpoints.find((e) => e.template === 'v3/marketing/favor/stocks/{stock_id}')!;
    const operation = endpoint.operations.find((o) => o.method === 'get')!;
    const response = await wxpay.v3.marketing.favor.stocks._stock_id_.get({ stock_id: 'S7', query: { stock_creator_mchid: '8956000' } });
    const data = response.data as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(operation.response.fields.map((f) => f.name).sort());
    for (const field of operation.response.fields) {
      if (field.enum) expect(field.enum).toContain(data[field.name]);
    }
    expect(data.stock_id).toBe('S7');
    expect(data.stock_creator_mchid).toBe('8956000');
  });

  test('a no-content endpoint answers 204, signed', async () => {
    const response = await wxpay.v3.merchantService.complaintNotifications.delete();
    expect(response.status).toBe(204);
    expect(response.data).toBeUndefined();
    expect(response.verified).toBe(true);
  });

  test('a download endpoint answers a file stream, unsigned by rule, gzip when asked', async () => {
    const plain = await wxpay.v3.billdownload.file.get({ query: { token: 'T1' } });
    expect(Buffer.isBuffer(plain.data)).toBe(true);
    expect(plain.verified).toBe(false);
    const text = (plain.data as Buffer).toString();
    expect(text).toContain('交易时间');
    const zipped = await wxpay.v3.billdownload.file.get({ query: { token: 'T1', tartype: 'GZIP' } });
    expect(gunzipSync(zipped.data as Buffer).toString()).toBe(text);
  });

  test('v3/certificates lists the platform certificates encrypted under the APIv3 key', async () => {
    const response = await wxpay.v3.certificates.get({ query: { algorithm_type: 'RSA' } });
    const [entry] = (response.data as { data: Array<{ serial_no: string; encrypt_certificate: { algorithm: string; nonce: string; associated_data: string; ciphertext: string } }> }).data;
    expect(entry!.serial_no).toBe(mock.platform.serial);
    expect(entry!.encrypt_certificate.algorithm).toBe('AEAD_AES_256_GCM');
    expect(entry!.encrypt_certificate.associated_data).toBe('certificate');
    expect(entry!.encrypt_certificate.ciphertext).not.toContain('BEGIN');
    const pem = decryptResource(entry!.encrypt_certificate, mock.apiv3Key);
    expect(new X509Certificate(pem).serialNumber.toUpperCase()).toBe(mock.platform.serial);
    // Under another key the tag does not match.
    expect(() => decryptResource(entry!.encrypt_certificate, 'x'.repeat(32))).toThrow();
  });

  test('a rotated platform certificate is listed and signs what follows', async () => {
    const other = await startMockServer({ apiv3Key: 'A'.repeat(32) });
    try {
      const client = untyped(new Wechatpay(other.clientConfig));
      const next = other.rotatePlatformCertificate();
      const listed = await client.v3.certificates.get().catch((e: unknown) => e);
      // The client does not know the new serial yet: the answer cannot be verified.
      expect(listed).toMatchObject({ code: 'UNKNOWN_SERIAL' });
      const updated = untyped(new Wechatpay({ ...other.clientConfig, certs: { [next.serial]: next.certificatePem } }));
      const { data } = await updated.v3.certificates.get();
      expect((data as { data: Array<{ serial_no: string }> }).data.map((d) => d.serial_no)).toEqual([other.platforms[0]!.serial, next.serial]);
    } finally {
      await other.close();
    }
  });

  test('public-key mode signs with PUB_KEY_ID_…', async () => {
    const other = await startMockServer({ mode: 'public-key' });
    try {
      expect(Object.keys(other.clientConfig.certs ?? {})).toEqual([other.publicKey.id]);
      const response = await untyped(new Wechatpay(other.clientConfig)).v3.marketing.favor.stocks._stock_id_.pause.post(pause);
      expect(response.verified).toBe(true);
      expect(response.headers['wechatpay-serial']).toMatch(/^PUB_KEY_ID_\d{32}$/);
    } finally {
      await other.close();
    }
  });

  test('a route given by the test answers instead of the sample, and can opt into validation', async () => {
    const other = await startMockServer();
    try {
      const client = untyped(new Wechatpay(other.clientConfig));
      other.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', (r) => ({ json: { mine: r.params.stock_id } }));
      expect((await client.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'Z', json: {} })).data).toEqual({ mine: 'Z' });
      other.route('POST', 'v3/marketing/favor/stocks/{stock_id}/pause', () => ({ json: {} }), { validate: true });
      const error = await rejection(client.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'Z', json: {} }));
      expect(error.code).toBe('PARAM_ERROR');
    } finally {
      await other.close();
    }
  });
});

describe('rejections, as WeChat Pay answers them', () => {
  test('bad signature: 401 SIGN_ERROR, signed by the platform', async () => {
    const stranger = certifiedKey({ commonName: 'someone else' });
    const client = untyped(new Wechatpay({ ...mock.clientConfig, privateKey: stranger.privateKeyPem }));
    const error = await rejection(client.v3.marketing.favor.stocks._stock_id_.pause.post(pause));
    expect(error).toMatchObject({ httpStatus: 401, code: 'SIGN_ERROR', verified: true });
    // What WeChat Pay verified, as its answers show it: the message built from the request received.
    const sent = mock.requests[0]!;
    const field = (name: string) => new RegExp(`${name}="([^"]+)"`).exec(sent.headers.authorization!)![1];
    const head = `POST\n/v3/marketing/favor/stocks/S1/pause\n${field('timestamp')}\n${field('nonce_str')}\n`;
    expect(error.detail).toEqual({
      detail: { issue: 'sign not match' },
      field: 'signature',
      location: 'authorization',
      sign_information: { method: 'POST', url: '/v3/marketing/favor/stocks/S1/pause', sign_message_length: Buffer.byteLength(`${head}${sent.body}\n`), truncated_sign_message: `${head}${sent.body.slice(0, 8)}\n` },
    });
    expect(error.hint).toMatch(new RegExp(`^WeChat Pay verified exactly what the client signed .*privateKey is not the private key of merchant API certificate ${mock.merchant.serial}`));
    expect(sent).toMatchObject({ status: 401, code: 'SIGN_ERROR' });
  });

  test('body changed after signing: 401 SIGN_ERROR (the signature covers the exact bytes received)', async () => {
    const client = untyped(new Wechatpay({ ...mock.clientConfig, adapter: resigning({ privateKey: mock.merchant.privateKey, signedBody: '{"stock_creator_mchid":"1"}' }) }));
    const error = await rejection(client.v3.marketing.favor.stocks._stock_id_.pause.post(pause));
    expect(error).toMatchObject({ httpStatus: 401, code: 'SIGN_ERROR' });
  });

  test('stale timestamp: more than 300 s off either way is refused, 290 s is accepted', async () => {
    for (const offset of [-301, 301]) {
      const client = untyped(new Wechatpay({ ...mock.clientConfig, adapter: resigning({ privateKey: mock.merchant.privateKey, timestampOffset: offset }) }));
      const error = await rejection(client.v3.marketing.favor.stocks._stock_id_.pause.post(pause));
      expect(error).toMatchObject({ httpStatus: 401, code: 'SIGN_ERROR' });
      expect(error.message).toContain('timestamp');
    }
    const close = untyped(new Wechatpay({ ...mock.clientConfig, adapter: resigning({ privateKey: mock.merchant.privateKey, timestampOffset: -290 }) }));
    expect((await close.v3.marketing.favor.stocks._stock_id_.pause.post(pause)).status).toBe(200);
  });

  test('replayed nonce: the second use is refused', async () => {
    const nonce = `replay${Date.now()}`;
    const client = untyped(new Wechatpay({ ...mock.clientConfig, adapter: resigning({ privateKey: mock.merchant.privateKey, nonce }) }));
    expect((await client.v3.marketing.favor.stocks._stock_id_.pause.post(pause)).status).toBe(200);
    const error = await rejection(client.v3.marketing.favor.stocks._stock_id_.pause.post(pause));
    expect(error).toMatchObject({ httpStatus: 401, code: 'SIGN_ERROR' });
    expect(error.message).toContain('nonce');
  });

  test('unknown serial_no, unknown mchid: 401 SIGN_ERROR', async () => {
    // A serial WeChat Pay does not know (the merchant certificate, which would name the right one, left out).
    const { merchantCertificate: _certificate, ...withoutCertificate } = mock.clientConfig;
    const serial = await rejection(untyped(new Wechatpay({ ...withoutCertificate, serial: 'ABCDEF0123' })).v3.marketing.favor.stocks._stock_id_.pause.post(pause));
    expect(serial).toMatchObject({ httpStatus: 401, code: 'SIGN_ERROR' });
    expect(serial.message).toContain('商户证书序列号有误'); // WeChat Pay's own words for it
    expect(serial.hint).toMatch(/^WeChat Pay does not accept serial ABCDEF0123 as an API certificate of mchid 1900000001/);
    const mchid = await rejection(untyped(new Wechatpay({ ...mock.clientConfig, mchid: '1230000109' })).v3.marketing.favor.stocks._stock_id_.pause.post(pause));
    expect(mchid.message).toContain('mchid');
  });

  test('missing required field: 400 PARAM_ERROR naming it', async () => {
    const error = await rejection(wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S1', json: {} }));
    expect(error).toMatchObject({ httpStatus: 400, code: 'PARAM_ERROR', verified: true, detail: { field: 'json.stock_creator_mchid', location: 'body' } });
    const query = await rejection(wxpay.v3.marketing.favor.stocks._stock_id_.get({ stock_id: 'S1' }));
    expect(query.detail).toMatchObject({ field: 'query.stock_creator_mchid', location: 'query' });
    const nested = await rejection(wxpay.v3.marketing.favor.couponStocks.post({ json: couponStock({ stock_use_rule: { max_coupons: 1 } }) }));
    expect(nested.detail).toMatchObject({ field: 'json.stock_use_rule.max_amount' });
  });

  test('wrong enum: 400 PARAM_ERROR naming the field and the values allowed', async () => {
    const body = await rejection(wxpay.v3.marketing.favor.couponStocks.post({ json: couponStock({ stock_type: 'FREE' }) }));
    expect(body.detail).toMatchObject({ field: 'json.stock_type', location: 'body' });
    expect(body.message).toContain('"NORMAL"');
    const query = await rejection(wxpay.v3.certificates.get({ query: { algorithm_type: 'DSA' } }));
    expect(query.detail).toMatchObject({ field: 'query.algorithm_type', location: 'query' });
  });

  test('wrong type: a quoted number for an integer, an object for a string', async () => {
    const quoted = await rejection(wxpay.v3.marketing.favor.couponStocks.post({ json: couponStock({ stock_use_rule: { ...couponStock().stock_use_rule, max_coupons: '100' } }) }));
    expect(quoted.detail).toMatchObject({ field: 'json.stock_use_rule.max_coupons' });
    expect(quoted.message).toContain('expected integer');
    const object = await rejection(wxpay.v3.marketing.favor.couponStocks.post({ json: couponStock({ stock_name: { zh: 'x' } }) }));
    expect(object.detail).toMatchObject({ field: 'json.stock_name' });
    // The valid body is accepted: the rejections above are the field's fault alone.
    expect((await wxpay.v3.marketing.favor.couponStocks.post({ json: couponStock() })).status).toBe(200);
  });

  test('a required header (Wechatpay-Serial for encrypted fields) must be sent', async () => {
    const model = loadModel();
    const endpoint = model.endpoints.find((e) =>
      e.operations.some((o) => o.method === 'post' && o.request.fields.some((f) => f.name === 'headers' && f.children?.some((c) => c.name === 'Wechatpay-Serial' && c.required))),
    )!;
    const error = await rejection(wxpay.chain(endpoint.template).post(pathParams(endpoint.template)));
    expect(error.code).toBe('PARAM_ERROR');
    expect(error.detail).toMatchObject({ field: expect.stringMatching(/^(headers\.Wechatpay-Serial|json(\..+)?)$/) });
  });

  test('unknown path, undocumented method: 404 NOT_FOUND', async () => {
    const unknown = await rejection(wxpay.v3.marketing.favor.nowhere.post({ json: {} }));
    expect(unknown).toMatchObject({ httpStatus: 404, code: 'NOT_FOUND', verified: true });
    const method = await rejection(wxpay.v3.marketing.favor.stocks._stock_id_.pause.get({ stock_id: 'S1' }));
    expect(method).toMatchObject({ httpStatus: 404, code: 'NOT_FOUND' });
    expect(method.message).toContain('GET is not documented');
  });

  test('every request is recorded, rejected or not', async () => {
    await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post(pause);
    await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ stock_id: 'S2', json: {} }).catch(() => undefined);
    await wxpay.v3.nowhere.get().catch(() => undefined);
    expect(mock.requests.map((r) => [r.method, r.url, r.status, r.code])).toEqual([
      ['POST', '/v3/marketing/favor/stocks/S1/pause', 200, undefined],
      ['POST', '/v3/marketing/favor/stocks/S2/pause', 400, 'PARAM_ERROR'],
      ['GET', '/v3/nowhere', 404, 'NOT_FOUND'],
    ]);
    expect(mock.requests[0]!.json).toEqual(pause.json);
  });
});

function couponStock(overrides: Record<string, unknown> = {}) {
  return {
    stock_name: '微信支付代金券批次',
    available_begin_time: '2026-12-01T00:00:00.000+08:00',
    available_end_time: '2026-12-31T23:59:59.000+08:00',
    stock_use_rule: { max_coupons: 100, max_amount: 5000, max_coupons_per_user: 3, natural_person_limit: false, prevent_api_abuse: false },
    no_cash: false,
    stock_type: 'NORMAL',
    belong_merchant: '98568865',
    coupon_use_rule: {
      coupon_available_time: { fix_available_time: { available_week_day: [1, 2, 3], begin_time: 0, end_time: 3600 } },
      fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 100 },
      available_merchants: ['98568865'],
    },
    out_request_no: 'req-1',
    ...overrides,
  };
}

function pathParams(template: string): Record<string, string> {
  return Object.fromEntries([...template.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1]!, 'P1']));
}
