// The signing workers hold a bounded number of private keys (issue #13 item 4): merchants that
// come and go leave none behind, and a key dropped then used again is handed over once more.
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { SigningPool } from '../../src/request/pool.js';

const keys = Array.from({ length: 5 }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));
let pool: SigningPool;
beforeEach(() => (pool = new SigningPool({ threads: 1, maxKeys: 3 })));
afterEach(() => pool.close());

async function signed(privateKey: KeyObject, publicKey: KeyObject, message: string): Promise<void> {
  const signature = await pool.sign(privateKey, message);
  expect(signature).toEqual(expect.any(String));
  expect(verify('sha256', Buffer.from(message), publicKey, Buffer.from(signature!, 'base64'))).toBe(true);
}

test('five merchants signing in turn leave the worker holding at most three keys, every signature valid', async () => {
  const seen: number[] = [];
  for (const [n, { privateKey, publicKey }] of keys.entries()) {
    await signed(privateKey, publicKey, `GET\n/v3/merchant/${n}\n`);
    seen.push(...pool.stats().map((worker) => worker.held));
  }
  expect(seen).toEqual([1, 2, 3, 3, 3]);
  expect(pool.stats()).toEqual([{ held: 3, handedOver: 5 }]);
});

test('a key dropped from the worker is handed over again when its merchant signs again', async () => {
  for (const { privateKey, publicKey } of keys) await signed(privateKey, publicKey, 'first');
  // keys[0] was the least recently used and is gone from the worker: it signs correctly again.
  await signed(keys[0]!.privateKey, keys[0]!.publicKey, 'again');
  expect(pool.stats()).toEqual([{ held: 3, handedOver: 6 }]);
  // keys[4] is still held: signing with it sends nothing.
  await signed(keys[4]!.privateKey, keys[4]!.publicKey, 'held');
  expect(pool.stats()).toEqual([{ held: 3, handedOver: 6 }]);
});

test('a recently used key is kept: the least recently used one is dropped instead', async () => {
  const [a, b, c, d] = keys as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
  await signed(a.privateKey, a.publicKey, 'a');
  await signed(b.privateKey, b.publicKey, 'b');
  await signed(c.privateKey, c.publicKey, 'c');
  await signed(a.privateKey, a.publicKey, 'a again'); // a is now the most recent: b is the oldest
  await signed(d.privateKey, d.publicKey, 'd'); // drops b
  expect(pool.stats()).toEqual([{ held: 3, handedOver: 4 }]);
  await signed(a.privateKey, a.publicKey, 'a kept'); // still held: nothing sent
  expect(pool.stats()).toEqual([{ held: 3, handedOver: 4 }]);
  // Concurrent signatures with b (sent again, dropping c) and d: both valid, three keys held.
  await Promise.all([signed(b.privateKey, b.publicKey, 'x'), signed(d.privateKey, d.publicKey, 'y')]);
  expect(pool.stats()).toEqual([{ held: 3, handedOver: 5 }]);
});

test('a pool with no threads signs nothing off thread (the caller signs inline)', async () => {
  const none = new SigningPool({ threads: 0, maxKeys: 3 });
  expect(none.sign(keys[0]!.privateKey, 'm')).toBeUndefined();
  await none.close();
});
