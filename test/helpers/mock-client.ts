// One mock WeChat Pay and an untyped client pointed at it, per test file: started before the
// tests, closed after, its faults and recorded requests cleared before each test.
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock/server.js';

export function withMockClient(ready: (mock: MockServer, wxpay: UntypedWechatpayClient) => void, options?: MockServerOptions): void {
  let mock: MockServer | undefined;
  beforeAll(async () => {
    mock = await startMockServer(options);
    ready(mock, untyped(new Wechatpay(mock.clientConfig)));
  });
  afterAll(() => mock?.close());
  beforeEach(() => {
    mock!.clearFaults();
    mock!.requests.splice(0);
  });
}
