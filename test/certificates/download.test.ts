// The platform certificate download: decrypted under the APIv3 key, each certificate checked
// against what the list says about it, and the download's own signature verified.
import { ApiError, CertificateError, VerificationError } from '../../src/index.js';
import { certifiedKey } from '../../src/mock/identity.js';
import { signedHeaders } from '../../src/mock/respond.js';
import type { MockServer } from '../../src/mock/server.js';
import { caught, certificatesRoute, downloadingClient, downloads, echoRoute, makeKeys, signer, startMock } from './helpers.js';

const keys = makeKeys();
const stranger = certifiedKey({ commonName: 'Tenpay.com Root CA' });
const expired = certifiedKey({ commonName: 'Tenpay.com Root CA', notBefore: new Date(Date.now() - 10 * 86400_000), notAfter: new Date(Date.now() - 86400_000) });
let mock: MockServer;

beforeEach(async () => {
  mock = await startMock(keys);
  echoRoute(mock);
});
afterEach(() => mock.close());

test("first download: a client with no certificates fetches them on the first answer, verified with what it delivers", async () => {
  const wxpay = downloadingClient(mock);
  expect(wxpay.keyring.ids()).toEqual([]);
  const response = await wxpay.v3.echo.post({ json: { a: 1 } });
  expect(response.verified).toBe(true);
  expect(response.data).toEqual({ got: { a: 1 } });
  expect(wxpay.keyring.ids()).toEqual([keys.platform.serial]);
  expect(downloads(mock)).toBe(1);
  // The download itself was a signed merchant request the mock accepted.
  const download = mock.requests.find((request) => request.url === '/v3/certificates')!;
  expect(download.status).toBe(200);
  expect(wxpay.certificates!.lastRefresh).toMatchObject({ source: 'download', serials: [keys.platform.serial] });
  const [listed] = wxpay.certificates!.list();
  expect(listed!.notAfter.getTime()).toBe(Math.floor(keys.platform.notAfter.getTime() / 1000) * 1000);
  // Known now: the next answer needs no download.
  await wxpay.v3.echo.post({ json: {} });
  expect(downloads(mock)).toBe(1);
});

test('an explicit refresh downloads now and returns the certificates', async () => {
  const wxpay = downloadingClient(mock);
  const keysReturned = await wxpay.certificates!.refresh();
  expect(keysReturned.map((key) => key.id)).toEqual([keys.platform.serial]);
  expect(keysReturned[0]!.certificate!.serialNumber).toBe(keys.platform.serial);
});

test('wrong apiv3Key: a clear CertificateError, not a crash; then no download loop', async () => {
  const wxpay = downloadingClient(mock, { apiv3Key: 'Z'.repeat(32) });
  const error = (await caught(wxpay.v3.echo.post({ json: {} }))) as CertificateError;
  expect(error).toBeInstanceOf(CertificateError);
  expect(error.code).toBe('DECRYPT_FAILED');
  expect(error.message).toContain('apiv3Key');
  expect(error.serial).toBe(keys.platform.serial);
  expect(JSON.stringify(error)).not.toContain('Z'.repeat(32));
  // Within the rate limit a second call fails the same way without a download (the client
  // needs a certificate for its default Wechatpay-Serial and still has none).
  const again = (await caught(wxpay.v3.echo.post({ json: {} }))) as CertificateError;
  expect(again).toBe(error);
  expect(downloads(mock)).toBe(1);
  expect(wxpay.certificates!.lastError).toBe(error);
  // Asking explicitly still tries (and fails the same way).
  expect(((await caught(wxpay.certificates!.refresh())) as CertificateError).code).toBe('DECRYPT_FAILED');
  expect(downloads(mock)).toBe(2);
});

test.each([
  ['a ciphertext byte', (c: string) => flip(c, 3)],
  ['the GCM tag', (c: string) => flip(c, Buffer.from(c, 'base64').length - 2)],
])('tampered ciphertext (%s): rejected by the GCM tag', async (_what, change) => {
  certificatesRoute(mock, { list: [keys.platform], tamper: (answer) => (answer.data[0]!.encrypt_certificate.ciphertext = change(answer.data[0]!.encrypt_certificate.ciphertext)) });
  const wxpay = downloadingClient(mock);
  const error = (await caught(wxpay.certificates!.refresh())) as CertificateError;
  expect(error).toBeInstanceOf(CertificateError);
  expect(error.code).toBe('DECRYPT_FAILED');
  expect(error.message).toContain('tag mismatch');
  expect(wxpay.keyring.ids()).toEqual([]);
});

test('tampered associated_data or nonce: rejected by the GCM tag', async () => {
  const route = certificatesRoute(mock, { list: [keys.platform], tamper: (answer) => (answer.data[0]!.encrypt_certificate.associated_data = 'certificatX') });
  const wxpay = downloadingClient(mock);
  expect(((await caught(wxpay.certificates!.refresh())) as CertificateError).code).toBe('DECRYPT_FAILED');
  route.tamper = (answer) => (answer.data[0]!.encrypt_certificate.nonce = 'AAAAAAAAAAAA');
  expect(((await caught(wxpay.certificates!.refresh())) as CertificateError).code).toBe('DECRYPT_FAILED');
});

test('expired certificate: left out of a download (reported), the valid one kept; a list of only expired ones fails', async () => {
  const reported: Error[] = [];
  const route = certificatesRoute(mock, { list: [expired, keys.platform] });
  const wxpay = downloadingClient(mock, { certificates: { onError: (error) => reported.push(error) } });
  await wxpay.certificates!.refresh();
  expect(wxpay.keyring.ids()).toEqual([keys.platform.serial]);
  expect(reported).toEqual([expect.objectContaining({ code: 'EXPIRED', serial: expired.serial })]);
  // An answer signed by the expired certificate's key is not trusted.
  echoRoute(mock);
  mock.route('POST', 'v3/expired', () => ({ raw: '{}', headers: signedBy(expired, '{}') }));
  expect(((await caught(wxpay.v3.expired.post({ json: {} }))) as VerificationError).code).toBe('UNKNOWN_SERIAL');
  route.list = [expired];
  route.signWith = signer(expired);
  const error = (await caught(downloadingClient(mock).certificates!.refresh())) as CertificateError;
  expect(error.code).toBe('EXPIRED');
});

test('a configured certificate that expires is dropped from the keyring when it expires', () => {
  // The clock is jest's (Date and timers), advanced by hand: no race against wall time.
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  try {
    // X.509 validity has whole seconds: expire on a second boundary a few seconds ahead.
    const notAfter = Math.ceil((Date.now() + 5000) / 1000) * 1000;
    const soon = certifiedKey({ commonName: 'Tenpay.com Root CA', notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(notAfter) });
    const wxpay = downloadingClient(mock, { certs: { [soon.serial]: soon.certificatePem, [keys.platform.serial]: keys.platform.certificatePem } });
    expect(wxpay.keyring.ids()).toContain(soon.serial);
    jest.advanceTimersByTime(notAfter - Date.now() - 1);
    expect(wxpay.keyring.ids()).toContain(soon.serial);
    jest.advanceTimersByTime(2);
    expect(wxpay.keyring.ids()).toEqual([keys.platform.serial]);
    wxpay.certificates!.stop();
  } finally {
    jest.useRealTimers();
  }
});

test('a certificate is what it says it is: serial and validity must match the list', async () => {
  const reported: Error[] = [];
  const route = certificatesRoute(mock, { list: [keys.platform], tamper: (answer) => (answer.data[0]!.serial_no = stranger.serial) });
  const wxpay = downloadingClient(mock, { certificates: { onError: (error) => reported.push(error) } });
  expect(((await caught(wxpay.certificates!.refresh())) as CertificateError).code).toBe('SERIAL_MISMATCH');
  route.tamper = (answer) => (answer.data[0]!.expire_time = '2099-01-01T00:00:00+08:00');
  const error = (await caught(wxpay.certificates!.refresh())) as CertificateError;
  expect(error.code).toBe('VALIDITY_MISMATCH');
  expect(error.message).toContain('2099-01-01T00:00:00+08:00');
  route.tamper = (answer) => (answer.data[0]!.encrypt_certificate.algorithm = 'SM4_GCM');
  expect(((await caught(wxpay.certificates!.refresh())) as CertificateError).code).toBe('BAD_ALGORITHM');
  route.tamper = (answer) => ((answer as { data?: unknown }).data = 'nothing');
  expect(((await caught(wxpay.certificates!.refresh())) as CertificateError).code).toBe('BAD_RESPONSE');
  expect(wxpay.keyring.ids()).toEqual([]);
});

test("the download's own signature: a stranger's signature, or a forged one under a delivered serial, is refused", async () => {
  const route = certificatesRoute(mock, { list: [keys.platform], signWith: signer(stranger) });
  const wxpay = downloadingClient(mock);
  expect(((await caught(wxpay.certificates!.refresh())) as VerificationError).code).toBe('UNKNOWN_SERIAL');
  route.signWith = { id: keys.platform.serial, privateKey: stranger.privateKey };
  expect(((await caught(wxpay.certificates!.refresh())) as VerificationError).code).toBe('BAD_SIGNATURE');
  expect(wxpay.keyring.ids()).toEqual([]);
  // Signed by a certificate the client already trusts (not in the list): accepted.
  route.signWith = signer(stranger);
  const trusting = downloadingClient(mock, { certs: { [stranger.serial]: stranger.certificatePem } });
  await trusting.certificates!.refresh();
  expect(trusting.keyring.ids().sort()).toEqual([stranger.serial, keys.platform.serial].sort());
});

test('with a CA configured, only certificates it issued are accepted', async () => {
  const untrusted = downloadingClient(mock, { certificates: { ca: stranger.certificatePem } });
  const error = (await caught(untrusted.certificates!.refresh())) as CertificateError;
  expect(error.code).toBe('UNTRUSTED_ISSUER');
  // The mock's certificates are self-issued, so each is its own CA.
  const trusted = downloadingClient(mock, { certificates: { ca: keys.platform.certificatePem } });
  await trusted.certificates!.refresh();
  expect(trusted.keyring.ids()).toEqual([keys.platform.serial]);
});

test('an error answer to the download is an ApiError, verified with the keys the client has', async () => {
  mock.route('GET', 'v3/certificates', () => ({ status: 500, json: { code: 'SYSTEM_ERROR', message: '系统繁忙' } }));
  const wxpay = downloadingClient(mock, { certs: { [keys.platform.serial]: keys.platform.certificatePem } });
  const error = (await caught(wxpay.certificates!.refresh())) as ApiError;
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ httpStatus: 500, code: 'SYSTEM_ERROR', verified: true });
  // Not known: the answer's serial cannot be checked, and the download does not ask for itself.
  const blind = downloadingClient(mock);
  expect(((await caught(blind.certificates!.refresh())) as VerificationError).code).toBe('UNKNOWN_SERIAL');
  expect(downloads(mock)).toBe(2);
});

function flip(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index]! ^= 0x01;
  return bytes.toString('base64');
}

function signedBy(key: ReturnType<typeof certifiedKey>, body: string): Record<string, string> {
  return signedHeaders(signer(key), body);
}
