// Many clients in one process hold no timer each: every certificate schedule and expiry sweep
// is an entry under one shared, unref'd timer, and the entries still fire.
import { Wechatpay } from '../../src/index.js';
import { pendingAlarms } from '../../src/certificates/alarms.js';
import type { MockServer } from '../../src/mock/server.js';
import { APIV3_KEY, downloads, makeKeys, startMock } from '../certificates/helpers.js';

const keys = makeKeys();
let mock: MockServer;
beforeAll(async () => {
  mock = await startMock(keys);
});
afterAll(() => mock.close());

test('200 clients with certificate refresh: at most one timer made, two alarms each, and stop() removes them', () => {
  const spy = jest.spyOn(global, 'setTimeout');
  const before = pendingAlarms();
  const clients = Array.from({ length: 200 }, () => new Wechatpay({ ...mock.clientConfig, apiv3Key: APIV3_KEY }));
  // One for the earliest alarm at most (none when an earlier one is already armed).
  expect(spy.mock.calls.length).toBeLessThanOrEqual(1);
  spy.mockRestore();
  // The refresh schedule and the sweep at the configured certificate's expiry.
  expect(pendingAlarms() - before).toBe(400);
  for (const client of clients) client.certificates!.stop();
  expect(pendingAlarms()).toBe(before);
});

test('the shared timer still runs each client on its own schedule', async () => {
  // jest's clock: the shared timer and Date move only when advanced; sockets stay real.
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask'] });
  try {
    const fast = new Wechatpay({ ...mock.clientConfig, certs: {}, apiv3Key: APIV3_KEY, certificates: { refreshInterval: 0.05 } });
    const slow = new Wechatpay({ ...mock.clientConfig, certs: {}, apiv3Key: APIV3_KEY, certificates: { refreshInterval: 3600 } });
    mock.requests.splice(0);
    for (let tick = 0; tick < 3; tick++) {
      const previous = fast.certificates!.lastRefresh;
      jest.advanceTimersByTime(50);
      // Until that download has landed (the next one is scheduled from there).
      for (let turn = 0; fast.certificates!.lastRefresh === previous; turn++) {
        if (turn > 200_000) throw new Error('the scheduled download did not happen');
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(downloads(mock)).toBeGreaterThanOrEqual(3);
    expect(fast.certificates!.downloads).toBeGreaterThanOrEqual(3);
    expect(slow.certificates!.downloads).toBe(0);
    fast.certificates!.stop();
    slow.certificates!.stop();
  } finally {
    jest.useRealTimers();
  }
});
