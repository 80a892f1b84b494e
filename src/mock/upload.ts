// Media uploads as WeChat Pay receives them: multipart/form-data with a JSON `meta` part (the
// part the signature covers) and a `file` part whose SHA-256 must match `meta.sha256`.
import { createHash } from 'node:crypto';
import type { Violation } from './validate.js';

export interface Upload {
  /** The meta part exactly as received. */
  metaText: string;
  meta: Record<string, unknown>;
  file: Buffer;
  filename: string;
  contentType: string;
}

/** A multipart/form-data body, parsed by undici's own reader; undefined when it is not one. */
export async function readForm(body: Buffer, contentType: string): Promise<FormData | undefined> {
  try {
    return await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
}

/** The upload in a multipart body (parsed by undici's own multipart reader), or undefined. */
export async function readUpload(body: Buffer, contentType: string): Promise<Upload | undefined> {
  const form = await readForm(body, contentType);
  if (!form) return undefined;
  const metaPart = form.get('meta');
  const filePart = form.get('file');
  if (metaPart === null || filePart === null || typeof filePart === 'string') return undefined;
  const metaText = typeof metaPart === 'string' ? metaPart : await metaPart.text();
  let meta: unknown;
  try {
    meta = JSON.parse(metaText);
  } catch {
    return undefined;
  }
  if (typeof meta !== 'object' || meta === null) return undefined;
  return { metaText, meta: meta as Record<string, unknown>, file: Buffer.from(await filePart.arrayBuffer()), filename: filePart.name, contentType: filePart.type };
}

export function uploadViolation(upload: Upload): Violation | undefined {
  const { meta, file } = upload;
  for (const name of ['filename', 'sha256']) {
    if (typeof meta[name] !== 'string' || meta[name] === '') {
      return { field: `body.meta.${name}`, location: 'body', rule: 'required', issue: `meta.${name} is required` };
    }
  }
  if ((meta.sha256 as string).toLowerCase() !== createHash('sha256').update(file).digest('hex')) {
    return { field: 'body.meta.sha256', location: 'body', rule: 'type', issue: 'meta.sha256 is not the SHA-256 of the file' };
  }
  return undefined;
}
