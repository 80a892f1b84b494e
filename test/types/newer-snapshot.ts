// Type tests (compiled by test/types/compile.test.ts, never run): endpoints and notifications that
// the 2026-08-22 snapshot added, in all three calling styles. Every `@ts-expect-error` must meet an
// error: an endpoint that fell out of the typings, or a type that went loose, fails the compile.
import type { WechatpayClient } from '../../src/client-types.js';
import type { Sealed } from '../../src/index.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import type { NotificationOf } from '../../src/webhooks/parse.js';
import type { WebhookEvents } from '../../src/generated/index.js';

declare const client: WechatpayClient;
declare const sealed: Sealed;
declare const webhooks: Webhooks;

const entry = {
  json: {
    out_serial_number: 'P0001',
    parking_id: 'PK1',
    plate_number: '粤B888888',
    enter_timestamp: 1_700_000_000,
    plate_color: 'PLATE_COLOR_BLUE',
    car_type: 'PLATE_TYPE_TEMPORARY',
    vehicle_type: 'VEHICLE_TYPE_SMALL',
  },
} as const;

const deduct = { json: { contract_id: 'C1', out_trade_no: 'T1', out_record_id: 'R1', deduct_amount: '100', notify_url: 'https://example.com/n', description: 'repay' } };

export async function chainStyle(): Promise<void> {
  // parking reminders
  const parked = await client.v3.parking.reminders.entry.post(entry);
  const serial: string | undefined = parked.data.serial_number;
  void serial;
  // the security echo: a plaintext in the encrypted field is refused, the echo comes back typed
  const echo = await client.v3.security.echo.post({ json: { echo_message: 'hello', encrypted_echo_message: sealed } });
  const message: string = echo.data.echo_message;
  void message;
  // credit repayment
  const order = await client.v3.creditRepayment.partner.deductOrders.post(deduct);
  const state: string = order.data.order_state;
  void state;
  await client.v3.creditRepayment.partner.deductOrders._out_trade_no_.getAsync({ out_trade_no: 'T1' });

  // @ts-expect-error a plaintext where the documentation requires the encrypted value
  await client.v3.security.echo.post({ json: { echo_message: 'hello', encrypted_echo_message: 'plaintext' } });
  // @ts-expect-error the echo message is required
  await client.v3.security.echo.post({ json: {} });
  // @ts-expect-error a plate colour that is not documented
  await client.v3.parking.reminders.entry.post({ json: { ...entry.json, plate_color: 'PLATE_COLOR_PINK' } });
  // @ts-expect-error the repayment order needs its contract
  await client.v3.creditRepayment.partner.deductOrders.post({ json: { ...deduct.json, contract_id: undefined } });
}

export async function declarativeStyle(): Promise<void> {
  await client.chain('v3/parking/reminders/entry').post(entry);
  const echo = await client.chain('v3/security/echo').postAsync({ json: { echo_message: 'hello' } });
  const back: Sealed | undefined = echo.data.encrypted_echo_message;
  void back;
  const r = await client.chain('v3/credit-repayment/partner/deduct-orders/{out_trade_no}').get({ out_trade_no: 'T1' });
  const amount: string = r.data.deduct_amount;
  void amount;

  // @ts-expect-error the path parameter is required
  await client.chain('v3/credit-repayment/partner/deduct-orders/{out_trade_no}').get({});
  // @ts-expect-error an answer field that is not documented
  void r.data.deduct_amount_in_cents;
}

export async function attributeStyle(): Promise<void> {
  await client['v3/parking/reminders/entry'].postAsync(entry);
  await client['v3/security/echo'].post({ json: { echo_message: 'hello', notify_url: 'https://example.com/echo' } });
  const order = await client['v3/credit-repayment/partner/deduct-orders'].post(deduct);
  const id: string = order.data.out_trade_no;
  void id;
  const app = await client['v3/pay/transactions/app-with-contract'].post({
    json: {
      appid: 'wx1',
      mchid: '1900000001',
      description: 'd',
      out_trade_no: 'T2',
      notify_url: 'https://example.com/n',
      amount: { total: 1 },
      contract_info: { plan_id: 'P', contract_mchid: '1900000001', contract_appid: 'wx1', contract_code: 'C', request_serial: 'S', contract_display_account: 'A' },
    },
  });
  const prepay: string = app.data.prepay_id;
  void prepay;

  // @ts-expect-error paying with contract needs the contract
  await client['v3/pay/transactions/app-with-contract'].post({ json: { appid: 'wx1', mchid: '1', description: 'd', out_trade_no: 'T', notify_url: 'u', amount: { total: 1 } } });
  // @ts-expect-error not a documented template
  void client['v3/parking/reminders/nowhere'];
}

// the notification types the snapshot added: each event type narrows to its decrypted resource
export async function notifications(): Promise<void> {
  const n = await webhooks.parse({ headers: {}, body: '' });
  if (n.event_type === 'SECURITY_ECHO.SUCCESS') {
    const echoed: string = n.resource.echo_message;
    void echoed;
    // @ts-expect-error a field of another notification
    void n.resource.out_serial_number;
  }
  if (n.event_type === 'PARKING_FEE.QUERY_TRANS_INFO') {
    const serial: string = n.resource.out_serial_number;
    const plate: string | undefined = n.resource.plate_number;
    void serial;
    void plate;
  }
  if (n.event_type === 'CREDIT_REPAYMENT.DEDUCTION_PAY') {
    // an answer's enum is open: a state added later still type-checks
    const state: 'DEDUCT_ORDER_STATE_PAY_SUCCESS' | (string & {}) = n.resource.order_state;
    void state;
  }
  if (n.event_type === 'CREDIT_REPAYMENT.SIGN_CONTRACT' || n.event_type === 'CREDIT_REPAYMENT.TERMINATE_CONTRACT' || n.event_type === 'CROSS_BORDER_PAY.GET_MCH_INFO' || n.event_type === 'INSURANCE_POLICY_MANAGEMENT.GRANTED' || n.event_type === 'PRODUCT_COUPON_SP.IMAGE_GENERATION' || n.event_type === 'CROSS_BORDER_PAY.PUSH_ORDER_INFO') {
    void n.resource;
  }
}

export function handlerOf(n: NotificationOf<'SECURITY_ECHO.SUCCESS'>): string {
  const r: WebhookEvents['SECURITY_ECHO.SUCCESS'] = n.resource;
  return r.echo_message;
}
