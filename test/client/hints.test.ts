// Errors that say what was meant: a key given as a plain path, and a body passed bare. Each is a
// typed error raised before anything is sent (the mock's request log stays empty).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ParameterError, Wechatpay } from '../../src/index.js';
import type { MockServer } from '../../src/mock/server.js';
import type { UntypedWechatpayClient } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { makeIdentities } from '../helpers/keys.js';
import { withMockClient } from '../helpers/mock-client.js';

const { merchant, platform } = makeIdentities();
const dir = mkdtempSync(join(tmpdir(), 'wxpay-hints-'));
const keyFile = join(dir, 'apiclient_key.pem');
writeFileSync(keyFile, merchant.privateKeyPem);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = { mchid: '1900000001', serial: merchant.serial, certs: { [platform.serial]: platform.certificatePem } };

describe('a key given as a plain file path', () => {
  test.each([keyFile, './apiclient_key.pem', 'keys/merchant.key'])('privateKey %s: a ConfigError saying to use a file:// URL, without quoting the value', (path) => {
    const error = configError({ ...config, privateKey: path });
    expect(error.field).toBe('privateKey');
    expect(error.message).toMatch(/not a PEM private key .*this looks like a file path: give it as a file:\/\/ URL/);
    expect(error.message).not.toContain(path);
  });

  test('the same path as a file:// URL works: paths are not read, by decision (docs/client.md)', () => {
    expect(() => new Wechatpay({ ...config, privateKey: pathToFileURL(keyFile).href })).not.toThrow();
  });

  test('a platform certificate given as a path gets the same hint', () => {
    const error = configError({ ...config, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: '/etc/wechatpay/wechatpay_cert.pem' } });
    expect(error.message).toMatch(/this looks like a file path: give it as a file:\/\/ URL/);
  });

  test('key text that is merely wrong gets no path hint', () => {
    const error = configError({ ...config, privateKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' });
    expect(error.message).toMatch(/not a PEM private key/);
    expect(error.message).not.toMatch(/file path/);
  });

  test('a file:// URL that cannot be read names the URL and the reason', () => {
    const missing = pathToFileURL(join(dir, 'nope.pem')).href;
    expect(configError({ ...config, privateKey: missing }).message).toContain(`cannot read the key file ${missing} (ENOENT)`);
  });
});

describe('a body passed bare', () => {
  let mock: MockServer;
  let wxpay: UntypedWechatpayClient;
  withMockClient((m, w) => {
    mock = m;
    wxpay = w;
  });

  async function refusal(call: Promise<unknown>): Promise<ParameterError> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ParameterError);
    expect(mock.requests).toHaveLength(0); // nothing was sent
    return error as ParameterError;
  }

  test('APIv3 POST: "unknown option … put the request body under `json`"', async () => {
    const error = await refusal(wxpay.v3.pay.transactions.native.post({ appid: 'wx1', mchid: '1900000001', description: 'd' }));
    expect(error.field).toBe('appid');
    expect(error.message).toBe(
      'appid: unknown option; expected json, query, headers, base_uri or a path parameter (this path has no path parameters). Put the request body under `json`: { json: { appid, mchid, description } }.',
    );
  });

  test('APIv3 GET: query fields go under `query`', async () => {
    const error = await refusal(wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '42', mchid: '1900000001' }));
    expect(error.message).toContain('(path parameters here: transaction_id). Put query fields under `query`: { query: { mchid } }.');
  });

  test('with json given, a stray option is only unknown (no misleading hint)', async () => {
    const error = await refusal(wxpay.v3.pay.transactions.native.post({ json: { appid: 'wx1' }, mchidd: '1' }));
    expect(error.message).not.toMatch(/Put the request body/);
    expect(error.message).toMatch(/^mchidd: unknown option/);
  });

  test('APIv2: put the request body under `xml`', async () => {
    const error = await refusal(wxpay.v2.pay.micropay.post({ appid: 'wx1', mch_id: '1900000001' }));
    expect(error.field).toBe('appid');
    expect(error.message).toContain('Put the request body under `xml`: { xml: { appid, … } }.');
  });
});
