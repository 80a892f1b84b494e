// The endpoint model the mock routes, validates and answers from: `src/generated/model.json`,
// written by the code generator (codegen/model.ts is the authority on its shape; the subset the
// mock reads is repeated here so that src/ does not import from codegen/). The published
// package carries the same file as dist/cjs/generated/model.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleDir } from './here.js';

export const SUPPORTED_MODEL_VERSION = 1;

export type ModelMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type ScalarType = 'string' | 'integer' | 'number' | 'boolean' | 'object';

export interface Shape {
  type: ScalarType;
  /** Array depth: 1 for `T[]`, 2 for `T[][]`. */
  array?: number;
  required?: boolean;
  enum?: Array<string | number | boolean>;
  label?: string;
  encoded?: string;
  encrypted?: string;
  signed?: string;
  children?: ModelField[];
}

export interface ModelField extends Partial<Shape> {
  name: string;
  oneOf?: Shape[];
  in?: 'path';
  docName?: string;
}

export type RequestKind = 'json' | 'xml' | 'multipart' | 'query' | 'none';
export type ResponseKind = 'json' | 'xml' | 'no-content' | 'file-stream' | 'redirect' | 'undocumented';

export interface ModelOperation {
  method: ModelMethod;
  title: string;
  deprecated?: boolean;
  request: { kind: RequestKind; fields: ModelField[] };
  response: { kind: ResponseKind; fields: ModelField[] };
}

export interface ModelEndpoint {
  template: string;
  source: string;
  operations: ModelOperation[];
}

export interface ModelWebhook {
  /** Event types this notification document covers (`TRANSACTION.SUCCESS`, …). */
  events: string[];
  protocol: 'v2' | 'v3';
  title: string;
  source: string;
  /** The decrypted `resource`. */
  resource?: ModelField[];
}

export interface EndpointModel {
  version: number;
  endpoints: ModelEndpoint[];
  webhooks?: ModelWebhook[];
}

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
