// Waiting for another process's certificate download (a store whose refresh lock is held
// elsewhere): the wait loop's timer keeps no process alive, and the give-up time is read from the
// manager's clock, so it is stepped here, never raced.
import { CertificateManager } from '../../src/certificates/manager.js';
import { Keyring } from '../../src/signing/keyring.js';

test("the lock wait is unref'd and gives up by the injected clock, then downloads itself", async () => {
  let now = 1_000_000;
  const ttl = 200;
  const poll = 20; // the manager's poll for this ttl: ttl / 10, at least 20 ms
  let polls = 0;
  const waits: NodeJS.Timeout[] = [];
  const real = global.setTimeout;
  const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((task: () => void, ms?: number) => {
    const timer = real(task, ms);
    if (ms === poll) waits.push(timer);
    return timer;
  }) as unknown as typeof setTimeout);
  const manager = new CertificateManager({
    mchid: '1900000001',
    apiv3Key: Buffer.alloc(32, 1),
    keyring: new Keyring(),
    refreshInterval: 0,
    minInterval: 0,
    maxClockSkew: 300,
    lockTtl: ttl,
    now: () => now,
    store: {
      read: async () => {
        // After the first wait, a whole lock lifetime passes on the manager's clock.
        if (++polls === 2) now += 3 * ttl;
        return undefined;
      },
      write: async () => undefined,
      lock: async () => undefined, // held by another process, throughout
    },
    download: async () => {
      throw new Error('downloaded by this process');
    },
  });
  try {
    await expect(manager.ensure()).rejects.toThrow('downloaded by this process');
  } finally {
    spy.mockRestore();
    manager.stop();
  }
  // One wait, then the give-up read from the injected clock (not a second lock lifetime of wall time).
  expect(waits).toHaveLength(1);
  expect(waits.every((timer) => !timer.hasRef())).toBe(true);
});
