// Shared by the certificate tests: keys made once per test file, mock servers reusing them, and a
// `v3/certificates` route built with our own sealing helper whose answer the test can shape.
import { Wechatpay, untyped, sealCertificateList, type CertificateList, type UntypedWechatpayClient, type WechatpayConfig } from '../../src/index.js';
import { certifiedKey, publicKeyId, rsaKeyPair, type CertifiedKey } from '../../src/mock/identity.js';
import { signedHeaders, type SigningKey } from '../../src/mock/respond.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock/server.js';

export const APIV3_KEY = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';

export function makeKeys() {
  return {
    merchant: certifiedKey({ commonName: '1900000001' }),
    platform: certifiedKey({ commonName: 'Tenpay.com Root CA' }),
    publicKey: { id: publicKeyId(), ...rsaKeyPair() },
  };
}
export type Keys = ReturnType<typeof makeKeys>;

export function startMock(keys: Keys, options: MockServerOptions = {}): Promise<MockServer> {
  return startMockServer({ merchant: keys.merchant, platform: keys.platform, publicKey: keys.publicKey, apiv3Key: APIV3_KEY, ...options });
}

export function signer(key: CertifiedKey): SigningKey {
  return { id: key.serial, privateKey: key.privateKey };
}

export interface CertificatesRoute {
  /** The certificates listed (PEMs of the CertifiedKeys). */
  list: CertifiedKey[];
  /** Sign the answer with this key instead of the mock's current platform key. */
  signWith?: SigningKey;
  /** Change the sealed answer before it is sent. */
  tamper?: (answer: CertificateList) => void;
  /** Milliseconds to wait before answering. */
  delay?: number;
  apiv3Key?: string;
}

/** Serves `GET v3/certificates` from `state`, which the test may change at any time. */
export function certificatesRoute(mock: MockServer, state: CertificatesRoute): CertificatesRoute {
  mock.route('GET', 'v3/certificates', async () => {
    if (state.delay) await new Promise((resolve) => setTimeout(resolve, state.delay));
    const answer = sealCertificateList(state.apiv3Key ?? APIV3_KEY, state.list.map((key) => key.certificatePem));
    state.tamper?.(answer);
    const raw = JSON.stringify(answer);
    return state.signWith ? { raw, headers: signedHeaders(state.signWith, raw) } : { raw };
  });
  return state;
}

export function downloads(mock: MockServer): number {
  return mock.requests.filter((request) => request.url.startsWith('/v3/certificates')).length;
}

/** A client of the mock that downloads its certificates (none configured unless given). */
export function downloadingClient(mock: MockServer, extra: Partial<WechatpayConfig> = {}): UntypedWechatpayClient {
  return untyped(new Wechatpay({ ...mock.clientConfig, certs: {}, apiv3Key: APIV3_KEY, ...extra }));
}

/** An undocumented echo route: answers what it got, signed by the mock (or by `signWith`). */
export function echoRoute(mock: MockServer, signWith?: () => SigningKey | undefined): void {
  mock.route('POST', 'v3/echo', (request) => {
    const raw = JSON.stringify({ got: request.json ?? null });
    const key = signWith?.();
    return key ? { raw, headers: signedHeaders(key, raw) } : { raw };
  });
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}
