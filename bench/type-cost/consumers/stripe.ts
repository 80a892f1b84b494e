// The same five jobs with stripe: a payment intent, its status, a refund, the webhook, and a
// balance report run whose file is fetched.
import { createServer } from 'node:http';
import Stripe from 'stripe';

const stripe = new Stripe(process.env['STRIPE_SECRET_KEY'] ?? '');

export async function placeOrder(orderNo: string, cents: number): Promise<string> {
  const intent = await stripe.paymentIntents.create({ amount: cents, currency: 'cny', description: 'Tea, 250 g', metadata: { order_no: orderNo }, automatic_payment_methods: { enabled: true } });
  return intent.client_secret ?? '';
}

export async function orderStatus(intentId: string): Promise<string> {
  const intent = await stripe.paymentIntents.retrieve(intentId);
  return intent.status;
}

export async function refundOrder(intentId: string, cents: number): Promise<string> {
  const refund = await stripe.refunds.create({ payment_intent: intentId, amount: cents, reason: 'requested_by_customer' });
  return refund.status ?? 'unknown';
}

declare function markPaid(orderNo: string, cents: number): Promise<void>;
export const notifications = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const event = stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), process.env['STRIPE_WEBHOOK_SECRET'] ?? '');
    if (event.type === 'payment_intent.succeeded') await markPaid(event.data.object.metadata['order_no'] ?? '', event.data.object.amount_received);
    res.end();
  });
});

export async function paidOrdersOn(day: number): Promise<number> {
  const run = await stripe.reporting.reportRuns.create({ report_type: 'balance.summary.1', parameters: { interval_start: day, interval_end: day + 86_400 } });
  const done = await stripe.reporting.reportRuns.retrieve(run.id);
  if (!done.result) return 0;
  const file = await stripe.files.retrieve(done.result.id);
  return file.size;
}
