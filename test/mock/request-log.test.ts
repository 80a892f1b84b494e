// The mock's request log is bounded by bytes as well as by count: large bodies push the oldest
// records out, so a run of big uploads cannot grow the mock's memory without end.
import { startMockServer } from '../../src/mock/server.js';

test('40 requests of 3 MiB with maxRecordedBytes 20 MiB: the newest kept, the bodies they hold within the bound', async () => {
  const mock = await startMockServer({ sandbox: false, maxRecordedBytes: 20 * 1024 * 1024 });
  try {
    const body = 'x'.repeat(3 * 1024 * 1024);
    for (let i = 0; i < 40; i++) {
      const response = await fetch(`${mock.url}v3/things/${i}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `"${body}"` });
      await response.arrayBuffer();
    }
    const held = mock.requests.reduce((sum, r) => sum + Buffer.byteLength(r.body), 0);
    expect(held).toBeLessThanOrEqual(20 * 1024 * 1024);
    expect(mock.requests.length).toBeGreaterThan(1);
    expect(mock.requests.at(-1)!.url).toBe('/v3/things/39');
  } finally {
    await mock.close();
  }
});

test('the default bound is 64 MiB; a bad bound is refused', async () => {
  await expect(startMockServer({ sandbox: false, maxRecordedBytes: 0 })).rejects.toThrow(/maxRecordedBytes/);
  const { DEFAULT_MAX_RECORDED_BYTES } = await import('../../src/mock/intake.js');
  expect(DEFAULT_MAX_RECORDED_BYTES).toBe(64 * 1024 * 1024);
});
