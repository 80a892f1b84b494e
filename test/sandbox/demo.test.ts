// `npm start` walks one payment through the sandbox; every step it prints happened.
import { walkthrough } from '../../src/demo/walk.js';

test('create → pay → notification → query SUCCESS → refund → refund notification → bill, printed with the console URL', async () => {
  const lines: string[] = [];
  const { mock, close } = await walkthrough((line) => lines.push(line));
  try {
    const text = lines.join('\n');
    expect(text).toContain(`console: ${mock.url}`);
    expect(text).toMatch(/1\. create .* 200 verified=true prepay_id=wx\d+/);
    expect(text).toMatch(/notification received: TRANSACTION\.SUCCESS DEMO\d+ SUCCESS/);
    expect(text).toMatch(/3\. query .* 200 verified=true trade_state=SUCCESS transaction_id=4200\d+/);
    expect(text).toMatch(/4\. refund .* status=PROCESSING/);
    expect(text).toMatch(/notification received: REFUND\.SUCCESS DEMO\d+ SUCCESS/);
    expect(text).toMatch(/1 order\(s\) paid, 1 refund\(s\)/);
    expect(text).toMatch(/the sandbox clock moves to \d{4}-\d\d-\d\dT10:30:00\+08:00/);
    expect(text).toMatch(/download, digest checked\s+2 line\(s\)/);
    expect(text).toMatch(/DEMO\d+ SUCCESS 1\.00\n.*DEMO\d+ REFUND -1\.00/);
    expect(text).toContain('TRANSACTION.SUCCESS delivered after 1 attempt(s); REFUND.SUCCESS delivered after 1 attempt(s)');
    expect(mock.sandbox.orders()[0]).toMatchObject({ trade_state: 'REFUND', refunded: 100 });
  } finally {
    await close();
  }
});
