// The loopback "WeChat Pay" of the benchmark, in its own process so that only the client's CPU
// is on the client's clock. It answers every request with one pre-signed JSON body (re-signed
// every 60 s so it stays inside the 300 s window), keeps connections alive, counts the TCP
// connections each client opens, and checks one request signature in 64 so that a client that
// signs wrongly cannot look fast. Controlled over the fork IPC channel by bench/run.mjs.
import { createPublicKey, createPrivateKey, randomBytes, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const setup = JSON.parse(readFileSync(process.env.BENCH_SETUP, 'utf8'));
const platformKey = createPrivateKey(setup.platformPrivateKeyPem);
const merchantKey = createPublicKey(setup.merchantPublicKeyPem);
export const BODY = JSON.stringify({ code_url: 'weixin://wxpay/bizpayurl?pr=p4lpSuKzz' });
// A body changed after signing: every client must refuse it.
const TAMPERED = BODY.replace('p4lpSuKzz', 'p4lpSuKzZ');

let head;
function resign() {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${BODY}\n`), platformKey).toString('base64');
  head = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(BODY)),
    'Request-ID': 'bench-0001',
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature,
    'Wechatpay-Serial': setup.platformId,
  };
}
resign();
setInterval(resign, 60_000).unref();

const stats = () => ({ connections, requests, checked, badSignatures, firstBad });
let connections = 0;
let requests = 0;
let checked = 0;
let badSignatures = 0;
let firstBad;

const FIELD = /([a-z_]+)="([^"]*)"/g;
function checkSignature(req, body) {
  const auth = req.headers.authorization ?? '';
  const fields = Object.fromEntries([...auth.matchAll(FIELD)].map((m) => [m[1], m[2]]));
  const message = `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
  let ok = false;
  try {
    ok =
      auth.startsWith('WECHATPAY2-SHA256-RSA2048 ') &&
      fields.mchid === setup.mchid &&
      fields.serial_no === setup.merchantSerial &&
      Math.abs(Date.now() / 1000 - Number(fields.timestamp)) < 300 &&
      verify('sha256', Buffer.from(message), merchantKey, Buffer.from(fields.signature ?? '', 'base64'));
  } catch {
    ok = false;
  }
  checked++;
  if (!ok) {
    badSignatures++;
    firstBad ??= { method: req.method, url: req.url, authorization: auth.replace(/signature="[^"]*"/, 'signature="…"'), body };
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    requests++;
    if (requests % 64 === 1) checkSignature(req, Buffer.concat(chunks).toString());
    res.writeHead(200, head);
    res.end(req.url.includes('/tampered') ? TAMPERED : BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.on('connection', () => connections++);
server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: server.address().port });
});

process.on('message', (message) => {
  if (message.type === 'reset') {
    connections = requests = checked = badSignatures = 0;
    firstBad = undefined;
    // Connections a finished client left behind must not be reused or counted.
    server.closeAllConnections();
    process.send({ type: 'reset' });
  } else if (message.type === 'stats') {
    process.send({ type: 'stats', stats: stats() });
  } else if (message.type === 'exit') {
    server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
