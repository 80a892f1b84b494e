// What the sandbox takes from the mock around it, as types and injected functions: the sandbox
// folder imports nothing from src/mock itself (the mock imports the sandbox, never the reverse).
import type { KeyObject } from 'node:crypto';
import type { Field, RuntimeEndpoint, RuntimeOperation, RuntimeWebhook } from '../../model.js';

export type ModelField = Field;
export type ModelOperation = RuntimeOperation;
export interface ModelView {
  readonly endpoints: readonly RuntimeEndpoint[];
  readonly webhooks?: readonly RuntimeWebhook[];
}

/** A sample JSON object shaped by documented fields (the mock's sampleBody). */
export type Sample = (fields: readonly ModelField[]) => Record<string, unknown>;

export interface NotificationSigner {
  id: string;
  privateKey: KeyObject;
}

export interface BuildSpec {
  eventType: string;
  resource: unknown;
  apiv3Key: string;
  signer: NotificationSigner;
  id: string;
  createTime: string;
  summary: string;
  associatedData: string;
}

/** Seal and sign a notification (the mock's buildNotification). */
export type Build = (spec: BuildSpec) => { headers: Record<string, string>; body: string };

/** POST it within a deadline, reading a bounded part of the answer (the mock's deliver). */
export type Deliver = (url: string, notification: { headers: Record<string, string>; body: string }, options: { timeoutMs: number }) => Promise<{ status: number; body: string }>;
