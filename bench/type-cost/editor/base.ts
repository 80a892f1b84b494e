const shop = { order: (orderNo: string, cents: number) => `${orderNo}:${cents}`, refund: (orderNo: string) => orderNo };
export const order = shop.order('T1', 1);
shop.
