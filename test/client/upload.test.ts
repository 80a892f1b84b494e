// Media uploads: multipart/form-data whose `meta` JSON is what the signature covers, checked by
// the peer SDK's verifier and parsed back by undici's own multipart parser (Response.formData()).
import { createHash } from 'node:crypto';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { ParameterError, Wechatpay, untyped } from '../../src/index.js';
import { signedHeaders } from '../../src/mock/respond.js';
import { makeIdentities } from '../helpers/keys.js';
import { startRawServer, type RawRequest, type RawServer } from '../helpers/raw-server.js';

const { merchant, platform } = makeIdentities();
let server: RawServer;
const received: { verified: boolean; meta: unknown; file: Buffer; fileName: string; fileType: string }[] = [];

beforeAll(async () => {
  server = await startRawServer(async (request: RawRequest) => {
    const auth = String(request.headers.authorization);
    const f = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const form = await new Response(request.body, { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
    const meta = String(form.get('meta'));
    const file = form.get('file') as File;
    received.push({
      verified: Rsa.verify(Formatter.request(request.method, request.url, f.timestamp, f.nonce_str, meta), f.signature!, merchant.publicKeyPem),
      meta: JSON.parse(meta),
      file: Buffer.from(await file.arrayBuffer()),
      fileName: file.name,
      fileType: file.type,
    });
    const body = JSON.stringify({ media_id: 'H1ihR9h1uVgRgTsHVDe5S48lORf_SdWzXpp1iYeoEVyeo0ftmR9k-_-VUxvFD6-UqbuPB4rNBvdDe9SzmIz91IhHJ-ZIJZtN7zSv3XJb4ayG' });
    return { body, headers: signedHeaders({ id: platform.serial, privateKey: platform.privateKey }, body) };
  });
});
afterAll(() => server.close());

const wxpay = () => untyped(new Wechatpay({ mchid: '1900000001', serial: merchant.serial, privateKey: merchant.privateKeyPem, certs: { [platform.serial]: platform.certificatePem }, baseURL: server.url }));
const image = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really a png, but bytes')]);
const digest = createHash('sha256').update(image).digest('hex');

test('upload: the meta JSON is signed, the file arrives intact, sha256 is computed when left out', async () => {
  const response = await wxpay().v3.merchant.media.upload.post({ body: { file: image, meta: { filename: 'logo.png' } } });
  expect(response.verified).toBe(true);
  expect(response.data).toMatchObject({ media_id: expect.any(String) });
  expect(received.at(-1)).toEqual({ verified: true, meta: { filename: 'logo.png', sha256: digest }, file: image, fileName: 'logo.png', fileType: 'image/png' });
});

test('meta given as JSON text is signed and sent as written', async () => {
  const meta = JSON.stringify({ sha256: digest, filename: 'a.jpg' });
  await wxpay().chain('v3/marketing/favor/media/image-upload').post({ body: { file: new Uint8Array(image), meta } });
  expect(received.at(-1)).toMatchObject({ verified: true, meta: JSON.parse(meta), fileType: 'image/jpeg' });
});

test('bad uploads are refused before sending', async () => {
  const before = received.length;
  const cases: [unknown, string][] = [
    [{ file: 'a string', meta: { filename: 'a.png' } }, 'body.file'],
    [{ file: image, meta: {} }, 'body.meta.filename'],
    [{ file: image, meta: '{not json' }, 'body.meta'],
    [{ file: image, meta: { filename: 'a.png', sha256: '00' } }, 'body.meta.sha256'],
    ['x', 'body'],
  ];
  for (const [body, field] of cases) {
    const error = await wxpay().v3.merchant.media.upload.post({ body }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).field).toBe(field);
  }
  expect(received.length).toBe(before);
});
