// Reading a raw request body with a size limit, stopping as soon as the limit is passed.
import type { Readable } from 'node:stream';
import { WebhookError } from './errors.js';

export function readBody(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.off('data', onData);
        stream.resume();
        reject(new WebhookError('BODY_TOO_LARGE', `notification body is over the ${limit}-byte limit`));
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
