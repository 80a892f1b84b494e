// Media uploads: `body: { file, meta }` becomes multipart/form-data with a JSON `meta` part and a
// `file` part. WeChat Pay signs only the meta JSON, so that string is what the Authorization
// covers, and it is sent byte for byte as signed.
import { createHash } from 'node:crypto';
import type FormDataType from 'form-data';
import { ParameterError } from '../errors.js';
import { lazy } from '../lazy.js';

/** form-data, loaded on the first upload (APIv3 here, APIv2 in v2/upload.ts). */
export const loadFormData = lazy<typeof FormDataType>('form-data');

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  gif: 'image/gif',
  pdf: 'application/pdf',
  csv: 'text/csv',
  mp4: 'video/mp4',
  avi: 'video/x-msvideo',
  wmv: 'video/x-ms-wmv',
  mpeg: 'video/mpeg',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  flv: 'video/x-flv',
  f4v: 'video/x-f4v',
  m4v: 'video/x-m4v',
  rmvb: 'application/vnd.rn-realmedia-vbr',
};

export interface Multipart {
  /** The meta JSON: what is signed. */
  signed: string;
  payload: Buffer;
  contentType: string;
}

export function multipart(body: unknown): Multipart {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ParameterError('body', 'expected { file: Buffer, meta: { filename, sha256? } } for a media upload');
  }
  const { file, meta } = body as { file?: unknown; meta?: unknown };
  if (!(file instanceof Uint8Array)) throw new ParameterError('body.file', 'expected the file content as a Buffer or Uint8Array');
  const bytes = Buffer.isBuffer(file) ? file : Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  let fields: Record<string, unknown>;
  try {
    fields = typeof meta === 'string' ? (JSON.parse(meta) as Record<string, unknown>) : { ...(meta as Record<string, unknown>) };
  } catch {
    throw new ParameterError('body.meta', 'expected a JSON object (or its JSON text) with filename and sha256');
  }
  if (typeof fields !== 'object' || fields === null || typeof fields.filename !== 'string' || fields.filename === '') {
    throw new ParameterError('body.meta.filename', 'expected the file name with its extension, e.g. "logo.png"');
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const computed = fields.sha256 === undefined;
  if (computed) fields.sha256 = sha256;
  else if (typeof fields.sha256 !== 'string' || fields.sha256.toLowerCase() !== sha256) {
    throw new ParameterError('body.meta.sha256', 'does not match the file: leave it out to have it computed');
  }
  // Meta given as JSON text is sent as written, unless the digest had to be added to it.
  const signed = typeof meta === 'string' && !computed ? meta : JSON.stringify(fields);
  const extension = fields.filename.split('.').pop()!.toLowerCase();
  const form = new (loadFormData())();
  form.append('meta', signed, { contentType: 'application/json' });
  form.append('file', bytes, { filename: fields.filename, contentType: TYPES[extension] ?? 'application/octet-stream' });
  return { signed, payload: form.getBuffer(), contentType: form.getHeaders()['content-type'] as string };
}
