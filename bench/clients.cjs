// The contenders. Each factory gets the run's keys and the loopback base URL and returns
// `call()` (one checkout: POST /v3/pay/transactions/native, resolving to true when the
// response's signature was checked) and `tampered()` (the same call to a URL whose body the
// server changed after signing: resolves to true when the client accepted it anyway).
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');

const ORDER = {
  appid: 'wxd678efh567hg6787',
  mchid: '1230000109',
  description: 'Image形象店-深圳腾大-QQ公仔',
  out_trade_no: '1217752501201407033233368018',
  notify_url: 'https://www.weixin.qq.com/wxpay/pay.php',
  amount: { total: 100, currency: 'CNY' },
};
const NATIVE = '/v3/pay/transactions/native';
const TAMPERED = '/v3/bench/tampered';

async function rejects(promise) {
  try {
    await promise;
    return true;
  } catch {
    return false;
  }
}

// ---- hand-written signing and verification, as a merchant would write it with node:crypto ----
function handKeys(setup) {
  return {
    privateKey: crypto.createPrivateKey(setup.merchantPrivateKeyPem),
    platformKey: crypto.createPublicKey(setup.platformPublicKeyPem),
  };
}
function handAuthorization(setup, keys, method, pathAndQuery, body) {
  const timestamp = Math.floor(Date.now() / 1000);
  const nonce = crypto.randomBytes(16).toString('hex');
  const message = `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
  const signature = crypto.sign('sha256', Buffer.from(message), keys.privateKey).toString('base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${setup.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${setup.merchantSerial}"`;
}
function handVerify(setup, keys, headers, text) {
  const timestamp = headers['wechatpay-timestamp'];
  if (headers['wechatpay-serial'] !== setup.platformId) throw new Error('unknown serial');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) throw new Error('skew');
  const message = Buffer.from(`${timestamp}\n${headers['wechatpay-nonce']}\n${text}\n`);
  if (!crypto.verify('sha256', message, keys.platformKey, Buffer.from(headers['wechatpay-signature'], 'base64'))) throw new Error('bad signature');
  return JSON.parse(text);
}

// wechatpay-node-v3 as its README constructs it, for the bench merchant.
function nodeV3Pay(setup) {
  const Pay = require('wechatpay-node-v3');
  return new Pay({
    appid: ORDER.appid,
    mchid: setup.mchid,
    serial_no: setup.merchantSerial,
    publicKey: Buffer.from(setup.merchantPublicKeyPem),
    privateKey: Buffer.from(setup.merchantPrivateKeyPem),
  });
}

function ours(style, dist = path.join(__dirname, '..', 'dist', 'cjs')) {
  return (setup, base) => {
    const { Wechatpay } = require(path.join(dist, 'index.js'));
    const wxpay = new Wechatpay({
      mchid: setup.mchid,
      serial: setup.merchantSerial,
      privateKey: setup.merchantPrivateKeyPem,
      certs: { [setup.platformId]: setup.platformPublicKeyPem },
      baseURL: base,
    });
    const send = {
      chain: () => wxpay.v3.pay.transactions.native.post({ json: ORDER }),
      declarative: () => wxpay.chain('v3/pay/transactions/native').post({ json: ORDER }),
      attribute: () => wxpay['v3/pay/transactions/native'].post({ json: ORDER }),
    }[style];
    return {
      call: async () => {
        const response = await send();
        if (typeof response.data.code_url !== 'string') throw new Error('no code_url');
        return response.verified === true;
      },
      tampered: () => rejects(wxpay.v3.bench.tampered.post({ json: ORDER })),
    };
  };
}

const CLIENTS = {
  'ours-chain': ours('chain'),
  'ours-declarative': ours('declarative'),
  'ours-attribute': ours('attribute'),
  // BENCH_BASELINE=<another checkout>/dist/cjs: that build's chain style in the same rounds, to
  // compare a change against what it replaces without the machine's drift between runs.
  ...(process.env.BENCH_BASELINE ? { 'baseline-chain': ours('chain', path.resolve(process.env.BENCH_BASELINE)) } : {}),

  // As documented: `new Wechatpay({ mchid, serial, privateKey, certs })`, chain calls. Its
  // verifier runs in transformResponse and the call throws when a signature does not match.
  'wechatpay-axios-plugin': (setup, base) => {
    const { Wechatpay } = require('wechatpay-axios-plugin');
    const wxpay = new Wechatpay({
      mchid: setup.mchid,
      serial: setup.merchantSerial,
      privateKey: setup.merchantPrivateKeyPem,
      certs: { [setup.platformId]: setup.platformPublicKeyPem },
      baseURL: base,
    });
    return {
      call: async () => {
        const response = await wxpay.v3.pay.transactions.native.post(ORDER);
        if (typeof response.data.code_url !== 'string') throw new Error('no code_url');
        return true;
      },
      tampered: () => rejects(wxpay.v3.bench.tampered.post(ORDER)),
    };
  },

  // As documented: `pay.transactions_native(params)`. Its URLs are hard-wired to
  // api.mch.weixin.qq.com, so its own superagent request service is wrapped to point at the
  // loopback (what is signed is unchanged). It does not check response signatures: callers
  // get `{ status, data }` without the headers a check would need.
  'wechatpay-node-v3': (setup, base) => {
    const { PayRequest } = require('wechatpay-node-v3/dist/lib/pay-request');
    const pay = nodeV3Pay(setup);
    const inner = new PayRequest();
    const local = (url) => url.replace('https://api.mch.weixin.qq.com/', base);
    pay.createHttp({ post: (url, params, headers) => inner.post(local(url), params, headers), get: (url, headers) => inner.get(local(url), headers) });
    const { appid, mchid, ...params } = ORDER;
    return {
      call: async () => {
        const result = await pay.transactions_native(params);
        if (result.status !== 200 || typeof result.data.code_url !== 'string') throw new Error(`status ${result.status}`);
        return false;
      },
      tampered: async () => {
        const result = await inner.post(`${base}${TAMPERED.slice(1)}`, ORDER, pay.getHeaders(pay.buildAuthorization('POST', TAMPERED, ORDER), { 'Content-Type': 'application/json' }));
        return result.status === 200;
      },
    };
  },

  // The same SDK with its own `verifySign` wired in by hand: a superagent service that keeps the
  // headers and raw text, then `await pay.verifySign(...)` on every answer.
  'wechatpay-node-v3+verifySign': (setup, base) => {
    const superagent = require('superagent');
    const pay = nodeV3Pay(setup);
    require('wechatpay-node-v3').certificates = { [setup.platformId]: setup.platformPublicKeyPem };
    const post = async (url, params, headers) => {
      const res = await superagent.post(url.replace('https://api.mch.weixin.qq.com/', base)).send(params).set(headers);
      const ok = await pay.verifySign({
        timestamp: res.headers['wechatpay-timestamp'],
        nonce: res.headers['wechatpay-nonce'],
        serial: res.headers['wechatpay-serial'],
        signature: res.headers['wechatpay-signature'],
        body: res.text,
      });
      if (!ok) throw new Error('verifySign: signature does not match');
      return { status: res.status, data: res.body };
    };
    pay.createHttp({ post });
    const { appid, mchid, ...params } = ORDER;
    return {
      call: async () => {
        const result = await pay.transactions_native(params);
        if (result.status !== 200 || typeof result.data.code_url !== 'string') throw new Error(`status ${result.status}`);
        return true;
      },
      tampered: () => rejects(post(`https://api.mch.weixin.qq.com${TAMPERED}`, ORDER, pay.getHeaders(pay.buildAuthorization('POST', TAMPERED, ORDER), { 'Content-Type': 'application/json' }))),
    };
  },

  // Plain axios, default settings, signing and verifying written out by hand around it.
  'axios+hand-signed': (setup, base) => {
    const axios = require('axios');
    const keys = handKeys(setup);
    const send = async (url) => {
      // Serialised per call, as every real call has its own body.
      const body = JSON.stringify(ORDER);
      const response = await axios.post(base + url.slice(1), body, {
        headers: { Authorization: handAuthorization(setup, keys, 'POST', url, body), 'Content-Type': 'application/json', Accept: 'application/json' },
        responseType: 'text',
        transformResponse: (data) => data,
      });
      return handVerify(setup, keys, response.headers, response.data);
    };
    return {
      call: async () => {
        if (typeof (await send(NATIVE)).code_url !== 'string') throw new Error('no code_url');
        return true;
      },
      tampered: () => rejects(send(TAMPERED)),
    };
  },

  // node:http with a keep-alive agent, signing and verifying by hand: the floor for a real client.
  'http.request+hand-signed': (setup, base) => {
    const keys = handKeys(setup);
    const { hostname, port } = new URL(base);
    const agent = new http.Agent({ keepAlive: true });
    const send = (url, body = JSON.stringify(ORDER)) =>
      new Promise((resolve, reject) => {
        const req = http.request(
          {
            hostname,
            port,
            path: url,
            method: 'POST',
            agent,
            headers: {
              Authorization: handAuthorization(setup, keys, 'POST', url, body),
              'Content-Type': 'application/json',
              Accept: 'application/json',
              'Content-Length': Buffer.byteLength(body),
            },
          },
          (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('end', () => {
              try {
                resolve(handVerify(setup, keys, res.headers, Buffer.concat(chunks).toString()));
              } catch (error) {
                reject(error);
              }
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    return {
      call: async () => {
        if (typeof (await send(NATIVE)).code_url !== 'string') throw new Error('no code_url');
        return true;
      },
      tampered: () => rejects(send(TAMPERED)),
    };
  },

  // The ceiling: one RSA sign and one RSA verify with pre-parsed keys, no I/O, one thread.
  'ceiling: sign+verify': (setup) => {
    const keys = handKeys(setup);
    const platformSigner = crypto.createPrivateKey(setup.platformPrivateKeyPem);
    const answer = '{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}';
    const headers = {
      'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)),
      'wechatpay-nonce': 'b6f0c6f3cbb34e5d8d0a1e2f3a4b5c6d',
      'wechatpay-serial': setup.platformId,
    };
    headers['wechatpay-signature'] = crypto
      .sign('sha256', Buffer.from(`${headers['wechatpay-timestamp']}\n${headers['wechatpay-nonce']}\n${answer}\n`), platformSigner)
      .toString('base64');
    return {
      noIo: true,
      call: async () => {
        handAuthorization(setup, keys, 'POST', NATIVE, JSON.stringify(ORDER));
        handVerify(setup, keys, headers, answer);
        return true;
      },
      tampered: async () => {
        try {
          handVerify(setup, keys, headers, answer.replace('p4lpSuKzz', 'p4lpSuKzZ'));
          return true;
        } catch {
          return false;
        }
      },
    };
  },
};

module.exports = { CLIENTS, ORDER, NATIVE, handKeys, handAuthorization, handVerify };
