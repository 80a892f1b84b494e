// Type tests for notifications: `event_type` discriminates the decrypted `resource`.
import type { WebhookEvents } from '../../src/generated/index.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import type { Notification, NotificationOf } from '../../src/webhooks/parse.js';

declare const webhooks: Webhooks;

export async function narrowing(): Promise<void> {
  const n = await webhooks.parse({ headers: {}, body: '' });
  if (n.event_type === 'REFUND.SUCCESS') {
    const refundId: string = n.resource.refund_id;
    // an answer's enum is open: a status added later still type-checks (see typings.ts)
    const status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' | (string & {}) = n.resource.refund_status;
    void refundId;
    void status;
    // @ts-expect-error a payment field is not on a refund
    void n.resource.trade_state_desc_that_does_not_exist;
  }
  if (n.event_type === 'COUPON.USE') {
    const stock: string = n.resource.stock_id;
    void stock;
  }
  // @ts-expect-error not a documented event type
  if (n.event_type === 'TRANSACTION.SUCCEEDED') void n;
}

// Every event's notification carries exactly its generated resource type.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AllExact = { [E in keyof WebhookEvents & string]: Exact<NotificationOf<E>['resource'], WebhookEvents[E]> }[keyof WebhookEvents & string];
export const allExact: AllExact = true;
export const union: Notification['event_type'] = 'TRANSACTION.SUCCESS';

export function handler(): void {
  webhooks.node(async (n) => {
    if (n.event_type === 'TRANSACTION.SUCCESS') {
      const id: string = n.resource.transaction_id;
      void id;
    }
  });
}
