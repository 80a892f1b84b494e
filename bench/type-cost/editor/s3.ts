import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
const s3 = new S3Client({ region: 'ap-east-1' });
export const order = s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k' }));
s3.
