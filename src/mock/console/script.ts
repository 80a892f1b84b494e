// The console's browser code, served as /_sandbox/console.js (no build step: plain ES2020 in a
// string). Every value reaches the page through textContent or an attribute set by the DOM,
// never through HTML parsing, so attacker-shaped bodies stay text.
export const CONSOLE_SCRIPT = String.raw`'use strict';
const HEADERS = { 'Content-Type': 'application/json', 'X-Wxpay-Sandbox': '1' };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child)));
  return node;
}

function table(target, head, rows, empty) {
  const body = el('tbody', {}, ...rows);
  $(target).replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))), body));
  if (!rows.length) body.append(el('tr', {}, el('td', { colspan: head.length, class: 'empty', 'data-test': 'empty' }, empty || 'none yet')));
}

// Times as WeChat Pay writes them: Beijing time, whatever the browser's zone.
const beijing = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(11, 19) + ' (+08:00)';

async function act(path, body) {
  const response = await fetch(path, { method: 'POST', headers: HEADERS, body: JSON.stringify(body || {}) });
  const answer = await response.json().catch(() => ({}));
  $('message').textContent = response.ok ? answer.message || 'done' : 'refused: ' + (answer.message || response.status);
  await refresh();
}

const button = (label, test, path, body) => el('button', { type: 'button', 'data-test': test, onclick: () => act(path, body) }, label);
const order = (no) => '/_sandbox/orders/' + encodeURIComponent(no);

function render(state) {
  table('orders', ['kind', 'out_trade_no', 'trade_type', 'total', 'trade_state', 'refunded', 'created', 'actions'],
    state.orders.map((o) => el('tr', { 'data-order': o.out_trade_no },
      el('td', {}, o.kind), el('td', {}, o.out_trade_no), el('td', {}, o.trade_type), el('td', {}, o.total),
      el('td', { class: 'state state-' + o.trade_state, 'data-test': 'trade-state' }, o.trade_state), el('td', {}, o.refunded), el('td', {}, o.created),
      el('td', {}, ...(o.payable ? [
        button('pay', 'pay', order(o.out_trade_no) + '/pay', { outcome: 'success' }),
        button('fail', 'fail', order(o.out_trade_no) + '/pay', { outcome: 'insufficient-balance' }),
        button('cancel', 'cancel', order(o.out_trade_no) + '/pay', { outcome: 'cancel' }),
        button('expire', 'expire', order(o.out_trade_no) + '/expire'),
      ] : [])))), state.hints.orders);
  table('refunds', ['out_refund_no', 'out_trade_no', 'refund', 'total', 'status', 'created'],
    state.refunds.map((r) => el('tr', {}, el('td', {}, r.out_refund_no), el('td', {}, r.out_trade_no), el('td', {}, r.refund), el('td', {}, r.total), el('td', {}, r.status), el('td', {}, r.created))));
  table('deliveries', ['event', 'subject', 'url', 'state', 'attempts', 'actions'],
    state.deliveries.map((d) => el('tr', { 'data-delivery': d.id },
      el('td', {}, d.event_type), el('td', {}, d.subject), el('td', {}, d.url), el('td', { 'data-test': 'delivery-state' }, d.state),
      el('td', {}, el('ol', {}, ...d.attempts.map((a) => el('li', {}, a.at + ' → ' + (a.status == null ? 'no answer' : a.status) + (a.answer ? ' ' + a.answer : ''))))),
      el('td', {}, button('re-deliver', 'redeliver', '/_sandbox/deliveries/' + encodeURIComponent(d.id) + '/redeliver')))));
  table('requests', ['method', 'path', 'status', 'signature', 'body'],
    state.requests.map((r) => el('tr', {}, el('td', {}, r.method), el('td', {}, r.url), el('td', {}, r.status == null ? '—' : r.status + (r.code ? ' ' + r.code : '')),
      el('td', {}, r.signature || '—'), el('td', {}, el('pre', {}, r.body)))));
  $('updated').textContent = 'updated ' + beijing(Date.now());
}

async function refresh() {
  try {
    const response = await fetch('/_sandbox/state', { headers: { 'X-Wxpay-Sandbox': '1' } });
    render(await response.json());
  } catch (error) {
    $('updated').textContent = 'mock unreachable: ' + error.message;
  }
}

refresh();
setInterval(refresh, 1000);
`;
