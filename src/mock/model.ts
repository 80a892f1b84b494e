// The endpoint model the mock routes, validates and answers from: `src/generated/model.json`,
// written by the code generator (its schema is src/model.ts). The published package carries the
// same file as dist/cjs/generated/model.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_VERSION, type Endpoint, type Field, type Model, type Operation, type Webhook } from '../model.js';
import { moduleDir } from './here.js';

export const SUPPORTED_MODEL_VERSION = MODEL_VERSION;

export type { HttpMethod as ModelMethod, RequestKind, ResponseKind, ScalarType, Shape } from '../model.js';
export type ModelField = Field;
export type ModelOperation = Operation;
export type ModelEndpoint = Endpoint;
export type ModelWebhook = Webhook;
/** The model as the mock reads it (webhooks and redirects are optional to older readers). */
export type EndpointModel = Pick<Model, 'version' | 'endpoints'> & Partial<Pick<Model, 'webhooks' | 'redirects'>>;

/**
 * Where the model is looked for: `../generated/model.json` from src/mock (and from dist/cjs/mock,
 * where the build copies it), and the CommonJS build's copy from dist/esm/mock (one copy ships).
 */
export function modelCandidates(): string[] {
  return [join(moduleDir, '..', 'generated', 'model.json'), join(moduleDir, '..', '..', 'cjs', 'generated', 'model.json')];
}

let cached: EndpointModel | undefined;

/** The shipped endpoint model (read once per process), or the one at `path`. */
export function loadModel(path?: string): EndpointModel {
  if (!path && cached) return cached;
  const file = path ?? modelCandidates().find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`wxpay-chain mock: endpoint model not found (looked in ${modelCandidates().join(', ')})`);
  const model = JSON.parse(readFileSync(file, 'utf8')) as EndpointModel;
  if (model.version !== SUPPORTED_MODEL_VERSION || !Array.isArray(model.endpoints)) {
    throw new Error(`wxpay-chain mock: ${file} is model version ${String(model.version)}; this mock reads version ${SUPPORTED_MODEL_VERSION}`);
  }
  if (!path) cached = model;
  return model;
}

/** The top-level request field that holds the members of `json`, `query` or `headers`. */
export function section(operation: ModelOperation, name: 'json' | 'query' | 'headers' | 'body' | 'xml'): ModelField | undefined {
  return operation.request.fields.find((field) => field.name === name && field.in !== 'path');
}
