// `wxpay.doctor()` and `wxpay-chain doctor`: which key is wrong, and why a signature or a
// notification failed. Offline from the configuration, with one signed call when asked
// (`online`), and from a captured notification when given one. The report is plain data an
// application can log at start-up; `formatReport` prints it for a terminal.
import type { WechatpayConfig } from '../config.js';
import { Findings, type CheckName, type DoctorFinding, type KeySummary } from './findings.js';
import type { NotificationCapture } from './capture.js';
import { checkNotifications, type NotificationContext } from './notification.js';
import { checkConfig, type ConfigFacts } from './offline.js';
import { checkOnline, type DoctorClient, type MerchantMode, type OnlineFacts } from './online.js';
import type { PlatformKey } from '../signing/keys.js';

export interface DoctorOptions {
  /** Also send one signed call (`GET /v3/certificates`) to `baseURL` and read WeChat Pay's answer. */
  online?: boolean;
  /** A captured notification to check: `{ headers, body }` (or several), or the text of a capture (a raw HTTP request, or that JSON). */
  notification?: NotificationCapture;
  /** When the captured notification was received, if the capture does not say (the CLI gives the file's modification time). */
  receivedAt?: number | Date;
  /** Milliseconds the online call may take (default 15000). */
  timeout?: number;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** The environment the proxy check reads (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export interface DoctorReport {
  /** No error and no warning. */
  ok: boolean;
  /** e.g. `2 errors, 1 warning`, or `nothing wrong`. */
  summary: string;
  mchid: string;
  /** The merchant API certificate serial, as configured. */
  serial?: string;
  baseURL: string;
  /** What was checked: always the configuration; `online` and `notification` when asked. */
  checked: CheckName[];
  /** How WeChat Pay answered for this merchant (with `online`). */
  mode?: MerchantMode;
  /** Seconds this machine's clock is ahead of WeChat Pay's (negative: behind), from its `Date` (with `online`). */
  clockSkew?: number;
  /** The keys the configuration holds, by role and id, with fingerprints (never the keys). */
  keys: KeySummary[];
  /** Errors first, then warnings, then what was found. */
  findings: DoctorFinding[];
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;
const DEFAULT_TIMEOUT = 15_000;

/**
 * The doctor for a configuration: what `wxpay.doctor()` runs with the client's own transport, and
 * what a configuration that does not load gets (then without the online call, which needs a client).
 */
export async function diagnose(config: WechatpayConfig, options: DoctorOptions = {}, client?: DoctorClient): Promise<DoctorReport> {
  const now = options.now ?? Date.now;
  const offline = new Findings('config');
  const facts = checkConfig(config, offline, now(), options.env ?? process.env);
  const checked: CheckName[] = ['config'];
  const findings = [...offline.list];
  let online: OnlineFacts | undefined;
  if (options.online) {
    checked.push('online');
    const found = new Findings('online');
    if (facts.apiv2Only) found.add('ONLINE_SKIPPED', { message: 'the signed call is an APIv3 call (GET /v3/certificates), and this client is configured for APIv2 only', fix: 'nothing to do for an APIv2-only application' });
    else if (client) online = await checkOnline(client, found, now, options.timeout ?? DEFAULT_TIMEOUT);
    else found.add('ONLINE_SKIPPED', { message: 'the signed call needs a client, and this configuration does not load', fix: 'correct the errors above, then run the online check again' });
    findings.push(...found.list);
  }
  if (options.notification !== undefined) {
    checked.push('notification');
    const found = new Findings('notification');
    const receivedAt = options.receivedAt instanceof Date ? options.receivedAt.getTime() : options.receivedAt;
    await checkNotifications(options.notification, notificationContext(facts, client, online, now()), found, receivedAt);
    findings.push(...found.list);
  }
  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.filter((finding) => finding.severity === 'warning').length;
  const serial = client?.config.serial ?? facts.serial;
  return {
    ok: errors === 0 && warnings === 0,
    summary: errors || warnings ? [count(errors, 'error'), count(warnings, 'warning')].filter(Boolean).join(', ') : 'nothing wrong',
    mchid: client?.config.mchid ?? facts.mchid,
    ...(serial !== undefined ? { serial } : {}),
    baseURL: client?.config.baseURL ?? facts.baseURL,
    checked,
    ...(online?.mode ? { mode: online.mode } : {}),
    ...(online?.clockSkew !== undefined ? { clockSkew: online.clockSkew } : {}),
    keys: facts.keys,
    findings,
  };
}

function count(n: number, noun: string): string {
  return n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function notificationContext(facts: ConfigFacts, client: DoctorClient | undefined, online: OnlineFacts | undefined, now: number): NotificationContext {
  const delivered = new Map<string, PlatformKey>((online?.delivered ?? []).map((key) => [key.id, key]));
  if (client) {
    const { config } = client;
    return {
      mchid: config.mchid,
      serial: config.serial,
      keys: { get: (id) => config.platformKeys.get(id) ?? delivered.get(id.toUpperCase()) },
      refreshed: config.certificates !== undefined,
      ...(config.certificates ? { apiv3Key: config.certificates.apiv3Key } : {}),
      ...(config.apiv2Key !== undefined ? { apiv2Key: config.apiv2Key } : {}),
      maxClockSkew: config.maxClockSkew,
      nonces: client.nonces,
      now,
    };
  }
  return {
    mchid: facts.mchid,
    ...(facts.serial !== undefined ? { serial: facts.serial } : {}),
    keys: { get: (id) => facts.platformKeys.get(id) ?? facts.platformKeys.get(id.toUpperCase()) ?? delivered.get(id.toUpperCase()) },
    refreshed: facts.apiv3Key !== undefined,
    ...(facts.apiv3Key ? { apiv3Key: facts.apiv3Key } : {}),
    ...(facts.apiv2Key !== undefined ? { apiv2Key: facts.apiv2Key } : {}),
    maxClockSkew: facts.maxClockSkew,
    now,
  };
}

const LABEL = { error: 'ERROR  ', warning: 'WARNING', info: 'info   ' } as const;

/** The report as a terminal shows it: the keys held, then each finding with its fix. */
export function formatReport(report: DoctorReport): string {
  const lines = [`wxpay-chain doctor: mchid ${report.mchid}${report.serial ? `, merchant API certificate ${report.serial}` : ''}, ${report.baseURL}`];
  const names = { config: 'the configuration', online: 'one signed call (GET /v3/certificates)', notification: 'the captured notification' };
  lines.push(`checked: ${report.checked.map((name) => names[name]).join(', ')}`);
  if (report.mode) lines.push(`mode: ${report.mode}${report.clockSkew !== undefined ? `; clock: ${report.clockSkew >= 0 ? '+' : ''}${report.clockSkew} s from WeChat Pay's` : ''}`);
  else if (report.clockSkew !== undefined) lines.push(`clock: ${report.clockSkew >= 0 ? '+' : ''}${report.clockSkew} s from WeChat Pay's`);
  if (report.keys.length) {
    lines.push('keys:');
    for (const key of report.keys) {
      const parts = [key.fingerprint, key.format, key.notAfter && `until ${key.notAfter.slice(0, 10)}`, key.length !== undefined && `${key.length} bytes`].filter(Boolean);
      lines.push(`  ${key.role}${key.id ? ` ${key.id}` : ''}${parts.length ? ` (${parts.join(', ')})` : ''}`);
    }
  }
  lines.push(report.findings.length ? 'findings:' : 'findings: none');
  for (const finding of report.findings) {
    lines.push(`  ${LABEL[finding.severity]} ${finding.code}: ${finding.message}`);
    if (finding.fix !== 'nothing') lines.push(`          fix: ${finding.fix}`);
  }
  lines.push(`${report.ok ? 'OK' : 'NOT OK'}: ${report.summary}`);
  // Ids and nonces may come from a capture: nothing in them reaches the terminal as a control character.
  return `${lines.map(printable).join('\n')}\n`;
}

function printable(line: string): string {
  return line.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export { DOCTOR_CODES } from './findings.js';
export type { CheckName, DoctorCode, DoctorFinding, KeyRef, KeyRole, KeySummary, Severity } from './findings.js';
export type { CapturedNotification, NotificationCapture } from './capture.js';
export type { DoctorClient, MerchantMode } from './online.js';
