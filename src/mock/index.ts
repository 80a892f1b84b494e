// `wxpay-chain/mock`: a local WeChat Pay for offline integration tests.
export { startMockServer } from './server.js';
export type { MockAnswer, MockMode, MockServer, MockServerOptions, RecordedRequest, RouteHandler } from './server.js';
export type { Fault, FaultHandle, FaultKind, FaultScope } from './faults.js';
export { apiv3Key, decryptResource, encryptResource } from './certificates.js';
export type { EncryptedResource } from './certificates.js';
export { certifiedKey, publicKeyId, rsaKeyPair } from './identity.js';
export type { CertifiedKey, KeyPair } from './identity.js';
export { loadModel } from './model.js';
export type { EndpointModel, ModelEndpoint, ModelField, ModelOperation } from './model.js';
export { validateRequest } from './validate.js';
export type { Violation } from './validate.js';
export { sampleBody } from './sample.js';
export { buildNotification, deliver, notificationVariants, sampleResource, testNotification } from './notify.js';
export { buildV2Notification } from './v2.js';
export type { V2NotificationSpec } from './v2.js';
export type { BuiltNotification, NotificationSpec, NotificationVariant, TestNotificationOptions } from './notify.js';
export type { SigningKey } from './respond.js';
export { ManualScheduler, MovableScheduler, RETRY_SCHEDULE, Sandbox, SandboxError, systemScheduler } from './state/index.js';
export type {
  DeliveryAttempt,
  OrderKind,
  PayOutcome,
  RefundStatus,
  SandboxDelivery,
  SandboxOptions,
  SandboxOrder,
  SandboxRefund,
  SandboxSnapshot,
  Scheduler,
  TradeState,
} from './state/index.js';
export type { BillKind as MockBillKind, BillRefusal, BillRows, BillRowSource, MockBills } from './bills.js';
