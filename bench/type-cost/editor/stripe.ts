import Stripe from 'stripe';
const stripe = new Stripe('sk_test');
export const order = stripe.paymentIntents.create({ amount: 1, currency: 'cny' });
stripe.paymentIntents.
