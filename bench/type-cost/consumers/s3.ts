// The same five jobs with the AWS S3 client: an order object written, its head read, deleted
// ("refunded"), an event handler that lists a prefix, and the day's file read back.
import { createServer } from 'node:http';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';

const s3 = new S3Client({ region: 'ap-east-1' });
const Bucket = 'shop-orders';

export async function placeOrder(orderNo: string, cents: number): Promise<string> {
  const out = await s3.send(new PutObjectCommand({ Bucket, Key: `orders/${orderNo}.json`, Body: JSON.stringify({ cents }), ContentType: 'application/json' }));
  return out.ETag ?? '';
}

export async function orderStatus(orderNo: string): Promise<string> {
  const out = await s3.send(new HeadObjectCommand({ Bucket, Key: `orders/${orderNo}.json` }));
  return out.Metadata?.['state'] ?? 'unknown';
}

export async function refundOrder(orderNo: string): Promise<boolean> {
  const out = await s3.send(new DeleteObjectCommand({ Bucket, Key: `orders/${orderNo}.json` }));
  return out.DeleteMarker ?? false;
}

declare function markPaid(orderNo: string, cents: number): Promise<void>;
export const notifications = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { Records: Array<{ s3: { object: { key: string; size: number } } }> };
    for (const record of body.Records) await markPaid(record.s3.object.key, record.s3.object.size);
    let objects = 0;
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket, Prefix: 'orders/' })) objects += page.KeyCount ?? 0;
    res.end(String(objects));
  });
});

export async function paidOrdersOn(day: string): Promise<number> {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key: `bills/${day}.csv` }));
  const bytes = await out.Body?.transformToByteArray();
  return bytes?.length ?? 0;
}
