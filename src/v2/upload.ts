// The APIv2 media upload (`v2/secapi/mch/uploadmedia`): multipart/form-data with the media file
// and text fields, `sign` computed over the text fields only (the media is not signed, its MD5
// `media_hash` is).
import { createHash } from 'node:crypto';
import { ParameterError } from '../errors.js';
import { loadFormData } from '../request/multipart.js';
import { v2Signature, v2SignType, type V2SignType } from './sign.js';

export interface V2Upload {
  payload: Buffer;
  contentType: string;
  type: V2SignType;
}

export function v2Upload(body: unknown, key: string): V2Upload {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ParameterError('body', 'expected { media: Buffer, filename, mch_id, sign_type? } for an APIv2 upload');
  }
  const { media, filename, ...rest } = body as Record<string, unknown>;
  if (!(media instanceof Uint8Array)) throw new ParameterError('body.media', 'expected the media content as a Buffer or Uint8Array');
  if (typeof filename !== 'string' || filename === '') throw new ParameterError('body.filename', 'expected the media file name, e.g. "image.jpg"');
  const bytes = Buffer.isBuffer(media) ? media : Buffer.from(media.buffer, media.byteOffset, media.byteLength);
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(rest)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') throw new ParameterError(`body.${name}`, 'APIv2 fields are text');
    fields[name] = String(value);
  }
  const digest = createHash('md5').update(bytes).digest('hex');
  if (fields.media_hash === undefined) fields.media_hash = digest;
  else if (fields.media_hash.toLowerCase() !== digest) throw new ParameterError('body.media_hash', 'is not the MD5 of the media: leave it out to have it computed');
  if (fields.sign !== undefined) throw new ParameterError('body.sign', 'is computed by the client');
  const type = v2SignType(fields);
  fields.sign = v2Signature(fields, key, type);
  const form = new (loadFormData())();
  form.append('media', bytes, { filename });
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return { payload: form.getBuffer(), contentType: form.getHeaders()['content-type'] as string, type };
}
