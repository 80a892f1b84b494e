// The ConfigError a client construction throws (the test fails if it throws nothing else).
import { ConfigError, Wechatpay, type WechatpayConfig } from '../../src/index.js';

export function configError(config: unknown): ConfigError {
  let error: unknown;
  try {
    new Wechatpay(config as WechatpayConfig);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}
