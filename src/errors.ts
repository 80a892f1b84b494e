// Every failure the SDK raises is one of these. None of them holds a request config,
// a header map or key material, so logging an error can never leak a secret. None has a
// `status` or `statusCode` either: Express, Koa, Fastify and Nest answer a thrown error with
// those, and WeChat Pay's 401 or 404 must never become the shop's own answer to its customer
// (WeChat Pay's status is `httpStatus`). `expose: false` tells http-errors-style handlers (Koa)
// to keep the message to the logs.
import { configHint, diagnoseSignError, oneLine, verificationHint, type Diagnosis, type SignedRequest } from './hints.js';

export abstract class WechatpayError extends Error {
  abstract readonly code: string;
  /** Not for the shop's customers: a framework's default error handler answers 500 without this message. */
  readonly expose = false;
  /**
   * The likely cause and its fix in one line (what `wxpay-chain doctor` would say), when the
   * error alone allows a diagnosis; also at the end of `message`, so a log line points at the fix.
   */
  readonly hint: string | undefined;
  constructor(message: string, diagnosis?: Diagnosis) {
    const hint = diagnosis && oneLine(diagnosis);
    super(hint ? `${message} (hint: ${hint})` : message);
    this.hint = hint;
  }
  override get name(): string {
    return this.constructor.name;
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

// A problem with one named input: the field and what to do about it.
abstract class FieldError extends WechatpayError {
  constructor(
    readonly field: string,
    message: string,
    diagnosis?: Diagnosis,
  ) {
    super(`${field}: ${message}`, diagnosis);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** The client was configured wrongly; raised by the constructor, naming the field. */
export class ConfigError extends FieldError {
  readonly code = 'CONFIG_ERROR';
  constructor(field: string, message: string) {
    super(field, message, configHint(field, message));
  }
}

/** A call's options are wrong; raised before anything is sent. */
export class ParameterError extends FieldError {
  readonly code = 'PARAMETER_ERROR';
}

export type VerificationCode =
  | 'MISSING_HEADERS'
  | 'BAD_TIMESTAMP'
  | 'TIMESTAMP_SKEW'
  | 'UNKNOWN_SERIAL'
  | 'SIGNTEST_PROBE'
  | 'BAD_SIGNATURE';

/** A response (or notification) could not be proven to come from WeChat Pay. Its body is not returned. */
export class VerificationError extends WechatpayError {
  constructor(
    readonly code: VerificationCode,
    message: string,
    /** The HTTP status of the answer that failed verification. */
    readonly httpStatus?: number,
    readonly requestId?: string,
    /** The platform certificate serial or `PUB_KEY_ID_…` the message named, when it named one. */
    readonly keyId?: string,
  ) {
    super(message, verificationHint(code, message, keyId));
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), httpStatus: this.httpStatus, requestId: this.requestId, keyId: this.keyId };
  }
}

export interface ApiErrorInit {
  /** WeChat Pay's HTTP status. */
  status: number;
  code: string;
  message: string;
  detail?: unknown;
  requestId?: string;
  verified: boolean;
  data: unknown;
  /** The answer's `Retry-After`, in milliseconds. */
  retryAfter?: number;
  /** What the client signed (for a 401 SIGN_ERROR, held against what WeChat Pay verified). */
  signed?: SignedRequest;
}

/** WeChat Pay answered with a non-2xx status. `verified` says whether that answer was signed. */
export class ApiError extends WechatpayError {
  /** WeChat Pay's HTTP status (not `status`, which web frameworks would answer the shop's customer with). */
  readonly httpStatus: number;
  readonly code: string;
  readonly detail: unknown;
  readonly requestId: string | undefined;
  readonly verified: boolean;
  readonly data: unknown;
  /** How long the answer asked to wait before trying again (`Retry-After`), in milliseconds. */
  readonly retryAfter: number | undefined;
  constructor(init: ApiErrorInit) {
    const origin = init.verified ? '' : ' (unsigned: not proven to come from WeChat Pay)';
    const signError = init.status === 401 && init.code === 'SIGN_ERROR';
    super(`${init.status} ${init.code}: ${init.message}${origin}`, signError ? diagnoseSignError(init.message, init.detail, init.signed) : undefined);
    this.httpStatus = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.requestId = init.requestId;
    this.verified = init.verified;
    this.data = init.data;
    this.retryAfter = init.retryAfter;
  }
  override toJSON(): Record<string, unknown> {
    const { httpStatus, detail, requestId, verified } = this;
    return { ...super.toJSON(), httpStatus, detail, requestId, verified };
  }
}

/** The request did not complete: connection refused or reset, timeout, aborted. */
export class RequestError extends WechatpayError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
