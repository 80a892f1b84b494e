// The runtime model the package ships (src/generated/runtime-model.json; the build copies it to
// dist/cjs/generated/, and dist/esm reads that copy), read once per process by the mock and by
// pagination through this one reader, which checks the file's version before decoding it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './here.js';
import { MODEL_VERSION, RUNTIME_MODEL_VERSION, decodeRuntimeModel, type Model, type RuntimeModel, type RuntimeModelFile } from './model.js';

const FILE = 'runtime-model.json';

/** Where the shipped runtime model is looked for, in order. */
export function shippedModelPlaces(): string[] {
  return [join(packageDir, 'generated', FILE), join(packageDir, '..', 'cjs', 'generated', FILE)];
}

/** A model file: the runtime form (decoded), or the generator's full model.json, which it contains. */
export function readModelFile(file: string): RuntimeModel | Model {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
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
