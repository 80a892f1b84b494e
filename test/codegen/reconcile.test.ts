// The model repairs after parsing: scenario merges, answer reconciliation, overrides.
import type { Field, Model } from '../../codegen/model';
import { mergeScenarios, mergeWithAnswers } from '../../codegen/reconcile';
import { applyOverrides, type Override } from '../../codegen/overrides';

const names = (fs: Field[]) => fs.map((f) => `${f.name}${f.required ? '' : '?'}`);

test('scenario alternatives merge into one object: required only when every scenario requires it', () => {
  const a: Field[] = [{ name: 'id', type: 'string', required: true }, { name: 'reason', type: 'string', required: true }];
  const b: Field[] = [{ name: 'id', type: 'string', required: true }, { name: 'reason', type: 'string' }, { name: 'sub', type: 'string', required: true }];
  expect(names(mergeScenarios([a, b]))).toEqual(['id', 'reason?', 'sub?']);
});

test('a notification merged with answers: table-only fields optional, nested answer-only fields as the answers say', () => {
  const table: Field[] = [
    { name: 'transaction_id', type: 'string', required: true },
    { name: 'receiver', type: 'object', required: true, children: [{ name: 'type', type: 'string', required: true }] },
    { name: 'amount', type: 'object', required: true, children: [{ name: 'currency', type: 'string' }] },
    { name: 'trade_state', type: 'string', required: true, enum: ['SUCCESS', 'ACCEPT'] },
  ];
  const direct: Field[] = [
    { name: 'transaction_id', type: 'string' },
    { name: 'notify_url', type: 'string', required: true },
    { name: 'amount', type: 'object', required: true, children: [{ name: 'total', type: 'integer', required: true }] },
    { name: 'trade_state', type: 'string', enum: ['SUCCESS', 'REFUND'] },
  ];
  const merged = mergeWithAnswers(table, [direct, direct]);
  expect(names(merged)).toEqual(['transaction_id', 'receiver?', 'amount', 'trade_state', 'notify_url?']);
  expect(names(merged.find((f) => f.name === 'receiver')!.children!)).toEqual(['type']);
  expect(names(merged.find((f) => f.name === 'amount')!.children!)).toEqual(['currency?', 'total']);
  expect(merged.find((f) => f.name === 'trade_state')!.enum).toEqual(['SUCCESS', 'REFUND', 'ACCEPT']);
});

function model(): Model {
  return {
    version: 1,
    endpoints: [],
    redirects: [],
    webhooks: [
      {
        events: ['X.Y'], protocol: 'v3', title: 't', source: 'webhook/v3/X.Y.md', kind: 'json', reply: [],
        request: [{ name: 'body', type: 'object' }, { name: 'stray', type: 'string' }],
        resource: [{ name: 'box', type: 'object' }, { name: 'inner', type: 'string', required: true }],
      },
    ],
  };
}

test('overrides move and change fields, and are reported one diagnostic each', () => {
  const m = model();
  const o: Override = { source: 'webhook/v3/X.Y.md', contradiction: 'c', edits: [{ move: 'resource/inner', to: 'resource/box' }, { move: 'envelope/stray', to: 'resource' }, { set: 'resource/box/inner', required: false }] };
  const d = applyOverrides(m, [o]);
  expect(d).toEqual([{ file: 'webhook/v3/X.Y.md', line: 1, reason: 'override', severity: 'repaired', detail: '3 edit(s): c' }]);
  // a changed field keeps what the table said (the mock reports calls only the override allows)
  expect(m.webhooks[0]!.resource).toEqual([{ name: 'box', type: 'object', children: [{ name: 'inner', type: 'string', override: { page: 'webhook/v3/X.Y.md', required: true } }] }, { name: 'stray', type: 'string' }]);
  expect(m.webhooks[0]!.request).toEqual([{ name: 'body', type: 'object' }]);
});

test('an override that no longer matches its page fails the generator, naming the entry', () => {
  expect(() => applyOverrides(model(), [{ source: 'webhook/v3/X.Y.md', contradiction: 'c', edits: [{ move: 'resource/gone', to: 'resource' }] }])).toThrow(/X\.Y\.md no longer applies \(no field "resource\/gone"\)/);
  expect(() => applyOverrides(model(), [{ source: 'webhook/v3/Z.md', contradiction: 'c', edits: [] }])).toThrow(/not in the corpus/);
});
