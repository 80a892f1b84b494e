// Dependencies that only some calls need (node-forge for PKCS#12, fast-xml-parser for APIv2) are
// loaded on first use, so importing the package costs about what importing axios does.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageDir } from './here.js';

const load = createRequire(join(packageDir, 'index.js'));

export function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(id) as T);
}
