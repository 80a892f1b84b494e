// The endpoint model the mock routes, validates and answers from: the runtime model the package
// ships (src/generated/runtime-model.json, read by src/model-file.ts), or a model file given.
import type { Field, RuntimeEndpoint, RuntimeOperation, RuntimeWebhook } from '../model.js';
import { readModelFile, readShippedModel } from '../model-file.js';

export { RUNTIME_MODEL_VERSION as SUPPORTED_MODEL_VERSION } from '../model.js';

export type { HttpMethod as ModelMethod, RequestKind, ResponseKind, ScalarType, Shape } from '../model.js';
export type ModelField = Field;
export type ModelOperation = RuntimeOperation;
export type ModelEndpoint = RuntimeEndpoint;
export type ModelWebhook = RuntimeWebhook;
/** The model as the mock reads it: the runtime model, or the generator's full one (which holds it). */
export interface EndpointModel {
  version: number;
  endpoints: readonly ModelEndpoint[];
  webhooks?: readonly ModelWebhook[];
}

/** The shipped endpoint model (read once per process), or the one at `path` (either form). */
export function loadModel(path?: string): EndpointModel {
  return path ? readModelFile(path) : readShippedModel();
}

/** The top-level request field that holds the members of `json`, `query` or `headers`. */
export function section(operation: ModelOperation, name: 'json' | 'query' | 'headers' | 'body' | 'xml'): ModelField | undefined {
  return operation.request.fields.find((field) => field.name === name && field.in !== 'path');
}
