// Waiting for another process's certificate download (a store whose refresh lock is held
// elsewhere): the wait loop's timer keeps no process alive, and the give-up time is read from the
// manager's clock, so it is stepped here, never raced.
import { CertificateManager } from '../../src/certificates/manager.js';
import { Keyring } from '../../src/signing/keyring.js';

test('the lock wait is unref\'d and gives up by the injected clock, then downloads itself', async () => {
  let now = 1_000_000;
  const ttl = 200;
  let polls = 0;
  let locks = 0;
  let during = -1;
  const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timeouts();
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
        polls++;
        if (locks === 1 && polls >= 2) {
          // The first wait is over: nothing ref'd was pending during it. Then a lock lifetime passes.
          now += 3 * ttl;
        }
        return undefined;
      },
      write: async () => undefined,
      lock: async () => {
        // Measured once the first wait's timer is armed.
        if (locks++ === 0) setImmediate(() => (during = timeouts()));
        return undefined;
      },
    },
    download: async () => {
      throw new Error('downloaded by this process');
    },
  });
  await expect(manager.ensure()).rejects.toThrow('downloaded by this process');
  expect(during).toBe(before);
  expect(polls).toBeGreaterThanOrEqual(2);
  manager.stop();
});
