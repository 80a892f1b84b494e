// The doctor on captured notifications, as merchants capture them (the raw HTTP request, or
// headers and body as JSON), built by the mock as WeChat Pay sends them and then broken the ways
// they break: headers dropped by a proxy, a body re-serialised by a JSON parser, a stale
// timestamp, a key not held, the wrong APIv3 key, a probe, a replay.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { MAX_CAPTURE_BYTES } from '../../src/doctor/capture.js';
import { Wechatpay, doctor, type DoctorReport, type WechatpayConfig } from '../../src/index.js';
import { publicKeyId, rsaKeyPair } from '../../src/mock/identity.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { signatureHeaders } from '../../src/signing/sign.js';

let mock: MockServer;
let config: WechatpayConfig;
beforeAll(async () => {
  mock = await startMockServer({ model: false, sandbox: false });
  config = { ...mock.clientConfig, apiv3Key: mock.apiv3Key };
});
afterAll(() => mock.close());

const env = {};
const resource = { out_trade_no: 'T1', trade_state: 'SUCCESS', amount: { total: 1 } };

function built(variant?: 'valid' | 'probe' | 'skew' | 'tampered') {
  return mock.notification('TRANSACTION.SUCCESS', { resource, ...(variant ? { variant } : {}) });
}

function check(notification: unknown, extra: { config?: WechatpayConfig; receivedAt?: number } = {}): Promise<DoctorReport> {
  return doctor(extra.config ?? config, { env, notification: notification as never, ...(extra.receivedAt !== undefined ? { receivedAt: extra.receivedAt } : {}) });
}

function only(report: DoctorReport) {
  return report.findings.filter((f) => f.check === 'notification');
}

function rawRequest(n: { headers: Record<string, string>; body: string }, eol = '\r\n', length = true): string {
  const headers = { Host: 'merchant.example', ...n.headers, ...(length ? { 'Content-Length': String(Buffer.byteLength(n.body)) } : {}) };
  return `POST /wxpay/notify HTTP/1.1${eol}${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join(eol)}${eol}${eol}${n.body}`;
}

test('a genuine notification verifies and decrypts: named key, event, nothing wrong', async () => {
  const n = built();
  for (const capture of [n, JSON.stringify(n), rawRequest(n), `${rawRequest(n, '\n', false)}\n`, Buffer.from(`${rawRequest(n)}\r\n`)]) {
    const report = await check(capture);
    expect(only(report)).toEqual([expect.objectContaining({ code: 'NOTIFICATION_OK', key: { role: 'platform certificate', id: mock.platform.serial } })]);
    expect(only(report)[0]!.message).toMatch(new RegExp(`verifies with platform certificate ${mock.platform.serial} and decrypts under apiv3Key of mchid 1900000001: TRANSACTION.SUCCESS `));
    expect(report.ok).toBe(true);
  }
});

test('a chunked raw request is read as the bytes sent', async () => {
  const n = built();
  const half = Math.floor(n.body.length / 2);
  const chunks = [n.body.slice(0, half), n.body.slice(half)].map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`).join('');
  const text = `POST /notify HTTP/1.1\r\n${Object.entries(n.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`;
  expect(only(await check(text)).map((f) => f.code)).toEqual(['NOTIFICATION_OK']);
});

test('headers dropped by a proxy: which ones, and the likely cause', async () => {
  const n = built();
  const { 'Wechatpay-Signature': _s, 'Wechatpay-Serial': _k, ...rest } = n.headers;
  const report = await check({ headers: rest, body: n.body });
  const found = only(report).find((f) => f.code === 'NOTIFICATION_HEADERS_MISSING')!;
  expect(found.message).toMatch(/^the notification lacks Wechatpay-Signature, Wechatpay-Serial: a proxy, load balancer or CDN in front of the server dropped them/);
  expect(report.ok).toBe(false);
  // A body captured alone says so too.
  const bare = only(await check(n.body)).find((f) => f.code === 'NOTIFICATION_HEADERS_MISSING')!;
  expect(bare.message).toContain('or only the body was captured');
});

describe('a body that is not the bytes WeChat Pay signed', () => {
  test('re-serialised by express.json() and logged: the same JSON, indented', async () => {
    const n = built();
    const found = only(await check({ headers: n.headers, body: JSON.stringify(JSON.parse(n.body), null, 2) })).find((f) => f.code === 'NOTIFICATION_BODY_RESERIALISED')!;
    expect(found.message).toContain(`not the bytes WeChat Pay signed with platform certificate ${mock.platform.serial}: the same JSON written compactly verifies`);
    expect(found.fix).toContain("express.raw({ type: '*/*' })");
    expect(found.fix).toContain('keepRawBody');
  });

  test('captured as the object a JSON parser made', async () => {
    const n = built();
    const found = only(await check({ headers: n.headers, body: JSON.parse(n.body) })).find((f) => f.code === 'NOTIFICATION_BODY_RESERIALISED')!;
    expect(found.message).toContain('captured as a parsed object, after a JSON body parser');
  });

  test('what an Express app behind express.json() logs: the signature fails, and the fix is the raw body', async () => {
    // WeChat Pay's JSON may escape what JSON.stringify writes plainly (here the summary as \\u escapes),
    // so a parsed and re-serialised body is no longer the bytes signed.
    const n = built();
    const body = n.body.replace('"summary":"notification"', '"summary":"\\u901a\\u77e5"');
    const headers = { ...n.headers, ...signatureHeaders(mock.platform.serial, mock.platform.privateKey, body) };
    expect(only(await check({ headers, body })).map((f) => f.code)).toEqual(['NOTIFICATION_OK']);
    const app = express();
    let logged: { headers: Record<string, unknown>; body: string } | undefined;
    app.post('/notify', express.json(), (req, res) => {
      logged = { headers: req.headers, body: JSON.stringify(req.body) };
      res.status(204).end();
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, { method: 'POST', headers, body });
    } finally {
      server.close();
    }
    expect(logged!.body).toContain('"summary":"通知"');
    const found = only(await check(logged)).find((f) => f.code === 'NOTIFICATION_BAD_SIGNATURE')!;
    expect(found.fix).toContain("express.raw({ type: '*/*' })");
  });

  test('changed otherwise: a bad signature under the key named', async () => {
    const found = only(await check(built('tampered'))).find((f) => f.code === 'NOTIFICATION_BAD_SIGNATURE')!;
    expect(found.key).toEqual({ role: 'platform certificate', id: mock.platform.serial });
    expect(found.message).toContain(`or certs["${mock.platform.serial}"] holds another key`);
  });
});

describe('the timestamp', () => {
  test('ten minutes old when it arrived: stale', async () => {
    const found = only(await check(built('skew'))).find((f) => f.code === 'NOTIFICATION_TIMESTAMP_SKEW')!;
    expect(found.message).toMatch(/Wechatpay-Timestamp \d+ is 60\d s before this machine's clock now, over maxClockSkew \(300 s\)/);
  });

  test('an old capture, received in time: not stale', async () => {
    const n = built();
    const later = Date.now() + 3600_000;
    const report = await doctor(config, { env, notification: { ...n, receivedAt: Date.now() }, now: () => later });
    expect(only(report).map((f) => f.code)).toEqual(['NOTIFICATION_OK']);
    // The same capture read an hour later without its receipt time is stale.
    const without = await doctor(config, { env, notification: n, now: () => later });
    expect(only(without).map((f) => f.code)).toContain('NOTIFICATION_TIMESTAMP_SKEW');
  });
});

test('signed by a key the client does not hold: which id to add', async () => {
  const held = publicKeyId();
  const found = only(await check(built(), { config: { ...config, certs: { [held]: rsaKeyPair().publicKeyPem } } })).find((f) => f.code === 'NOTIFICATION_UNKNOWN_KEY')!;
  expect(found.key).toEqual({ role: 'platform certificate', id: mock.platform.serial });
  expect(found.severity).toBe('warning'); // a client with apiv3Key downloads it
  const strict = only(await check(built(), { config: { ...config, apiv3Key: undefined, certs: { [held]: rsaKeyPair().publicKeyPem } } })).find((f) => f.code === 'NOTIFICATION_UNKNOWN_KEY')!;
  expect(strict.severity).toBe('error');
  expect(strict.fix).toContain(`add certs["${mock.platform.serial}"]`);
});

test('the wrong APIv3 key, and the two keys swapped', async () => {
  const wrong = only(await check(built(), { config: { ...config, apiv3Key: mock.apiv2Key, apiv2Key: undefined } })).find((f) => f.code === 'NOTIFICATION_DECRYPT_FAILED')!;
  expect(wrong.key).toEqual({ role: 'APIv3 key', id: '1900000001' });
  expect(wrong.message).toContain('does not decrypt under apiv3Key of mchid 1900000001 (AEAD_AES_256_GCM tag mismatch)');
  const swapped = only(await check(built(), { config: { ...config, apiv3Key: mock.apiv2Key, apiv2Key: mock.apiv3Key } })).find((f) => f.code === 'NOTIFICATION_DECRYPT_FAILED')!;
  expect(swapped.message).toContain('apiv3Key and apiv2Key are swapped');
  const none = only(await check(built(), { config: mock.clientConfig })).map((f) => f.code);
  expect(none).toContain('NOTIFICATION_NO_APIV3_KEY');
});

test('a WECHATPAY/SIGNTEST/ probe: said to be one, refused as it should be', async () => {
  const report = await check(built('probe'));
  expect(only(report)).toEqual([expect.objectContaining({ code: 'NOTIFICATION_SIGNTEST_PROBE', severity: 'warning' })]);
  expect(report.ok).toBe(false);
});

describe('a replay', () => {
  test('the same delivery twice in one capture', async () => {
    const n = built();
    const found = only(await check([n, n])).find((f) => f.code === 'NOTIFICATION_REPLAY')!;
    expect(found.message).toContain(`notification #2 repeats Wechatpay-Nonce ${n.headers['Wechatpay-Nonce']} of notification #1`);
    // Two raw requests one after the other, the same way.
    expect(only(await check(rawRequest(n) + rawRequest(n))).map((f) => f.code)).toContain('NOTIFICATION_REPLAY');
  });

  test('a notification this client already accepted; a fresh one is left unclaimed', async () => {
    const wxpay = new Wechatpay(config);
    const first = built();
    await wxpay.webhooks.parse(first);
    const report = await wxpay.doctor({ env, notification: first });
    expect(only(report).find((f) => f.code === 'NOTIFICATION_REPLAY')!.message).toContain('was already accepted by this client');
    const fresh = built();
    expect(only(await wxpay.doctor({ env, notification: fresh })).map((f) => f.code)).toEqual(['NOTIFICATION_OK']);
    // The doctor gave the nonce back: the real delivery is still accepted.
    await expect(wxpay.webhooks.parse(fresh)).resolves.toMatchObject({ event_type: 'TRANSACTION.SUCCESS' });
  });
});

test('a capture that is neither a request nor the JSON form, or is too large to be one', async () => {
  for (const capture of ['hello', '{ not json', 'POST /notify HTTP/1.1\r\nno header line\r\n\r\n{}', Buffer.alloc(MAX_CAPTURE_BYTES + 1, 0x7b)]) {
    expect(only(await check(capture)).map((f) => f.code)).toEqual(['NOTIFICATION_UNREADABLE']);
  }
});

test('what a capture holds reaches a terminal without control characters', async () => {
  const n = built();
  const { formatReport } = await import('../../src/doctor/index.js');
  const report = await check({ headers: { ...n.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_\u001b[31m' }, body: n.body });
  expect(formatReport(report)).not.toContain('\u001b');
  expect(formatReport(report)).toContain('\\u001b');
});
