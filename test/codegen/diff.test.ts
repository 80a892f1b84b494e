// The API-surface diff between two snapshots, on two small ones this test writes itself (in the
// documentation's markdown format, our own text): a field added, one made required, one removed,
// one renamed, an enum widened and one narrowed, an endpoint added and one removed, a notification
// added; each change classified for a TypeScript caller. Then the CLI end to end, and, when both
// real snapshots are beside the repository, the committed d5c259c → 35a35c5 report is up to date.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { breakingChanges, diffModels, modelOf, releaseFor, renderDiff, type Change, type SurfaceDiff } from '../../codegen/diff';
import { bothSnapshotsNeed, CORPUS as docs, previousCorpusPath } from '../helpers/corpus';
import { describeWith } from '../helpers/needs';

const repo = resolve(__dirname, '../..');

const REQ = '| 请求参数 | 类型 {.type} | 描述 {.desc}\n| --- | --- | ---\n';
const RES = '| 返回字典 | 类型 {.type} | 描述 {.desc}\n| --- | --- | ---\n';

/** One endpoint page: a method section, its request table, a sample, its response table. */
function page(title: string, method: string, request: string, response: string): string {
  return `---\ntitle: ${title}\ndescription: fixture\n---\n\n# {{ $frontmatter.title }} {#${method}}\n\n${REQ}${request}\n{.im-table #request}\n\n::: code-group\n\n\`\`\`php [sync]\n$instance->x();\n\`\`\`\n\n:::\n\n${RES}${response}\n{.im-table #response}\n`;
}

/** One notification page: envelope, encrypted resource, its decrypted structure. */
function notification(event: string, resource: string): string {
  const request =
    '| headers {data-required} | object | 头\n| body {data-required} | object | 体\n' +
    `| event_type {data-required data-indent=1} | string | 类型<br/>\`${event}\` 枚举值\n` +
    '| resource {data-required data-indent=1} | object | 资源\n' +
    '| ciphertext {data-required data-indent=2} | string {data-encrypted=by-aes-gcm} | 密文\n| {colspan=3 .im-table-line}\n' +
    resource;
  return page(`${event} 通知`, 'post', request, '| status | number | 状态\n');
}

const ORDER_OLD = page(
  '下单',
  'post',
  '| json {data-required} | object | 数据\n' +
    '| out_no {data-required data-indent=1} | string | 商户单号\n' +
    '| amount {data-indent=1} | integer | 金额\n' +
    '| note {data-indent=1} | string | 备注\n' +
    '| scene {data-indent=1} | string | 场景<br/>`APP` \\| `WEB` 枚举值之一\n' +
    '| channel {data-indent=1} | string | 渠道<br/>`BANK` \\| `WALLET` \\| `CARD` 枚举值之一\n',
  '| order_id {data-required} | string | 订单号\n| state {data-required} | string | 状态<br/>`OPEN` \\| `PAID` 枚举值之一\n',
);
const ORDER_NEW = page(
  '下单',
  'post',
  '| json {data-required} | object | 数据\n' +
    '| out_no {data-required data-indent=1} | string | 商户单号\n' +
    '| amount {data-required data-indent=1} | integer | 金额\n' +
    '| scene {data-indent=1} | string | 场景<br/>`APP` \\| `WEB` \\| `MINI` 枚举值之一\n' +
    '| channel {data-indent=1} | string | 渠道<br/>`BANK` \\| `WALLET` 枚举值之一\n' +
    '| coupon {data-indent=1} | string | 优惠券\n',
  '| order_no {data-required} | string | 订单号\n| state {data-required} | string | 状态<br/>`OPEN` \\| `PAID` \\| `CLOSED` 枚举值之一\n| paid_time | string | 支付时间\n',
);
const QUERY = page('查单', 'get', '| order_id {data-required} | string | 订单号\n', '| state {data-required} | string | 状态\n');
const REFUND = page('退款', 'post', '| json {data-required} | object | 数据\n| order_no {data-required data-indent=1} | string | 订单号\n', '| refund_id {data-required} | string | 退款号\n');

function write(root: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(join(root, 'openapi'), { recursive: true });
  mkdirSync(join(root, 'webhook'), { recursive: true });
  return root;
}

let dir: string;
let oldDocs: string;
let newDocs: string;
let d: SurfaceDiff;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxpay-diff-'));
  oldDocs = write(join(dir, 'docs-aaaaaaa'), {
    'openapi/v3/shop/orders.md': ORDER_OLD,
    'openapi/v3/shop/orders/{order_id}.md': QUERY,
    'webhook/v3/SHOP.PAID.md': notification('SHOP.PAID', '| order_id {data-required data-indent=3} | string | 订单号\n'),
  });
  newDocs = write(join(dir, 'docs-bbbbbbb'), {
    'openapi/v3/shop/orders.md': ORDER_NEW,
    'openapi/v3/shop/refunds.md': REFUND,
    'webhook/v3/SHOP.PAID.md': notification('SHOP.PAID', '| order_id {data-required data-indent=3} | string | 订单号\n| paid_time {data-indent=3} | string | 支付时间\n'),
    'webhook/v3/SHOP.REFUNDED.md': notification('SHOP.REFUNDED', '| refund_id {data-required data-indent=3} | string | 退款号\n'),
  });
  d = diffModels(modelOf(oldDocs), modelOf(newDocs));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const changesOf = (key: string) => d.changedOperations.find((o) => o.key === key)?.changes ?? [];
const brief = (cs: Change[]) => cs.map((c) => [c.where, c.kind, c.path, c.breaking]);

test('endpoints and notifications added and removed', () => {
  expect(d.endpointsAdded.map((r) => r.key)).toEqual(['POST v3/shop/refunds']);
  expect(d.endpointsRemoved.map((r) => r.key)).toEqual(['GET v3/shop/orders/{order_id}']);
  expect(d.notificationsAdded.map((r) => [r.key, r.sources])).toEqual([['SHOP.REFUNDED', ['webhook/v3/SHOP.REFUNDED.md']]]);
  expect(d.notificationsRemoved).toEqual([]);
  expect(d.counts).toEqual({ old: { endpoints: 2, operations: 2, notifications: 1 }, new: { endpoints: 2, operations: 2, notifications: 2 } });
});

test('per field: added, made required, removed, renamed, enums widened and narrowed, each classified for a TypeScript caller', () => {
  const changes = changesOf('POST v3/shop/orders');
  expect(brief(changes)).toEqual([
    ['request', 'required', 'json.amount', true], // a call without it no longer compiles
    ['request', 'enum-removed', 'json.channel', true], // a narrowed request enum breaks
    ['request', 'added', 'json.coupon', false], // optional request field: existing calls compile
    ['request', 'removed', 'json.note', true],
    ['request', 'enum-added', 'json.scene', false], // widened
    ['response', 'renamed', 'order_id', true], // best guess: same type and label
    ['response', 'added', 'paid_time', false], // an answer field added never breaks
    ['response', 'enum-added', 'state', false],
  ]);
  expect(changes.find((c) => c.kind === 'renamed')).toMatchObject({ to: 'order_no' });
  expect(changes.find((c) => c.kind === 'enum-removed')).toMatchObject({ values: ['CARD'] });
  expect(changes.find((c) => c.path === 'json.scene')).toMatchObject({ values: ['MINI'] });
  expect(changesOf('POST v3/shop/refunds')).toEqual([]);
  expect(d.changedNotifications.map((n) => [n.key, brief(n.changes)])).toEqual([['SHOP.PAID', [['resource', 'added', 'paid_time', false]]]]);
});

test('the breaking list names every breaking change, and the release is major', () => {
  const lines = breakingChanges(d).map((b) => b.line);
  expect(lines).toEqual([
    '`GET v3/shop/orders/{order_id}` removed: calls to it no longer compile',
    '`POST v3/shop/orders` request `json.amount` now required',
    '`POST v3/shop/orders` request `json.channel` enum values removed: `CARD`',
    '`POST v3/shop/orders` request `json.note` removed (was string)',
    '`POST v3/shop/orders` response `order_id` renamed to `order_no` (best guess)',
  ]);
  expect(releaseFor(d)).toBe('major');
});

test('additions alone are a minor release, no change is none, a request-side answer change is classified by direction', () => {
  const oldModel = modelOf(oldDocs);
  const added = { ...oldModel, endpoints: [...oldModel.endpoints, ...modelOf(newDocs).endpoints.filter((e) => e.template === 'v3/shop/refunds')] };
  expect(releaseFor(diffModels(oldModel, added))).toBe('minor');
  expect(releaseFor(diffModels(oldModel, oldModel))).toBe('none');
  // the same edits on what the caller receives: removing a field or making it optional breaks, requiring it does not
  const flip = diffModels(modelOf(newDocs), modelOf(oldDocs));
  const back = flip.changedOperations.find((o) => o.key === 'POST v3/shop/orders')!.changes;
  expect(back.find((c) => c.where === 'response' && c.path === 'paid_time')).toMatchObject({ kind: 'removed', breaking: true });
  expect(back.find((c) => c.where === 'response' && c.path === 'state')).toMatchObject({ kind: 'enum-removed', breaking: false }); // open enums
  expect(back.find((c) => c.where === 'request' && c.path === 'json.amount')).toMatchObject({ kind: 'optional', breaking: false });
  expect(back.find((c) => c.where === 'request' && c.path === 'json.coupon')).toMatchObject({ kind: 'removed', breaking: true });
});

test('the report is markdown naming every change, and deterministic', () => {
  const text = renderDiff(d, { old: 'aaaaaaa', new: 'bbbbbbb' });
  expect(text).toBe(renderDiff(diffModels(modelOf(oldDocs), modelOf(newDocs)), { old: 'aaaaaaa', new: 'bbbbbbb' }));
  expect(text.startsWith('# API surface changes: aaaaaaa → bbbbbbb\n')).toBe(true);
  expect(text).toContain('## Breaking changes (5)');
  expect(text).toContain('Release: **major**');
  expect(text).toContain('- `POST v3/shop/refunds` — 退款');
  expect(text).toContain('- `GET v3/shop/orders/{order_id}` — 查单');
  expect(text).toContain('- `SHOP.REFUNDED` — SHOP.REFUNDED 通知 (`webhook/v3/SHOP.REFUNDED.md`)');
  expect(text).toContain('| request | `json.channel` | enum values removed: `CARD` | **yes** |');
  expect(text).toContain('| response | `order_id` | renamed to `order_no` (best guess) | **yes** |');
  expect(text).toContain('| response | `paid_time` | added (string, optional) | no |');
  for (const b of breakingChanges(d)) expect(text).toContain(b.line);
});

test('npm run codegen -- --diff writes the report (labels from the folder names), and refuses a missing folder', () => {
  const out = join(dir, 'out', 'changes.md');
  const tsx = join(repo, 'node_modules/.bin/tsx');
  const r = spawnSync(tsx, ['codegen/cli.ts', '--diff', oldDocs, newDocs, '--out', out], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('aaaaaaa → bbbbbbb: 1 operations on new endpoints, 1 removed, 1 notification types added, 1 operations changed, 5 breaking changes; release major');
  expect(readFileSync(out, 'utf8')).toBe(renderDiff(d, { old: 'aaaaaaa', new: 'bbbbbbb' }));
  const missing = spawnSync(tsx, ['codegen/cli.ts', '--diff', oldDocs, join(dir, 'nowhere')], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain('documentation folder not found');
  const usage = spawnSync(tsx, ['codegen/cli.ts', '--diff', oldDocs], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('--diff <old docs> <new docs>');
}, 120_000);

// The committed changelog between the two snapshots the corpus holds: the previous one sits beside
// the pinned one (../shared/corpus/wechatpay-docs, or WXPAY_CORPUS_PREVIOUS).
const previous = previousCorpusPath();
describeWith(bothSnapshotsNeed(previous, docs), 'the committed changelog d5c259c → 35a35c5', () => {
  test('docs/api-changes/d5c259c-35a35c5.md is what the diff of the two snapshots writes, and names every added endpoint and breaking change', () => {
    const diff = diffModels(modelOf(previous), modelOf(docs));
    const committed = readFileSync(join(repo, 'docs/api-changes/d5c259c-35a35c5.md'), 'utf8');
    expect(committed).toBe(renderDiff(diff, { old: 'd5c259c', new: '35a35c5' }));
    for (const r of diff.endpointsAdded) expect(committed).toContain(`\`${r.key}\``);
    for (const b of breakingChanges(diff)) expect(committed).toContain(b.line);
    expect(diff.endpointsAdded.length).toBeGreaterThanOrEqual(80);
    expect(diff.notificationsAdded.map((n) => n.key)).toEqual(expect.arrayContaining(['SECURITY_ECHO.SUCCESS', 'PARKING_FEE.QUERY_TRANS_INFO', 'CREDIT_REPAYMENT.DEDUCTION_PAY']));
  }, 60_000);
});
