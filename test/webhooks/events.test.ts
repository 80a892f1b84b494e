// Every notification type the documentation describes: a sample resource shaped by its table is
// encrypted and signed as WeChat Pay would, parsed back, and must come out identical.
// (test/types/webhooks.ts checks the same events against their generated types at compile time.)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelField } from '../../src/mock/model.js';
import { buildNotification } from '../../src/mock/notify.js';
import { sampleBody } from '../../src/mock/sample.js';
import { Webhooks } from '../../src/webhooks/index.js';
import { makeIdentities } from '../helpers/keys.js';

const { platform } = makeIdentities();
const apiv3Key = randomBytes(16).toString('hex');
const webhooks = new Webhooks({ keys: new Map([[platform.serial, { id: platform.serial, key: platform.publicKey }]]), apiv3Key });
interface ModelWebhook {
  events: string[];
  protocol: 'v2' | 'v3';
  source: string;
  resource?: ModelField[];
}
const model = JSON.parse(readFileSync(join(__dirname, '../../src/generated/model.json'), 'utf8')) as { webhooks: ModelWebhook[] };
const v3 = model.webhooks.filter((w) => w.protocol === 'v3');
const events = v3.flatMap((w) => w.events.map((event) => [event, w] as const));

test('the model documents the APIv3 notification types', () => {
  expect(v3.length).toBeGreaterThanOrEqual(90);
  expect(new Set(events.map(([e]) => e)).size).toBeGreaterThanOrEqual(90);
});

test.each(events.map(([event, hook]) => [event, hook.source, hook] as const))('%s (%s) round-trips through parse', async (event, _source, hook) => {
  const resource = sampleBody(hook.resource ?? []);
  const notification = await webhooks.parse(buildNotification({ eventType: event, resource, apiv3Key, signer: { id: platform.serial, privateKey: platform.privateKey } }));
  expect(notification.event_type).toBe(event);
  expect(notification.resource).toEqual(resource);
  // Every required documented field is present in what the merchant receives.
  for (const field of hook.resource ?? []) {
    if (field.required) expect(Object.keys(notification.resource as object)).toContain(field.name);
  }
});
