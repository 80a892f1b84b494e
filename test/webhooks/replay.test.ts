// L1 (issue #15): a replayed notification is refused for as long as its timestamp is accepted,
// the boundary second included. The clock is injected (Date.now), never raced.
import { randomBytes } from 'node:crypto';
import { buildNotification } from '../../src/mock/notify.js';
import { Webhooks } from '../../src/webhooks/index.js';
import { makeIdentities } from '../helpers/keys.js';

const { platform } = makeIdentities();
const apiv3Key = randomBytes(16).toString('hex');

afterEach(() => jest.restoreAllMocks());

test('a replay at exactly timestamp + 300 s is refused; one second later the timestamp itself is', async () => {
  const webhooks = new Webhooks({ keys: new Map([[platform.serial, { id: platform.serial, key: platform.publicKey }]]), apiv3Key });
  const timestamp = 1_900_000_000;
  const clock = jest.spyOn(Date, 'now').mockReturnValue(timestamp * 1000);
  const notification = buildNotification({ eventType: 'TRANSACTION.SUCCESS', resource: { out_trade_no: 'T1' }, apiv3Key, signer: { id: platform.serial, privateKey: platform.privateKey }, timestamp });
  await webhooks.parse(notification);
  clock.mockReturnValue((timestamp + 300) * 1000);
  await expect(webhooks.parse(notification)).rejects.toThrow(expect.objectContaining({ code: 'REPLAYED_NONCE' }));
  clock.mockReturnValue((timestamp + 301) * 1000);
  await expect(webhooks.parse(notification)).rejects.toThrow(expect.objectContaining({ code: 'TIMESTAMP_SKEW' }));
});

test("a notification's VerificationError carries its Request-ID", async () => {
  const webhooks = new Webhooks({ keys: new Map([[platform.serial, { id: platform.serial, key: platform.publicKey }]]), apiv3Key });
  const notification = buildNotification({ eventType: 'TRANSACTION.SUCCESS', resource: { out_trade_no: 'T1' }, apiv3Key, signer: { id: platform.serial, privateKey: platform.privateKey } });
  const tampered = { headers: { ...notification.headers, 'Request-ID': 'req-42' }, body: `${notification.body} ` };
  await expect(webhooks.parse(tampered)).rejects.toMatchObject({ code: 'BAD_SIGNATURE', requestId: 'req-42' });
});
