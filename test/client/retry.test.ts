// Retries that never pay twice (issue #15 item 4): transient failures (connection, 5xx, 429,
// FREQUENCY_LIMITED, SYSTEM_ERROR) are retried with jittered exponential backoff, Retry-After
// honoured, within a budget; a GET always, a write only when it carries the merchant's own
// request number (from the endpoint model), resent with the same body and a fresh signature.
// Never: verification failures, other 4xx, writes the model cannot prove idempotent. The clock
// and the sleep are injected: no test waits for a backoff.
import { AxiosError, type AxiosResponse } from 'axios';
import { ApiError, ConfigError, ParameterError, VerificationError, Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { Observers } from '../../src/request/events.js';
import { isIdempotentCall, requestNumberFields } from '../../src/request/idempotency.js';
import { IDEMPOTENCY_FIELDS } from '../../src/generated/request-tables.js';
import { idempotencyTable } from '../../codegen/request-tables.js';
import type { Model } from '../../codegen/model.js';
import { BACKUP_BASE_URL, DEFAULT_RETRY, PRIMARY_BASE_URL, type RetryOptions } from '../../src/request/retry.js';
import { send } from '../../src/request/sender.js';
import { startRawServer, type RawAnswer } from '../helpers/raw-server.js';

let mock: MockServer;
const orders = new Map<string, string>();
let created = 0;
beforeAll(async () => {
  mock = await startMockServer();
  // WeChat Pay's behaviour for a repeated out_trade_no: the first order's answer, no new order.
  mock.route('POST', 'v3/pay/transactions/native', (r) => {
    const no = (r.json as { out_trade_no: string }).out_trade_no;
    if (!orders.has(no)) {
      created++;
      orders.set(no, `weixin://wxpay/bizpayurl?pr=${created}`);
    }
    return { json: { code_url: orders.get(no) } };
  });
  mock.route('GET', 'v3/things/{id}', (r) => ({ json: { id: r.params.id } }));
  mock.route('POST', 'v3/things', () => ({ json: { created: true } }));
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.clearFaults();
  mock.requests.splice(0);
});

/** A retry policy on an injected clock: sleeping advances it, and every wait is recorded. */
function clock(extra: RetryOptions = {}): RetryOptions & { waits: number[] } {
  let now = 1_000_000;
  const waits: number[] = [];
  return {
    random: () => 0.5,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    ...extra,
    waits,
  };
}

const client = (retry?: RetryOptions | false): UntypedWechatpayClient => untyped(new Wechatpay({ ...mock.clientConfig, ...(retry === undefined ? {} : { retry }) }));
const order = (no: string) => ({
  json: { appid: 'wxd678efh567hg6787', mchid: mock.merchant.mchid, description: 'Image', out_trade_no: no, notify_url: 'https://merchant.test/notify', amount: { total: 1 } },
  headers: { 'Wechatpay-Serial': mock.platform.serial },
});

test('a GET is retried after 5xx with jittered exponential backoff, and succeeds', async () => {
  const policy = clock();
  mock.fault({ kind: 'status', status: 503, code: 'SYSTEM_ERROR' }, { times: 2 });
  const answer = await client(policy).v3.things._id_.get({ id: 'A' });
  expect(answer.verified).toBe(true);
  expect(mock.requests).toHaveLength(3);
  // random 0.5 of 250 ms, then of 500 ms.
  expect(policy.waits).toEqual([125, 250]);
});

test('a payment carrying out_trade_no is retried with the same body, freshly signed: charged once', async () => {
  const before = created;
  mock.fault({ kind: 'status', status: 500 }, { template: 'v3/pay/transactions/native', times: 1 });
  mock.fault({ kind: 'reset' }, { template: 'v3/pay/transactions/native', times: 1 });
  const answer = await client(clock()).v3.pay.transactions.native.post(order('T-RETRY-1'));
  expect(answer.verified).toBe(true);
  const sent = mock.requests.filter((r) => r.template === 'v3/pay/transactions/native');
  expect(sent).toHaveLength(3);
  expect(new Set(sent.map((r) => r.body)).size).toBe(1);
  expect(new Set(sent.map((r) => r.headers.authorization)).size).toBe(3);
  expect(created - before).toBe(1);
});

test('a write the model cannot prove idempotent is never retried', async () => {
  const policy = clock();
  mock.fault({ kind: 'status', status: 500 }, { times: 1 });
  const error = await client(policy).v3.things.post({ json: {} }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect(mock.requests).toHaveLength(1);
  expect(policy.waits).toEqual([]);
  // Nor is a documented write whose request number is missing or empty.
  expect(isIdempotentCall('post', 'v3/pay/transactions/native', { json: { description: 'x' } })).toBe(false);
  expect(isIdempotentCall('post', 'v3/pay/transactions/native', { json: { out_trade_no: '' } })).toBe(false);
  expect(isIdempotentCall('post', 'v3/pay/transactions/native', { json: { out_trade_no: 'T1' } })).toBe(true);
  // A number in the path names an existing order: closing it is not resent (test/client/retry-table.test.ts).
  expect(isIdempotentCall('post', 'v3/pay/transactions/out-trade-no/{out_trade_no}/close', { out_trade_no: 'T1', json: {} })).toBe(false);
  expect(isIdempotentCall('get', 'v3/anything', {})).toBe(true);
});

test('429 honours Retry-After (up to maxDelay); FREQUENCY_LIMITED is retried whatever its status', async () => {
  let calls = 0;
  mock.route('GET', 'v3/limited/{id}', () => (++calls === 1 ? { status: 429, json: { code: 'FREQUENCY_LIMITED', message: 'slow down' }, headers: { 'Retry-After': '3' } } : calls === 2 ? { status: 403, json: { code: 'FREQUENCY_LIMITED', message: 'again' } } : { json: { ok: true } }));
  const policy = clock();
  const answer = await client(policy).v3.limited._id_.get({ id: 'A' });
  expect(answer.data).toEqual({ ok: true });
  expect(policy.waits).toEqual([3000, 250]);
});

test('APIv2: a 503 with Retry-After is retried after the wait it asks for', async () => {
  let calls = 0;
  const raw = await startRawServer((): RawAnswer =>
    ++calls === 1
      ? { status: 503, headers: { 'Content-Type': 'text/plain', 'Retry-After': '2' }, body: 'busy' }
      : { status: 200, headers: { 'Content-Type': 'text/xml' }, body: '<xml><return_code>FAIL</return_code><return_msg>参数错误</return_msg></xml>' },
  );
  try {
    const policy = clock();
    const v2 = untyped(new Wechatpay({ ...mock.clientConfig, baseURL: `${raw.url}/`, retry: policy }));
    const error = await v2.v2.pay.orderquery.post({ xml: { appid: 'wx1', mch_id: mock.merchant.mchid, out_trade_no: 'T1' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FAIL' });
    expect(raw.requests).toHaveLength(2);
    expect(policy.waits).toEqual([2000]);
  } finally {
    await raw.close();
  }
});

test('never retried: verification failures and 4xx other than 429', async () => {
  const policy = clock();
  mock.fault({ kind: 'bad-signature' }, { times: 1 });
  expect(await client(policy).v3.things._id_.get({ id: 'A' }).catch((e: unknown) => e)).toBeInstanceOf(VerificationError);
  mock.fault({ kind: 'status', status: 400, code: 'PARAM_ERROR' }, { times: 1 });
  expect(await client(policy).v3.things._id_.get({ id: 'A' }).catch((e: unknown) => e)).toBeInstanceOf(ApiError);
  expect(mock.requests).toHaveLength(2);
  expect(policy.waits).toEqual([]);
});

test('the budget: no retry starts past it; retries and budget per client and per call; false turns them off', async () => {
  mock.fault({ kind: 'status', status: 500 }, { times: 10 });
  const policy = clock({ retries: 8, baseDelay: 400, budget: 1000 });
  await client(policy).v3.things._id_.get({ id: 'A' }).catch(() => undefined);
  // waits 200, 400 (total 600); the next (800) would end past 1000 ms.
  expect(policy.waits).toEqual([200, 400]);
  mock.clearFaults();
  mock.requests.splice(0);
  mock.fault({ kind: 'status', status: 500 }, { times: 10 });
  const perCall = clock({ retries: 1 });
  await client(clock()).v3.things._id_.get({ id: 'A' }, { retry: perCall }).catch(() => undefined);
  expect(perCall.waits).toEqual([125]);
  mock.requests.splice(0);
  await client(clock()).v3.things._id_.get({ id: 'A' }, { retry: false }).catch(() => undefined);
  expect(mock.requests).toHaveLength(1);
});

test('bad retry settings are named: ConfigError from the constructor, ParameterError from a call', async () => {
  expect(() => client({ retries: -1 })).toThrow(ConfigError);
  expect(() => client({ retries: 1.5 })).toThrow(/retry\.retries/);
  await expect(client().v3.things._id_.get({ id: 'A' }, { retry: { baseDelay: Number.NaN } })).rejects.toBeInstanceOf(ParameterError);
});

test('failover: a connection refused by the primary domain is retried on the documented backup domain', async () => {
  const policy = { ...DEFAULT_RETRY, ...clock({ failover: true }) };
  const bases: Array<string | undefined> = [];
  const response = await send({ method: 'GET', template: 'v3/x', path: 'v3/x', idempotent: () => true, baseURL: PRIMARY_BASE_URL }, policy, new Observers(), async (baseURL) => {
    bases.push(baseURL);
    if (bases.length === 1) throw new AxiosError('connect ECONNREFUSED', 'ECONNREFUSED');
    return { status: 200, data: {}, headers: {}, statusText: 'OK', config: {} } as unknown as AxiosResponse;
  });
  expect(response.status).toBe(200);
  expect(bases).toEqual([undefined, BACKUP_BASE_URL]);
  expect(BACKUP_BASE_URL).toBe('https://api2.mch.weixin.qq.com/');
});

test('the request-number fields: every one the endpoint model documents, and the table matches the model', () => {
    expect(IDEMPOTENCY_FIELDS).toEqual(idempotencyTable(require('../../src/generated/model.json') as Model));
  expect(requestNumberFields()).toEqual([
    'out_abnormal_settle_batch_no',
    'out_apply_no',
    'out_applyment_id',
    'out_authorization_no',
    'out_batch_id',
    'out_batch_no',
    'out_bill_no',
    'out_budget_no',
    'out_contract_code', // e-commerce contract signing (snapshot 35a35c5)
    'out_instruction_no',
    'out_operation_id',
    'out_order_id',
    'out_order_no',
    'out_recharge_no',
    'out_refund_no',
    'out_request_no',
    'out_reservation_no',
    'out_return_no',
    'out_serial_number', // parking reminders (snapshot 35a35c5)
    'out_settle_batch_no',
    'out_subsidy_no',
    'out_subsidy_return_no',
    'out_trade_no',
    'out_transfer_no',
  ]);
  expect(IDEMPOTENCY_FIELDS['POST v3/refund/domestic/refunds']).toEqual(['json.out_refund_no']);
  expect(IDEMPOTENCY_FIELDS['POST v3/pay/transactions/native']).toEqual(['json.out_trade_no']);
});

test('deadline and size settings are checked too, before anything is sent', async () => {
  expect(() => client({ retries: 1 }) && untyped(new Wechatpay({ ...mock.clientConfig, connectTimeout: -5 }))).toThrow(/connectTimeout/);
  expect(() => untyped(new Wechatpay({ ...mock.clientConfig, timeout: Number.POSITIVE_INFINITY }))).toThrow(ConfigError);
  const before = mock.requests.length;
  const error = (await client().v3.things._id_.get({ id: 'A' }, { maxContentLength: 1.5 }).catch((e: unknown) => e)) as ParameterError;
  expect(error).toBeInstanceOf(ParameterError);
  expect(error.field).toBe('config.maxContentLength');
  await expect(client().v3.things._id_.get({ id: 'A' }, { timeout: '5s' as unknown as number })).rejects.toThrow(/config\.timeout/);
  expect(mock.requests.length).toBe(before);
});
