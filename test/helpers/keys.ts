// Real keys, made by the test run (once per test file).
import { certifiedKey, publicKeyId, rsaKeyPair } from '../../src/mock/identity.js';

export function makeIdentities() {
  const merchant = certifiedKey({ commonName: '1900000001' });
  const platform = certifiedKey({ commonName: 'Tenpay.com Root CA' });
  const wechatpayPublicKey = { id: publicKeyId(), ...rsaKeyPair() };
  return { merchant, platform, wechatpayPublicKey };
}
