// The sandbox inside the mock: state for the core payment flows (see docs/sandbox.md).
export { ManualScheduler, MovableScheduler, systemScheduler, type Scheduler } from './clock.js';
export { RETRY_SCHEDULE } from './notifier.js';
export { Sandbox, SandboxError, type PayOutcome, type SandboxAnswer, type SandboxOptions, type SandboxRequest } from './sandbox.js';
export type { DeliveryAttempt, OrderKind, RefundStatus, SandboxDelivery, SandboxOrder, SandboxRefund, SandboxSnapshot, TradeState } from './types.js';
