// M3 (issue #15): the Fetch adapter enforces its body limit while a chunked body streams in,
// instead of buffering the whole body first. The body here never ends: only a reader that stops
// at the limit can answer at all.
import { Webhooks } from '../../src/webhooks/index.js';

test('an endless chunked body is refused with 413 after about the limit, not read to the end', async () => {
  const webhooks = new Webhooks({ keys: new Map(), apiv3Key: 'x'.repeat(32), maxBodyBytes: 64 * 1024 });
  let pulled = 0;
  const chunk = new Uint8Array(16 * 1024).fill(0x20);
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const request = new Request('http://merchant.test/notify', { method: 'POST', body: endless, duplex: 'half' } as RequestInit);
  let handled = false;
  const response = await webhooks.fetch(() => {
    handled = true;
  })(request);
  expect(response.status).toBe(413);
  expect(handled).toBe(false);
  expect(pulled).toBeLessThan(256 * 1024);
});
