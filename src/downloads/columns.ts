// The columns of WeChat Pay's bill files, by the header text each file starts with, and the
// field name each is read into. A file with columns not listed here still reads: the unknown
// ones keep their header text as the key.

export const TRADE_COLUMNS = {
  交易时间: 'trade_time',
  公众账号ID: 'appid',
  商户号: 'mchid',
  特约商户号: 'sub_mchid',
  设备号: 'device_info',
  微信订单号: 'transaction_id',
  商户订单号: 'out_trade_no',
  用户标识: 'openid',
  交易类型: 'trade_type',
  交易状态: 'trade_state',
  付款银行: 'bank_type',
  货币种类: 'currency',
  应结订单金额: 'settlement_total',
  代金券金额: 'coupon_amount',
  微信退款单号: 'refund_id',
  商户退款单号: 'out_refund_no',
  退款金额: 'refund_amount',
  充值券退款金额: 'recharge_refund_amount',
  退款类型: 'refund_type',
  退款状态: 'refund_status',
  商品名称: 'description',
  商户数据包: 'attach',
  手续费: 'fee',
  费率: 'rate',
  订单金额: 'total',
  申请退款金额: 'refund_apply_amount',
  费率备注: 'rate_note',
} as const;

export const TRADE_SUMMARY_COLUMNS = {
  总交易单数: 'total_count',
  应结订单总金额: 'settlement_total',
  退款总金额: 'refund_total',
  充值券退款总金额: 'recharge_refund_total',
  手续费总金额: 'fee_total',
  订单总金额: 'order_total',
  申请退款总金额: 'refund_apply_total',
} as const;

export const FUND_FLOW_COLUMNS = {
  记账时间: 'accounting_time',
  微信支付业务单号: 'business_no',
  资金流水单号: 'flow_no',
  业务名称: 'business_name',
  业务类型: 'business_type',
  收支类型: 'direction',
  '收支金额（元）': 'amount',
  '账户结余（元）': 'balance',
  资金变更提交申请人: 'applicant',
  备注: 'remark',
  业务凭证号: 'voucher_no',
} as const;

export const FUND_FLOW_SUMMARY_COLUMNS = {
  资金流水总笔数: 'total_count',
  收入笔数: 'income_count',
  收入金额: 'income_amount',
  支出笔数: 'expense_count',
  支出金额: 'expense_amount',
} as const;

export type TradeField = (typeof TRADE_COLUMNS)[keyof typeof TRADE_COLUMNS];
export type FundFlowField = (typeof FUND_FLOW_COLUMNS)[keyof typeof FUND_FLOW_COLUMNS];
export type TradeSummaryField = (typeof TRADE_SUMMARY_COLUMNS)[keyof typeof TRADE_SUMMARY_COLUMNS];
export type FundFlowSummaryField = (typeof FUND_FLOW_SUMMARY_COLUMNS)[keyof typeof FUND_FLOW_SUMMARY_COLUMNS];

export const NAMES: Readonly<Record<string, string>> = { ...TRADE_COLUMNS, ...FUND_FLOW_COLUMNS };
export const SUMMARY_NAMES: Readonly<Record<string, string>> = { ...TRADE_SUMMARY_COLUMNS, ...FUND_FLOW_SUMMARY_COLUMNS };
