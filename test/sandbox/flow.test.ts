// The sandbox end to end, through the client in all three calling styles: an order created,
// queried back as created, paid by the simulated payer, its notification retried (on a stepped
// clock) until the merchant's handler succeeds, refunded, the refund notified, and every refusal
// the documented one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, Wechatpay, readBill, untyped, type FileLink, type UntypedWechatpayClient, type WechatpayClient } from '../../src/index.js';
import { beijingDate } from '../../src/mock/state/time.js';
import { ManualScheduler, RETRY_SCHEDULE } from '../../src/mock/state/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: WechatpayClient;
let client: UntypedWechatpayClient;
let merchant: Server;
let notifyUrl: string;
const clock = new ManualScheduler(Date.now());
const received: Array<{ event_type: string; resource: Record<string, unknown> }> = [];
/** How many notifications the merchant's handler fails before it succeeds. */
let failuresLeft = 0;

beforeAll(async () => {
  // timeFactor 1: WeChat Pay's own schedule, on a clock the test steps.
  mock = await startMockServer({ sandbox: { scheduler: clock, timeFactor: 1 } });
  wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });
  client = untyped(wxpay);
  merchant = createServer(
    wxpay.webhooks.node(async (notification) => {
      received.push(notification as unknown as (typeof received)[number]);
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('the order database is down');
      }
    }),
  );
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/wxpay/notify`;
});
afterAll(async () => {
  await mock.close();
  await new Promise((resolve) => merchant.close(resolve));
});

type Call = (options: Record<string, unknown>) => Promise<{ status: number; verified: boolean; data: unknown }>;
interface Style {
  create: Call;
  byOut: Call;
  byId: Call;
  close: Call;
  refund: Call;
  refundQuery: Call;
  bill: Call;
}

const styles: Array<[string, () => Style]> = [
  [
    'chain',
    () => ({
      create: (o) => client.v3.pay.transactions.jsapi.post(o),
      byOut: (o) => client.v3.pay.transactions.outTradeNo._out_trade_no_.get(o),
      byId: (o) => client.v3.pay.transactions.id._transaction_id_.get(o),
      close: (o) => client.v3.pay.transactions.outTradeNo._out_trade_no_.close.post(o),
      refund: (o) => client.v3.refund.domestic.refunds.post(o),
      refundQuery: (o) => client.v3.refund.domestic.refunds._out_refund_no_.get(o),
      bill: (o) => client.v3.bill.tradebill.get(o),
    }),
  ],
  [
    'declarative',
    () => ({
      create: (o) => client.chain('v3/pay/transactions/jsapi').post(o),
      byOut: (o) => client.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').getAsync(o),
      byId: (o) => client.chain('v3/pay/transactions/id/{transaction_id}').get(o),
      close: (o) => client.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post(o),
      refund: (o) => client.chain('v3/refund/domestic/refunds').postAsync(o),
      refundQuery: (o) => client.chain('v3/refund/domestic/refunds/{out_refund_no}').get(o),
      bill: (o) => client.chain('v3/bill/tradebill').getAsync(o),
    }),
  ],
  [
    'attribute',
    () => ({
      create: (o) => client['v3/pay/transactions/jsapi'].postAsync(o),
      byOut: (o) => client['v3/pay/transactions/out-trade-no/{out_trade_no}'].get(o),
      byId: (o) => client['v3/pay/transactions/id/{transaction_id}'].getAsync(o),
      close: (o) => client['v3/pay/transactions/out-trade-no/{out_trade_no}/close'].post(o),
      refund: (o) => client['v3/refund/domestic/refunds'].post(o),
      refundQuery: (o) => client['v3/refund/domestic/refunds/{out_refund_no}'].getAsync(o),
      bill: (o) => client['v3/bill/tradebill'].get(o),
    }),
  ],
];

const order = (outTradeNo: string, total = 100) => ({
  json: {
    appid: 'wxd678efh567hg6787',
    mchid: mock.merchant.mchid,
    description: 'Image形象店-深圳腾大-QQ公仔',
    out_trade_no: outTradeNo,
    notify_url: notifyUrl,
    amount: { total, currency: 'CNY' },
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  },
});

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe.each(styles)('%s style', (name, make) => {
  const no = `SBX-${name}-1`;

  test('create, pay, a notification retried until the handler succeeds, query SUCCESS, refund, refund notification, the day\'s bill', async () => {
    const style = make();
    received.length = 0;

    const created = await style.create(order(no));
    expect(created).toMatchObject({ status: 200, verified: true });
    const prepayId = (created.data as { prepay_id: string }).prepay_id;
    expect(prepayId).toMatch(/^wx\d{14}/);

    // The same order again: the same prepay_id. A different one under the same number: refused.
    expect((await style.create(order(no))).data).toEqual({ prepay_id: prepayId });
    expect(await refusal(style.create(order(no, 101)))).toMatchObject({ httpStatus: 400, code: 'INVALID_REQUEST', verified: true });

    const unpaid = await style.byOut({ out_trade_no: no, query: { mchid: mock.merchant.mchid } });
    expect(unpaid.data).toMatchObject({ out_trade_no: no, trade_state: 'NOTPAY', amount: { total: 100 }, appid: 'wxd678efh567hg6787', notify_url: notifyUrl });
    expect(unpaid.data).not.toHaveProperty('transaction_id');

    // The payer pays; the merchant's handler fails twice, WeChat Pay's schedule retries it.
    failuresLeft = 2;
    mock.sandbox.pay(no);
    await mock.sandbox.idle();
    const delivery = mock.sandbox.deliveries().find((d) => d.subject === `order:${no}`)!;
    expect(delivery).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', state: 'pending', url: notifyUrl });
    expect(delivery.attempts.map((a) => a.status)).toEqual([500]);
    expect(delivery.next_at).toBe(clock.now() + RETRY_SCHEDULE[0]! * 1000);
    clock.advance(RETRY_SCHEDULE[0]! * 1000 - 1);
    await mock.sandbox.idle();
    expect(delivery.attempts).toHaveLength(1); // not a millisecond early
    clock.advance(1);
    await mock.sandbox.idle();
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500]);
    clock.advance(RETRY_SCHEDULE[1]! * 1000);
    await mock.sandbox.idle();
    expect(delivery.attempts.map((a) => [a.status, a.ok])).toEqual([
      [500, false],
      [500, false],
      [204, true],
    ]);
    expect(delivery.state).toBe('delivered');
    // The handler saw the same notification three times, decrypted and verified by the client.
    expect(received).toHaveLength(3);
    const resource = received[2]!.resource;
    expect(received[2]!.event_type).toBe('TRANSACTION.SUCCESS');
    expect(resource).toMatchObject({ out_trade_no: no, trade_state: 'SUCCESS', amount: { total: 100, payer_total: 100 }, mchid: mock.merchant.mchid });

    const paid = await style.byOut({ out_trade_no: no, query: { mchid: mock.merchant.mchid } });
    expect(paid.data).toMatchObject({ trade_state: 'SUCCESS', transaction_id: resource.transaction_id, trade_type: 'JSAPI' });
    const byId = await style.byId({ transaction_id: resource.transaction_id, query: { mchid: mock.merchant.mchid } });
    expect(byId.data).toMatchObject({ out_trade_no: no, trade_state: 'SUCCESS' });
    // A paid order is neither created again nor closed.
    expect(await refusal(style.create(order(no)))).toMatchObject({ code: 'ORDERPAID' });
    expect(await refusal(style.close({ out_trade_no: no, json: { mchid: mock.merchant.mchid } }))).toMatchObject({ code: 'ORDERPAID' });

    const refundBody = { out_trade_no: no, out_refund_no: `R-${no}`, amount: { refund: 30, total: 100, currency: 'CNY' } };
    const refund = await style.refund({ json: refundBody });
    expect(refund.data).toMatchObject({ out_refund_no: `R-${no}`, status: 'PROCESSING', amount: { refund: 30, total: 100 } });
    // The same refund again is the same refund; more than is left, or another total, is refused.
    expect((await style.refund({ json: refundBody })).data).toMatchObject({ refund_id: (refund.data as { refund_id: string }).refund_id });
    expect(await refusal(style.refund({ json: { ...refundBody, out_refund_no: `R2-${no}`, amount: { refund: 71, total: 100, currency: 'CNY' } } }))).toMatchObject({ httpStatus: 400, code: 'INVALID_REQUEST' });
    expect(await refusal(style.refund({ json: { ...refundBody, out_refund_no: `R3-${no}`, amount: { refund: 1, total: 99, currency: 'CNY' } } }))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await refusal(style.refund({ json: { ...refundBody, out_trade_no: 'never-created', out_refund_no: `R4-${no}` } }))).toMatchObject({ httpStatus: 404, code: 'RESOURCE_NOT_EXISTS' });

    clock.advance(0);
    await mock.sandbox.idle();
    expect(received.at(-1)).toMatchObject({ event_type: 'REFUND.SUCCESS', resource: { out_refund_no: `R-${no}`, refund_status: 'SUCCESS', amount: { refund: 30 } } });
    expect((await style.refundQuery({ out_refund_no: `R-${no}` })).data).toMatchObject({ status: 'SUCCESS', amount: { refund: 30 } });
    expect((await style.byOut({ out_trade_no: no, query: { mchid: mock.merchant.mchid } })).data).toMatchObject({ trade_state: 'REFUND' });

    // The day's bill, from the sandbox's state: the payment and the refund, digest checked as it streams.
    const billDate = beijingDate(mock.sandbox.order(no)!.success_time!);
    // WeChat Pay makes the day's bill the next morning.
    clock.advance(Date.parse(`${beijingDate(Date.parse(`${billDate}T12:00:00+08:00`) + 86_400_000)}T10:00:00+08:00`) - clock.now());
    await mock.sandbox.idle();
    const apply = await style.bill({ query: { bill_date: billDate, tar_type: 'GZIP' } });
    expect(apply.verified).toBe(true);
    const rows = (await readBill(wxpay.downloads.stream(apply.data as FileLink), 'trade').toArray()).filter((row) => row.out_trade_no === no);
    expect(rows.map((row) => [row.trade_state, row.total, row.out_refund_no, row.refund_amount])).toEqual([
      ['SUCCESS', '1.00', '0', '0.00'],
      ['REFUND', '0.00', `R-${no}`, '0.30'],
    ]);
  });

  test('unknown orders and refunds are refused as WeChat Pay does; close, then create again, is refused', async () => {
    const style = make();
    expect(await refusal(style.byOut({ out_trade_no: `nothing-${name}`, query: { mchid: mock.merchant.mchid } }))).toMatchObject({ httpStatus: 404, code: 'ORDER_NOT_EXIST', verified: true });
    expect(await refusal(style.refundQuery({ out_refund_no: `nothing-${name}` }))).toMatchObject({ httpStatus: 404, code: 'RESOURCE_NOT_EXISTS' });
    const closing = `SBX-${name}-close`;
    await style.create(order(closing));
    expect((await style.close({ out_trade_no: closing, json: { mchid: mock.merchant.mchid } })).status).toBe(204);
    expect((await style.byOut({ out_trade_no: closing, query: { mchid: mock.merchant.mchid } })).data).toMatchObject({ trade_state: 'CLOSED' });
    expect(await refusal(style.create(order(closing)))).toMatchObject({ code: 'ORDER_CLOSED' });
    expect(() => mock.sandbox.pay(closing)).toThrow(/CLOSED/);
  });
});
