// The runtime model the package ships (src/generated/runtime-model.json; the build writes it
// brotli-compressed to dist/cjs/generated/, and dist/esm reads that copy), read once per process by
// the mock and by pagination through this one reader, which checks the file's version first.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { packageDir } from './here.js';
import { MODEL_VERSION, RUNTIME_MODEL_VERSION, decodeRuntimeModel, type Model, type RuntimeModel, type RuntimeModelFile } from './model.js';

const FILE = 'runtime-model.json';

/** Where the shipped runtime model is looked for, in order (`.br`: as the build ships it). */
export function shippedModelPlaces(): string[] {
  return [join(packageDir, 'generated', FILE), join(packageDir, 'generated', `${FILE}.br`), join(packageDir, '..', 'cjs', 'generated', `${FILE}.br`)];
}

/** A model file (`.br` when brotli-compressed): the runtime form (decoded), or the generator's full model.json, which it contains. */
export function readModelFile(file: string): RuntimeModel | Model {
  const bytes = readFileSync(file);
  const raw = JSON.parse((file.endsWith('.br') ? brotliDecompressSync(bytes) : bytes).toString('utf8')) as { version?: unknown };
  if (raw.version === RUNTIME_MODEL_VERSION) return decodeRuntimeModel(raw as RuntimeModelFile);
  if (raw.version === MODEL_VERSION) return raw as Model;
  throw new Error(`wxpay-chain: ${file} is model version ${String(raw.version)}; this version reads ${RUNTIME_MODEL_VERSION} (and the generator's ${MODEL_VERSION})`);
}

let shipped: RuntimeModel | undefined;

/** The shipped runtime model, read once per process. */
export function readShippedModel(): RuntimeModel {
  if (shipped) return shipped;
  const places = shippedModelPlaces();
  const file = places.find((place) => existsSync(place));
  if (!file) throw new Error(`wxpay-chain: the endpoint model is missing (looked in ${places.join(', ')}); reinstall the package`);
  const model = readModelFile(file);
  if (model.version !== RUNTIME_MODEL_VERSION) throw new Error(`wxpay-chain: ${file} is not the runtime model (version ${model.version})`);
  return (shipped = model);
}
