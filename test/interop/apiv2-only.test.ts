// An APIv2-only merchant with its merchant certificate: mutual-TLS APIv2 calls (refunds) work with
// no serial, no certs, no APIv3 key and no public key; without the certificate they are refused
// before anything is sent, naming what is missing.
import { fork } from 'node:child_process';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { Hash, Transformer } from 'wechatpay-axios-plugin';
import { certifiedKey } from '../../src/mock/identity.js';

test('a refund over mutual TLS, from a client configured with mchid, apiv2Key and the certificate alone (PEM pair or PKCS#12)', async () => {
  const mchid = '1900000301';
  const apiv2Key = 'Mtls'.repeat(8);
  const merchant = certifiedKey({ commonName: mchid });
  const origin = certifiedKey({ commonName: '127.0.0.1' });
  const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(merchant.privateKeyPem), [forge.pki.certificateFromPem(merchant.certificatePem)], mchid, { algorithm: '3des' });
  const seen: Array<string | undefined> = [];
  const server = createServer({ key: origin.privateKeyPem, cert: origin.certificatePem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push(peer && 'subject' in peer ? String(peer.subject?.CN) : undefined);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const asked = Transformer.toObject(Buffer.concat(chunks).toString()) as Record<string, string>;
      const answer = { return_code: 'SUCCESS', result_code: 'SUCCESS', mch_id: asked.mch_id!, out_refund_no: asked.out_refund_no!, refund_id: '50000408942018111907145868882', nonce_str: 'x1' };
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(`${Transformer.toXml({ ...answer, sign: Hash.sign(Hash.ALGO_MD5, answer, apiv2Key) })}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const setup = {
      baseURL: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      mchid,
      apiv2Key,
      privateKeyPem: merchant.privateKeyPem,
      certificatePem: merchant.certificatePem,
      pkcs12: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary').toString('base64'),
    };
    const child = fork(join(__dirname, 'apiv2-only-client.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, APIV2_ONLY_SETUP: JSON.stringify(setup), NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const report = await new Promise<{ codes: string[] }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { codes: string[] }));
      child.once('exit', (code) => reject(new Error(`the client process exited without a report (${code})`)));
    });
    expect(report.codes).toEqual(['verified:true', 'verified:true', 'CONFIG_ERROR:merchantCertificate']);
    expect(seen).toEqual([mchid, mchid]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
