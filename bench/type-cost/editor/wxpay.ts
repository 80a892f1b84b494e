import { Wechatpay } from 'wxpay-chain';
declare const config: ConstructorParameters<typeof Wechatpay>[0];
const wxpay = new Wechatpay(config);
export const order = wxpay.v3.pay.transactions.native.post({ json: { appid: 'wx1', mchid: '1', description: 'd', out_trade_no: 'T1', notify_url: 'https://x/n', amount: { total: 1 } } });
export const node = wxpay.chain('v3/pay/');
wxpay.v3.
