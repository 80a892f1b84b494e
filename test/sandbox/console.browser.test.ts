// The sandbox console in a real headless Chromium (Debian's `chromium`, driven by puppeteer-core):
// the page loads from the mock, lists what the mock saw (attacker-shaped bodies shown as text,
// never run), a click pays an order, the notification reaches the merchant's server and the
// order turns SUCCESS. A screenshot is written to .tmp/console.png (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { Wechatpay, untyped, type UntypedWechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { describeWith } from '../helpers/needs.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromium = {
  name: 'Chromium',
  present: existsSync(CHROMIUM),
  how: `Looked for ${CHROMIUM} (set CHROMIUM_PATH); on Debian: apt-get install chromium.`,
};

const XSS = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

describeWith(chromium, 'sandbox console in a headless browser', () => {
  let mock: MockServer;
  let client: UntypedWechatpayClient;
  let merchant: Server;
  let notifyUrl: string;
  let browser: Browser;
  let page: Page;
  const notified: string[] = [];

  beforeAll(async () => {
    mock = await startMockServer({ sandbox: { timeFactor: 0.001 } });
    const wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });
    client = untyped(wxpay);
    merchant = createServer(wxpay.webhooks.node(async (n) => void notified.push(`${n.event_type} ${(n.resource as { out_trade_no: string }).out_trade_no}`)));
    await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
    notifyUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/notify`;
    const { default: puppeteer } = await import('puppeteer-core');
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await mock?.close();
    await new Promise((resolve) => merchant?.close(resolve));
  });

  test('load, see what the mock saw as text, pay with a click, the notification arrives, the order turns SUCCESS', async () => {
    const created = await client.v3.pay.transactions.native.post({
      json: {
        appid: 'wxd678efh567hg6787',
        mchid: mock.merchant.mchid,
        description: XSS,
        out_trade_no: 'CONSOLE-1',
        notify_url: notifyUrl,
        amount: { total: 888, currency: 'CNY' },
      },
      headers: { 'Wechatpay-Serial': mock.platform.serial },
    });
    expect(created.status).toBe(200);
    // An unsigned request with a hostile body: refused, recorded, listed.
    await fetch(`${mock.url}v3/pay/transactions/native`, { method: 'POST', headers: { Authorization: 'WECHATPAY2-SHA256-RSA2048 x' }, body: `{"x":"${XSS.replace(/"/g, '\\"')}"}` });

    await page.goto(mock.url, { waitUntil: 'load' });
    await page.waitForSelector('tr[data-order="CONSOLE-1"] [data-test="pay"]');
    expect(await page.$eval('tr[data-order="CONSOLE-1"] [data-test="trade-state"]', (cell) => cell.textContent)).toBe('NOTPAY');
    const text = await page.$eval('#requests', (node) => node.textContent ?? '');
    expect(text).toContain('<img src=x onerror=');
    expect(text).toContain('SIGN_ERROR');
    expect(text).toContain('invalid');
    expect(await page.$$('#requests img, #requests script')).toHaveLength(0);

    await page.click('tr[data-order="CONSOLE-1"] [data-test="pay"]');
    // Expressions as strings: the page's DOM is not in this project's typings.
    await page.waitForFunction(`document.querySelector('tr[data-order="CONSOLE-1"] [data-test="trade-state"]')?.textContent === 'SUCCESS'`, { timeout: 20_000 });
    await page.waitForFunction(`[...document.querySelectorAll('[data-test="delivery-state"]')].some((cell) => cell.textContent === 'delivered')`, { timeout: 20_000 });
    expect(notified).toEqual(['TRANSACTION.SUCCESS CONSOLE-1']);
    const queried = await client.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'CONSOLE-1', query: { mchid: mock.merchant.mchid } });
    expect(queried.data).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 888 } });

    // Re-deliver (the same notification id, as WeChat Pay re-sends it): the delivery lists two
    // attempts, both answered success, and the merchant's handler ran once (docs/webhooks.md).
    await page.click('[data-test="redeliver"]');
    await page.waitForFunction(`document.querySelectorAll('[data-delivery] li').length === 2`, { timeout: 20_000 });
    expect(mock.sandbox.deliveries()[0]!.attempts.map((a) => a.ok)).toEqual([true, true]);
    expect(notified).toHaveLength(1);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    // The other buttons: fail (insufficient balance) and expire, on two more orders.
    for (const no of ['CONSOLE-FAIL', 'CONSOLE-EXPIRE']) {
      await client.v3.pay.transactions.native.post({
        json: { appid: 'wxd678efh567hg6787', mchid: mock.merchant.mchid, description: 'd', out_trade_no: no, notify_url: notifyUrl, amount: { total: 1 } },
        headers: { 'Wechatpay-Serial': mock.platform.serial },
      });
    }
    await page.waitForSelector('tr[data-order="CONSOLE-EXPIRE"] [data-test="expire"]');
    await page.click('tr[data-order="CONSOLE-FAIL"] [data-test="fail"]');
    await page.waitForFunction(`document.querySelector('tr[data-order="CONSOLE-FAIL"] [data-test="trade-state"]')?.textContent === 'PAYERROR'`, { timeout: 20_000 });
    await page.click('tr[data-order="CONSOLE-EXPIRE"] [data-test="expire"]');
    await page.waitForFunction(`document.querySelector('tr[data-order="CONSOLE-EXPIRE"] [data-test="trade-state"]')?.textContent === 'CLOSED'`, { timeout: 20_000 });
    expect(mock.sandbox.order('CONSOLE-FAIL')?.trade_state).toBe('PAYERROR');
    expect(notified).toHaveLength(1);

    mkdirSync(join(__dirname, '../../.tmp'), { recursive: true });
    await page.screenshot({ path: join(__dirname, '../../.tmp/console.png'), fullPage: true });
  }, 60_000);

  test('console actions need the sandbox header (a cross-origin page cannot send it) and name what is wrong', async () => {
    const bare = await fetch(`${mock.url}_sandbox/orders/CONSOLE-1/pay`, { method: 'POST', body: '{}' });
    expect(bare.status).toBe(403);
    const headers = { 'X-Wxpay-Sandbox': '1', 'Content-Type': 'application/json' };
    const unknown = await fetch(`${mock.url}_sandbox/orders/NOPE/pay`, { method: 'POST', headers, body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'ORDER_NOT_EXIST' });
    const paidAgain = await fetch(`${mock.url}_sandbox/orders/CONSOLE-1/pay`, { method: 'POST', headers, body: '{}' });
    expect(paidAgain.status).toBe(400);
    expect(await paidAgain.json()).toMatchObject({ code: 'INVALID_STATE' });
    const badOutcome = await fetch(`${mock.url}_sandbox/orders/CONSOLE-1/pay`, { method: 'POST', headers, body: '{"outcome":"maybe"}' });
    expect(badOutcome.status).toBe(400);
  });
});
