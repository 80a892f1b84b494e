// What the front end passes to WeChat's payment call, field for field as each channel spells it:
// JSAPI (`WeixinJSBridge.invoke('getBrandWCPayRequest', …)`) and mini-programs
// (`wx.requestPayment`) use camelCase, the APP SDK (`PayReq`) lower case.

/** APIv3 JSAPI / Official Account (and the same for combined orders and service providers). */
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: `prepay_id=${string}`;
  signType: 'RSA';
  paySign: string;
}

/** APIv3 mini-program: `wx.requestPayment` takes the JSAPI fields but `appId` (still signed). */
export type MiniProgramPayParams = Omit<JsapiPayParams, 'appId'>;

/** APIv3 APP (`PayReq`). */
export interface AppPayParams {
  appid: string;
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  timestamp: string;
  sign: string;
}

export type V2SignType = 'MD5' | 'HMAC-SHA256';

/** APIv2 JSAPI / mini-program. */
export interface V2JsapiPayParams<S extends V2SignType = V2SignType> {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: `prepay_id=${string}`;
  signType: S;
  paySign: string;
}

/** APIv2 APP: the same lower-case fields as APIv3, signed with the APIv2 key. */
export type V2AppPayParams = AppPayParams;

/** What every builder takes: the `prepay_id` from the order answer and the app id it was made for. */
export interface PrepayInput {
  /** The `appid` of the order (`sp_appid` or `sub_appid` for a service provider, `combine_appid` for a combined order). */
  appId: string;
  /**
   * `prepay_id` from the order's answer, without the `prepay_id=` prefix; or a whole package,
   * e.g. `prepay_id=wx…&subsidy_period_type=PERIOD` for a credit-payment (微信分付) order.
   */
  prepayId: string;
  /** Credit payment (微信分付): the order's `subsidy_info` `subsidy_period_type`, appended to `package` (JSAPI, mini-program). */
  subsidyPeriodType?: string;
  /** Unix seconds; now by default (set it only to reproduce a signature). */
  timeStamp?: string | number;
  /** 32 characters by default. */
  nonceStr?: string;
}

export interface AppInput extends PrepayInput {
  /**
   * The merchant id that placed the order: this client's `mchid` by default; a service
   * provider's APP order takes the sub-merchant's (`sub_mchid`).
   */
  partnerId?: string;
}

export interface V2Input<S extends V2SignType> extends PrepayInput {
  /** `MD5` (default) or `HMAC-SHA256`: the `sign_type` the order was placed with. */
  signType?: S;
}

export interface V2AppInput extends AppInput {
  signType?: V2SignType;
}
