// Where the distance between our client and hand-signed `http.request` comes from, layer by
// layer, measured in ONE process against the bench server (so the layers share the machine's
// state, and only the code differs): blocks of sequential calls, the layers interleaved block
// by block, medians over the blocks of CPU µs per call and of the difference to http.request.
//   node bench/decompose.mjs [blocks] [calls per block]      (after `npm run build`)
// Layers, each adding one thing to the one before:
//   http.request      node:http, keep-alive agent, signing and verifying by hand
//   our adapter       the same calls through wxpay.axios.defaults.adapter (still signed by hand)
//   axios core        axios.request over that adapter, signing/verifying in two interceptors
//                     (the instance's defaults trimmed as the client trims its own)
//   wxpay-chain       the client: chain style, prepare, our signer and verifier
// With BENCH_BASELINE=<another checkout>/dist/cjs, one more row: that build's client making the
// same calls in the same blocks (to show what a change costs against what it replaces).
import { createRequire } from 'node:module';
import { benchSetup, startBenchServer } from './setup.mjs';

const require = createRequire(import.meta.url);
const axios = require('axios');
const { CLIENTS, ORDER, NATIVE, handKeys, handAuthorization, handVerify } = require('./clients.cjs');
const { Wechatpay } = require('../dist/cjs/index.js');

const blocks = Number(process.argv[2] ?? 15);
const perBlock = Number(process.argv[3] ?? 300);
const { setup, env, remove } = benchSetup('wxpay-decompose-');
const { server, port } = await startBenchServer(env);
const base = `http://127.0.0.1:${port}/`;
const url = NATIVE.slice(1);
const keys = handKeys(setup);
const wxpay = new Wechatpay({ mchid: setup.mchid, serial: setup.merchantSerial, privateKey: setup.merchantPrivateKeyPem, certs: { [setup.platformId]: setup.platformPublicKeyPem }, baseURL: base });
const adapter = wxpay.axios.defaults.adapter;
const headers = () => ({ Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': 'bench' });

// An axios instance with the defaults the client keeps (src/request/defaults.ts) and nothing else, so
// this layer is the floor a client on axios can reach, not axios as shipped.
function likeTheClient(instance) {
  for (const name of Object.keys(instance.defaults)) if (!(name in wxpay.axios.defaults)) delete instance.defaults[name];
  instance.defaults.headers = { 'User-Agent': 'bench' };
  return instance;
}
const viaAxios = likeTheClient(axios.create({ adapter, baseURL: base }));
viaAxios.interceptors.request.use((config) => {
  config.headers.set('Authorization', handAuthorization(setup, keys, 'POST', NATIVE, config.data));
  return config;
});
viaAxios.interceptors.response.use((response) => {
  response.data = handVerify(setup, keys, response.headers, response.data);
  return response;
});

const layers = {
  'http.request': CLIENTS['http.request+hand-signed'](setup, base).call,
  'our adapter': async () => {
    const body = JSON.stringify(ORDER);
    const config = { baseURL: base, url, method: 'post', data: body, responseType: 'text', validateStatus: () => true, maxRedirects: 0, proxy: false };
    // Building an AxiosHeaders is axios's work (the next layer's): its properties are set directly.
    config.headers = Object.assign(new axios.AxiosHeaders(), headers(), { Authorization: handAuthorization(setup, keys, 'POST', NATIVE, body) });
    const response = await adapter(config);
    return typeof handVerify(setup, keys, response.headers, response.data).code_url === 'string';
  },
  'axios core': async () => {
    const response = await viaAxios.request({ method: 'post', url, data: JSON.stringify(ORDER), headers: headers() });
    return typeof response.data.code_url === 'string';
  },
  'wxpay-chain': async () => (await wxpay.v3.pay.transactions.native.post({ json: ORDER })).verified,
};
if (process.env.BENCH_BASELINE) {
  const { Wechatpay: Baseline } = require(process.env.BENCH_BASELINE + '/index.js');
  const baseline = new Baseline({ mchid: setup.mchid, serial: setup.merchantSerial, privateKey: setup.merchantPrivateKeyPem, certs: { [setup.platformId]: setup.platformPublicKeyPem }, baseURL: base });
  layers['baseline wxpay-chain'] = async () => (await baseline.v3.pay.transactions.native.post({ json: ORDER })).verified;
}
const names = Object.keys(layers);
for (const name of names) for (let i = 0; i < 300; i++) if (!(await layers[name]())) throw new Error(`${name}: not verified`);
const cpu = Object.fromEntries(names.map((n) => [n, []]));
const wall = Object.fromEntries(names.map((n) => [n, []]));
for (let b = 0; b < blocks; b++) {
  for (const name of names) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < perBlock; i++) await layers[name]();
    const c = process.cpuUsage(c0);
    cpu[name].push((c.user + c.system) / perBlock);
    wall[name].push(((performance.now() - t0) * 1000) / perBlock);
  }
}
server.kill();
remove();
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const rows = names.map((name, i) => {
  const previous = names[i - 1];
  return [
    name,
    median(cpu[name]).toFixed(0),
    i ? median(cpu[name].map((v, b) => v - cpu[previous][b])).toFixed(0) : '–',
    median(cpu[name].map((v, b) => v / cpu['http.request'][b])).toFixed(2),
    median(wall[name]).toFixed(0),
    median(wall[name].map((v, b) => wall['http.request'][b] / v)).toFixed(2),
  ];
});
console.log(`${blocks} blocks × ${perBlock} sequential calls per layer, interleaved; medians over blocks\n`);
console.log('| layer | CPU µs/call | added by this layer, µs | CPU ÷ http.request | wall µs/call | throughput ÷ http.request |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
if (cpu['baseline wxpay-chain']) {
  const ratio = median(cpu['wxpay-chain'].map((v, b) => v / cpu['baseline wxpay-chain'][b]));
  console.log(`\nwxpay-chain CPU ÷ baseline wxpay-chain (${process.env.BENCH_BASELINE}), median over blocks: ${ratio.toFixed(3)}`);
}

// Axios's own share without I/O: the same request through an adapter that answers at once, with
// axios's shipped defaults (as the client had them before src/request/defaults.ts) and with the client's.
const instant = (config) => Promise.resolve({ data: '{}', status: 200, statusText: 'OK', headers: new axios.AxiosHeaders(), config, request: null });
const shipped = axios.create({ adapter: instant, baseURL: base, maxRedirects: 0, transformRequest: [], transformResponse: [], responseType: 'text', validateStatus: () => true });
const trimmed = likeTheClient(axios.create({ adapter: instant, baseURL: base }));
for (const instance of [shipped, trimmed]) {
  instance.interceptors.request.use((config) => (config.headers.set('Authorization', 'x'), config));
  instance.interceptors.response.use((response) => response);
}
const bare = async (instance, n) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await instance.request({ method: 'post', url, data: '{}', headers: headers() });
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
};
for (const instance of [shipped, trimmed]) await bare(instance, 20_000);
const bareCpu = { shipped: [], trimmed: [] };
for (let b = 0; b < 9; b++) for (const [name, instance] of [['shipped', shipped], ['trimmed', trimmed]]) bareCpu[name].push(await bare(instance, 20_000));
console.log(`\naxios.request through an adapter that answers at once (no I/O), CPU µs/call, median of 9 × 20,000:`);
console.log(`axios's shipped defaults ${median(bareCpu.shipped).toFixed(1)}; the client's ${median(bareCpu.trimmed).toFixed(1)}`);
process.exit(0);
