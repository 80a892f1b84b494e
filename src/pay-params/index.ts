// Pay parameters for the front end, built and signed with the key the client already holds:
// one RSA-SHA256 signature (APIv3) or one MD5/HMAC-SHA256 (APIv2) per call, nothing else.
import { sign, type KeyObject } from 'node:crypto';
import { ConfigError, ParameterError } from '../errors.js';
import { nonce, unixTime } from '../signing/sign.js';
import { v2Signature } from '../v2/sign.js';
import type {
  AppInput,
  AppPayParams,
  JsapiPayParams,
  MiniProgramPayParams,
  PrepayInput,
  V2AppInput,
  V2AppPayParams,
  V2Input,
  V2JsapiPayParams,
  V2SignType,
} from './types.js';

export type * from './types.js';

export interface PayParamsSigner {
  mchid: string;
  /** For the APIv3 parameters; an APIv2-only client has none. */
  privateKey?: KeyObject | undefined;
  apiv2Key?: string | undefined;
}

const PREPAY_ID = /^[\w-]{1,128}$/;
const SUBSIDY_PERIOD_TYPE = /^[A-Z][A-Z_]{0,31}$/;
const PACKAGE = new RegExp(`^prepay_id=(${PREPAY_ID.source.slice(1, -1)})((?:&subsidy_period_type=${SUBSIDY_PERIOD_TYPE.source.slice(1, -1)})?)$`);
const APP_ID = /^\w{1,64}$/;

/** Builders for every channel: `wxpay.payParams.jsapi({ appId, prepayId })`. */
export class PayParams {
  readonly #signer: PayParamsSigner;
  constructor(signer: PayParamsSigner) {
    this.#signer = signer;
  }

  /** APIv3 JSAPI (Official Account pages): `WeixinJSBridge.invoke('getBrandWCPayRequest', params)`. */
  jsapi(input: PrepayInput): JsapiPayParams {
    const { appId, timeStamp, nonceStr, pkg } = common(input);
    const paySign = this.#rsa(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  /** APIv3 mini-program: `wx.requestPayment(params)` (signed over the mini-program's `appId`). */
  miniProgram(input: PrepayInput): MiniProgramPayParams {
    const { appId: _signedOver, ...params } = this.jsapi(input);
    return params;
  }

  /** APIv3 APP: the `PayReq` fields (`partnerid` is this merchant, or the sub-merchant for a service provider). */
  app(input: AppInput): AppPayParams {
    const { appId, prepayId, timeStamp, nonceStr } = appCommon(input);
    const partnerid = partnerOf(input, this.#signer.mchid);
    const sign = this.#rsa(`${appId}\n${timeStamp}\n${nonceStr}\n${prepayId}\n`);
    return { appid: appId, partnerid, prepayid: prepayId, package: 'Sign=WXPay', noncestr: nonceStr, timestamp: timeStamp, sign };
  }

  /**
   * Service provider (partner) orders: the same fields and signature, made with the service
   * provider's key; `appId` is the `sp_appid` or `sub_appid` the payer's openid belongs to, and
   * the APP `partnerid` is the `sub_mchid`.
   */
  get partner(): { jsapi(input: PrepayInput): JsapiPayParams; miniProgram(input: PrepayInput): MiniProgramPayParams; app(input: AppInput & { partnerId: string }): AppPayParams } {
    return { jsapi: (i) => this.jsapi(i), miniProgram: (i) => this.miniProgram(i), app: (i) => this.app(i) };
  }

  /** Combined orders (`v3/combine-transactions/…`): `appId` is the `combine_appid`, the rest as for one order. */
  get combine(): { jsapi(input: PrepayInput): JsapiPayParams; miniProgram(input: PrepayInput): MiniProgramPayParams; app(input: AppInput): AppPayParams } {
    return { jsapi: (i) => this.jsapi(i), miniProgram: (i) => this.miniProgram(i), app: (i) => this.app(i) };
  }

  /** APIv2 orders (`v2/pay/unifiedorder`), signed with `apiv2Key`. */
  get v2(): {
    jsapi<S extends V2SignType = 'MD5'>(input: V2Input<S>): V2JsapiPayParams<S>;
    app(input: V2AppInput): V2AppPayParams;
  } {
    return {
      jsapi: <S extends V2SignType = 'MD5'>(input: V2Input<S>): V2JsapiPayParams<S> => {
        const { appId, timeStamp, nonceStr, pkg } = common(input);
        const signType = signTypeOf(input.signType) as S;
        const fields = { appId, timeStamp, nonceStr, package: pkg, signType };
        return { ...fields, paySign: v2Signature(fields, this.#apiv2Key(), signType) };
      },
      app: (input: V2AppInput): V2AppPayParams => {
        const { appId, prepayId, timeStamp, nonceStr } = appCommon(input);
        const fields = { appid: appId, partnerid: partnerOf(input, this.#signer.mchid), prepayid: prepayId, package: 'Sign=WXPay' as const, noncestr: nonceStr, timestamp: timeStamp };
        return { ...fields, sign: v2Signature(fields, this.#apiv2Key(), signTypeOf(input.signType)) };
      },
    };
  }

  #rsa(message: string): string {
    const key = this.#signer.privateKey;
    if (!key) throw new ConfigError('privateKey', 'APIv3 pay parameters are signed with the merchant API private key: pass privateKey (or pkcs12) to new Wechatpay(), or use payParams.v2');
    return sign('sha256', Buffer.from(message), key).toString('base64');
  }

  #apiv2Key(): string {
    const key = this.#signer.apiv2Key;
    if (!key) throw new ConfigError('apiv2Key', 'APIv2 pay parameters are signed with the APIv2 key: pass apiv2Key to new Wechatpay()');
    return key;
  }
}

function common(input: PrepayInput): { appId: string; prepayId: string; timeStamp: string; nonceStr: string; pkg: `prepay_id=${string}` } {
  if (input === null || typeof input !== 'object') throw new ParameterError('payParams', 'expected { appId, prepayId }');
  const { appId } = input;
  if (typeof appId !== 'string' || !APP_ID.test(appId)) throw new ParameterError('appId', 'expected the appid the order was placed with, e.g. "wxd678efh567hg6787"');
  const { prepayId, pkg } = packageOf(input);
  const timeStamp = input.timeStamp === undefined ? String(unixTime()) : String(input.timeStamp);
  if (!/^\d{1,12}$/.test(timeStamp)) throw new ParameterError('timeStamp', 'expected unix seconds');
  const nonceStr = input.nonceStr ?? nonce();
  if (typeof nonceStr !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(nonceStr)) throw new ParameterError('nonceStr', 'expected up to 32 letters and digits');
  return { appId, prepayId, timeStamp, nonceStr, pkg };
}

/**
 * `prepay_id=<id>`, with the credit-payment (微信分付) suffix `&subsidy_period_type=<type>` when
 * the order carried `subsidy_info`: from `subsidyPeriodType`, or from a whole package given as
 * `prepayId`. The signature covers the package as the front end passes it.
 */
function packageOf(input: PrepayInput): { prepayId: string; pkg: `prepay_id=${string}` } {
  const given = input.prepayId;
  const whole = typeof given === 'string' ? PACKAGE.exec(given) : null;
  const prepayId = whole ? whole[1]! : given;
  if (typeof prepayId !== 'string' || !PREPAY_ID.test(prepayId)) {
    throw new ParameterError('prepayId', 'expected the prepay_id from the order answer, e.g. "wx201410272009395522657a690389285100" (or the whole package "prepay_id=…&subsidy_period_type=…")');
  }
  const type = input.subsidyPeriodType;
  if (type !== undefined && (typeof type !== 'string' || !SUBSIDY_PERIOD_TYPE.test(type))) {
    throw new ParameterError('subsidyPeriodType', 'expected the subsidy_period_type of the order\'s subsidy_info, e.g. "DAILY" or "PERIOD"');
  }
  const suffix = whole?.[2] ?? '';
  if (type !== undefined && suffix !== '' && suffix !== `&subsidy_period_type=${type}`) {
    throw new ParameterError('subsidyPeriodType', `the package given as prepayId already ends with ${suffix}`);
  }
  return { prepayId, pkg: `prepay_id=${prepayId}${type !== undefined ? `&subsidy_period_type=${type}` : suffix}` };
}

// The APP PayReq's package is the constant `Sign=WXPay`: it has no room for a package suffix.
function appCommon(input: AppInput): ReturnType<typeof common> {
  const params = common(input);
  if (params.pkg !== `prepay_id=${params.prepayId}`) throw new ParameterError('subsidyPeriodType', 'the APP PayReq carries no prepay_id package (its package is "Sign=WXPay"): leave it out');
  return params;
}

function partnerOf(input: AppInput, mchid: string): string {
  const partner = input.partnerId ?? mchid;
  if (typeof partner !== 'string' || !/^\d{1,32}$/.test(partner)) throw new ParameterError('partnerId', 'expected a merchant id (digits)');
  return partner;
}

function signTypeOf(given: unknown): V2SignType {
  if (given === undefined || given === 'MD5') return 'MD5';
  if (given === 'HMAC-SHA256') return 'HMAC-SHA256';
  throw new ParameterError('signType', 'expected "MD5" or "HMAC-SHA256", the sign_type the order was placed with');
}
