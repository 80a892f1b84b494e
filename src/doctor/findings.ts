// What the doctor reports: findings with a stable code, a severity, the key concerned (by its
// role and id) and the fix, collected by the checks of the configuration, of one signed call and
// of a captured notification. No finding holds a key, a signature or a body; keys are shown by
// the fingerprint of their public part at most.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { Diagnosis } from '../hints.js';

export type Severity = 'error' | 'warning' | 'info';

/** Which part of the doctor found it. */
export type CheckName = 'config' | 'online' | 'notification';

/** Every finding the doctor can report, with its usual severity (docs/doctor.md explains each). */
export const DOCTOR_CODES = {
  CONFIG_INVALID: 'error',
  PRIVATE_KEY_MISSING: 'error',
  PRIVATE_KEY_UNREADABLE: 'error',
  PRIVATE_KEY_ENCRYPTED: 'error',
  PRIVATE_KEY_WRONG_KIND: 'error',
  PKCS12_UNREADABLE: 'error',
  MERCHANT_CERT_SERIAL_MISMATCH: 'error',
  MERCHANT_CERT_KEY_MISMATCH: 'error',
  MERCHANT_CERT_EXPIRED: 'error',
  MERCHANT_CERT_EXPIRING: 'warning',
  SERIAL_IS_PLATFORM: 'error',
  SERIAL_IS_PUBLIC_KEY_ID: 'error',
  PLATFORM_KEY_ID_INVALID: 'error',
  PLATFORM_KEY_UNREADABLE: 'error',
  PLATFORM_KEY_IS_PRIVATE: 'error',
  PLATFORM_CERT_IS_MERCHANT: 'error',
  PLATFORM_CERT_SERIAL_MISMATCH: 'error',
  PLATFORM_CERT_EXPIRED: 'error',
  PLATFORM_CERT_EXPIRING: 'warning',
  PLATFORM_CERT_NOT_YET_VALID: 'warning',
  PUBLIC_KEY_ID_NOT_PUBLIC_KEY: 'error',
  PUBLIC_KEY_UNDER_SERIAL: 'error',
  PUBLIC_KEY_IS_MERCHANT: 'error',
  NO_VERIFICATION_KEY: 'error',
  APIV3_KEY_ABSENT: 'info',
  APIV2_ONLY: 'info',
  APIV3_KEY_LENGTH: 'error',
  APIV3_KEY_WHITESPACE: 'error',
  APIV3_KEY_IS_APIV2_KEY: 'error',
  APIV2_KEY_FORM: 'error',
  PROXY: 'info',
  ONLINE_SKIPPED: 'info',
  ONLINE_UNREACHABLE: 'error',
  CLOCK_SKEW: 'error',
  UNSIGNED_ANSWER: 'error',
  SIGN_ERROR_WRONG_KEY: 'error',
  SIGN_ERROR_ALTERED: 'error',
  SIGN_ERROR_SERIAL: 'error',
  SIGN_ERROR_TIMESTAMP: 'error',
  SIGN_ERROR_OTHER: 'error',
  ONLINE_API_ERROR: 'error',
  CERTIFICATES_DECRYPT_FAILED: 'error',
  PUBLIC_KEY_MODE: 'error',
  MIGRATION_INCOMPLETE: 'error',
  ANSWER_UNKNOWN_KEY: 'error',
  ANSWER_BAD_SIGNATURE: 'error',
  PLATFORM_CERT_NOT_LISTED: 'info',
  MODE: 'info',
  NOTIFICATION_UNREADABLE: 'error',
  NOTIFICATION_HEADERS_MISSING: 'error',
  NOTIFICATION_SIGNTEST_PROBE: 'warning',
  NOTIFICATION_TIMESTAMP_SKEW: 'error',
  NOTIFICATION_UNKNOWN_KEY: 'error',
  NOTIFICATION_BODY_RESERIALISED: 'error',
  NOTIFICATION_BAD_SIGNATURE: 'error',
  NOTIFICATION_REPLAY: 'error',
  NOTIFICATION_BAD_BODY: 'error',
  NOTIFICATION_NO_APIV3_KEY: 'error',
  NOTIFICATION_DECRYPT_FAILED: 'error',
  NOTIFICATION_OK: 'info',
} as const satisfies Record<string, Severity>;

export type DoctorCode = keyof typeof DOCTOR_CODES;

/** The roles keys play; a finding names the key by its role and its id. */
export type KeyRole =
  | 'merchant private key'
  | 'merchant API certificate'
  | 'platform certificate'
  | 'WeChat Pay public key'
  | 'APIv3 key'
  | 'APIv2 key';

export interface KeyRef {
  role: KeyRole;
  /** Serial, `PUB_KEY_ID_…`, or (for the APIv3 and APIv2 keys) the merchant id. */
  id?: string;
}

export interface DoctorFinding {
  code: DoctorCode;
  severity: Severity;
  check: CheckName;
  /** What is wrong (or, for `info`, what was found), in one line. */
  message: string;
  /** What to do about it, in one line. */
  fix: string;
  /** The key concerned. */
  key?: KeyRef;
  /** The configuration field concerned (`privateKey`, `certs["…"]`, `apiv3Key`, …). */
  field?: string;
}

/** A key the configuration holds, as the report lists it: never the key, at most a fingerprint. */
export interface KeySummary {
  role: KeyRole;
  id?: string;
  /** `sha256:` and the first 16 hex digits of the SHA-256 of the public key (SubjectPublicKeyInfo DER). */
  fingerprint?: string;
  /** How it was given, e.g. `PKCS#8 PEM`, `X.509 certificate`. */
  format?: string;
  /** For certificates: the end of validity (ISO 8601). */
  notAfter?: string;
  /** For the APIv3 and APIv2 keys: the length in bytes. */
  length?: number;
}

export interface FindingOptions {
  key?: KeyRef;
  field?: string;
  severity?: Severity;
}

export class Findings {
  readonly list: DoctorFinding[] = [];
  constructor(readonly check: CheckName) {}

  add(code: DoctorCode, diagnosis: Diagnosis, options: FindingOptions = {}): DoctorFinding {
    const finding: DoctorFinding = {
      code,
      severity: options.severity ?? DOCTOR_CODES[code],
      check: this.check,
      message: diagnosis.message,
      fix: diagnosis.fix,
      ...(options.key ? { key: options.key } : {}),
      ...(options.field ? { field: options.field } : {}),
    };
    this.list.push(finding);
    return finding;
  }

  has(code: DoctorCode): boolean {
    return this.list.some((finding) => finding.code === code);
  }
}

export function publicHalf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

/** `sha256:` and 16 hex digits identifying a public key (or the public half of a private key). */
export function fingerprint(key: KeyObject): string {
  const spki = publicHalf(key).export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex').slice(0, 16)}`;
}

/** Whether two keys have the same public half. */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  const der = (key: KeyObject) => publicHalf(key).export({ type: 'spki', format: 'der' });
  return der(a).equals(der(b));
}

/**
 * Whether what the APIv3 key failed to open opens under the APIv2 key: then the two keys were
 * given the other way round.
 */
export function opensWithApiv2Key(apiv2Key: string | undefined, open: (key: Buffer) => unknown): boolean {
  if (apiv2Key === undefined || Buffer.byteLength(apiv2Key) !== 32) return false;
  try {
    open(Buffer.from(apiv2Key, 'utf8'));
    return true;
  } catch {
    return false;
  }
}
