// The console's HTTP side: the page at `/`, its script, the state as JSON, and the payer's and
// the redelivery's buttons. Only for requests without an Authorization header (an APIv3 call
// never reaches here); state-changing calls need the `X-Wxpay-Sandbox` header, which a page on
// another origin cannot send without a CORS preflight this server never grants.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rfc3339 } from '../state/time.js';
import { SandboxError, type PayOutcome, type Sandbox } from '../state/index.js';
import { CONSOLE_HTML } from './page.js';
import { CONSOLE_SCRIPT } from './script.js';
import { readBody } from '../intake.js';

/** The part of a recorded request the console lists (the mock's RecordedRequest has more). */
export interface ConsoleRecord {
  method: string;
  url: string;
  body: string;
  status?: number;
  code?: string;
  signature?: 'valid' | 'invalid';
  template?: string;
}

/** How much of each recorded body the console shows. */
const BODY_PREVIEW = 4096;
const ACTION_BODY_BYTES = 1024;
const CONSOLE_REQUESTS = 200;

export function isConsoleRequest(req: IncomingMessage, path: string): boolean {
  return req.headers.authorization === undefined && (path === '/' || path.startsWith('/_sandbox/'));
}

/** What the console says in place of an empty orders table: how an order gets here. */
export function noOrdersHint(): string {
  return (
    'No orders yet. Create one the way your shop will: a client pointed at this sandbox ' +
    '(new Wechatpay({ ...mock.clientConfig }) in code, or client.json from `wxpay-chain mock`) calls ' +
    "wxpay.v3.pay.transactions.native.post({ json: { appid, mchid, description, out_trade_no, notify_url, amount: { total: 100 } } }), " +
    "or from a shell: npx wxpay-chain request POST v3/pay/transactions/native --config client.json --json '{…}'. " +
    'It appears here with buttons to pay, fail, cancel or expire it.'
  );
}

export function consoleState(sandbox: Sandbox, requests: readonly ConsoleRecord[]): unknown {
  const orders = sandbox.orders();
  return {
    // Said only where it applies: the empty orders table's text.
    hints: orders.length ? {} : { orders: noOrdersHint() },
    orders: orders.map((o) => ({
      kind: o.kind,
      out_trade_no: o.out_trade_no,
      trade_type: o.trade_type,
      total: o.total,
      trade_state: o.trade_state,
      refunded: o.refunded,
      created: rfc3339(o.created_at),
      payable: o.kind !== 'sub' && (o.trade_state === 'NOTPAY' || o.trade_state === 'USERPAYING'),
    })),
    refunds: sandbox.refunds().map((r) => ({ out_refund_no: r.out_refund_no, out_trade_no: r.out_trade_no, refund: r.refund, total: r.total, status: r.status, created: rfc3339(r.created_at) })),
    deliveries: sandbox.deliveries().map((d) => ({
      id: d.id,
      event_type: d.event_type,
      subject: d.subject,
      url: d.url,
      state: d.state,
      attempts: d.attempts.map((a) => ({ at: rfc3339(a.at), status: a.status ?? null, answer: a.answer.slice(0, 200), ok: a.ok })),
    })),
    // The newest first, at most CONSOLE_REQUESTS of them; headers are left out (an Authorization
    // header is nobody's business here).
    requests: requests.slice(-CONSOLE_REQUESTS).reverse().map((r) => ({
      method: r.method,
      url: r.url,
      status: r.status ?? null,
      code: r.code ?? null,
      signature: r.signature ?? null,
      template: r.template ?? null,
      body: r.body.length > BODY_PREVIEW ? `${r.body.slice(0, BODY_PREVIEW)}… (${r.body.length} characters)` : r.body,
    })),
  };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const OUTCOMES = new Set<PayOutcome>(['success', 'cancel', 'insufficient-balance']);

export async function serveConsole(req: IncomingMessage, res: ServerResponse, path: string, sandbox: Sandbox, requests: readonly ConsoleRecord[]): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/') {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(CONSOLE_HTML);
    return;
  }
  if (method === 'GET' && path === '/_sandbox/console.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    res.end(CONSOLE_SCRIPT);
    return;
  }
  if (method === 'GET' && path === '/_sandbox/state') {
    json(res, 200, consoleState(sandbox, requests));
    return;
  }
  const action = /^\/_sandbox\/(orders|deliveries)\/([^/]+)\/(pay|expire|redeliver)$/.exec(path);
  if (method !== 'POST' || !action) {
    json(res, 404, { code: 'NOT_FOUND', message: `no console route ${method} ${path}` });
    return;
  }
  if (req.headers['x-wxpay-sandbox'] !== '1') {
    json(res, 403, { code: 'NO_AUTH', message: 'console actions need the X-Wxpay-Sandbox: 1 header' });
    return;
  }
  const read = await readBody(req, ACTION_BODY_BYTES);
  if (!('body' in read)) {
    // An action whose body could not be read whole is not carried out.
    if ('tooLarge' in read) json(res, 413, { code: 'PARAM_ERROR', message: `an action body is at most ${ACTION_BODY_BYTES} bytes` });
    return;
  }
  const text = read.body.toString('utf8');
  let body: { outcome?: unknown } = {};
  try {
    body = text ? (JSON.parse(text) as { outcome?: unknown }) : {};
  } catch {
    json(res, 400, { code: 'PARAM_ERROR', message: 'the body is not JSON' });
    return;
  }
  let id: string;
  try {
    id = decodeURIComponent(action[2]!);
  } catch {
    json(res, 400, { code: 'PARAM_ERROR', message: 'the id is not percent-encoded correctly' });
    return;
  }
  try {
    if (action[1] === 'orders' && action[3] === 'pay') {
      const outcome = (body.outcome ?? 'success') as PayOutcome;
      if (!OUTCOMES.has(outcome)) {
        json(res, 400, { code: 'PARAM_ERROR', message: 'outcome must be success, cancel or insufficient-balance' });
        return;
      }
      const order = sandbox.pay(id, outcome);
      json(res, 200, { message: `${id}: ${order.trade_state}`, trade_state: order.trade_state });
    } else if (action[1] === 'orders' && action[3] === 'expire') {
      const order = sandbox.expire(id);
      json(res, 200, { message: `${id}: ${order.trade_state}`, trade_state: order.trade_state });
    } else if (action[1] === 'deliveries' && action[3] === 'redeliver') {
      const delivery = sandbox.redeliver(id);
      json(res, 200, { message: `${delivery.event_type} to ${delivery.url}: delivering again`, state: delivery.state });
    } else {
      json(res, 404, { code: 'NOT_FOUND', message: `no console route ${method} ${path}` });
    }
  } catch (failure) {
    if (failure instanceof SandboxError) json(res, failure.code === 'INVALID_STATE' ? 400 : 404, { code: failure.code, message: failure.message });
    else throw failure;
  }
}
