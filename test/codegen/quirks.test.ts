// One small, hand-written fixture per known quirk of the documentation (none copied from it).
import { parseFile } from '../../codegen/parse';
import { extractEnum } from '../../codegen/tree';
import type { Field, Shape } from '../../codegen/model';
import { emit, normaliseProperty, spellings } from '../../codegen/emit';
import { buildModel, sharedEvents } from '../../codegen/corpus';
import { webhookOf } from '../../src/model';
import ts from 'typescript';

const HEAD = '| 请求参数 | 类型 {.type} | 描述 {.desc}\n| --- | --- | ---\n';
const RHEAD = '| 返回字典 | 类型 {.type} | 描述 {.desc}\n| --- | --- | ---\n';

function doc(request: string, response = '| ok {data-required} | string | fine\n', method = 'post'): string {
  return `---\ntitle: Fixture\ndescription: d\n---\n\n# {{ $frontmatter.title }} {#${method}}\n\n${HEAD}${request}\n{.im-table #request}\n\n::: code-group\n\n\`\`\`php [x]\n$x;\n\`\`\`\n\n:::\n\n${RHEAD}${response}\n{.im-table #response}\n\n参阅 [官方文档](https://example.com/doc/1)\n`;
}

function parse(text: string, file = 'openapi/v3/fixture/{item_id}/do.md') {
  const r = parseFile(file, text);
  // accounting: every body row is a field, structural, or skipped
  expect(r.fieldRows + r.structuralRows + r.skippedRows).toBe(r.rows);
  return r;
}
const reasons = (r: ReturnType<typeof parse>) => r.diagnostics.map((d) => d.reason);
const op = (r: ReturnType<typeof parse>) => r.endpoint!.operations[0]!;
const find = (fs: Field[] | undefined, name: string) => fs?.find((f) => f.name === name);

describe('quirks', () => {
  it('reads the basic shape: path parameter, json tree, required, enum, label, link', () => {
    const r = parse(doc('| item_id {data-required} | string | 编号\n| json {data-required} | object | 数据\n| kind {data-required data-indent=1} | string | 类型<br/>`A` \\| `B` 枚举值之一\n| n {data-indent=1} | integer | 数量\n'));
    expect(reasons(r)).toEqual([]);
    const o = op(r);
    expect(r.endpoint!.template).toBe('v3/fixture/{item_id}/do');
    expect(o).toMatchObject({ method: 'post', title: 'Fixture', links: ['https://example.com/doc/1'], request: { kind: 'json' }, response: { kind: 'json' } });
    expect(find(o.request.fields, 'item_id')).toMatchObject({ in: 'path', type: 'string', required: true });
    const json = find(o.request.fields, 'json')!;
    expect(find(json.children, 'kind')).toEqual({ name: 'kind', type: 'string', required: true, enum: ['A', 'B'], label: '类型' });
    expect(find(json.children, 'n')).toEqual({ name: 'n', type: 'integer', label: '数量' });
  });

  it('two-cell rows (missing description)', () => {
    const r = parse(doc('| item_id {data-required} | string\n| json | object |\n| a {data-indent=1} | string\n'));
    expect(reasons(r).filter((x) => x === 'two-cell-row')).toHaveLength(3);
    expect(find(find(op(r).request.fields, 'json')!.children, 'a')).toEqual({ name: 'a', type: 'string' });
  });

  it('an unescaped | inside an enum list', () => {
    const r = parse(doc('| item_id | string | x\n| json | object | x\n| s {data-indent=1} | string | 状态<br/>`ON` | `OFF` | `IDLE` 枚举值之一\n'));
    expect(reasons(r)).toContain('unescaped-pipe');
    expect(find(find(op(r).request.fields, 'json')!.children, 's')!.enum).toEqual(['ON', 'OFF', 'IDLE']);
  });

  it('an indent jump', () => {
    const r = parse(doc('| item_id | string | x\n| json | object | x\n| deep {data-indent=3} | string | x\n| next {data-indent=3} | string | x\n| top {data-indent=1} | string | x\n'));
    expect(reasons(r)).toContain('indent-jump');
    const json = find(op(r).request.fields, 'json')!;
    expect(json.children!.map((f) => f.name)).toEqual(['deep', 'next', 'top']);
  });

  it('same-name siblings separated by a line are alternatives (a union)', () => {
    const r = parse(doc('| item_id | string | x\n| json | object | x\n| scene {data-required data-indent=1} | object | A\n| a {data-indent=2} | string | x\n| {colspan=3 .im-table-line}\n| scene {data-indent=1} | object | B\n| b {data-required data-indent=2} | integer | x\n'));
    const scene = find(find(op(r).request.fields, 'json')!.children, 'scene')!;
    expect(scene.oneOf).toHaveLength(2);
    expect(scene.required).toBeUndefined();
    expect(scene.oneOf![1]!.children).toEqual([{ name: 'b', type: 'integer', required: true, label: 'x' }]);
  });

  it('the same line opens the inner structure of an encoded string, and separates its alternatives', () => {
    const r = parse(doc('| xml | object | x\n| info {data-indent=1} | string {data-encoded=by-json_encode} | 编码\n| {colspan=3 .im-table-line}\n| info {data-indent=2} | object | P\n| p {data-indent=3} | string | x\n| {colspan=3 .im-table-line}\n| info {data-indent=2} | object | Q\n| q {data-indent=3} | string | x\n| after {data-indent=1} | string | x\n'), 'openapi/v2/fixture/do.md');
    const xml = find(op(r).request.fields, 'xml')!;
    const info = find(xml.children, 'info')!;
    expect(info).toMatchObject({ type: 'string', encoded: 'by-json_encode' });
    expect(info.children).toHaveLength(1);
    expect(info.children![0]!.oneOf!.map((s: Shape) => s.children![0]!.name)).toEqual(['p', 'q']);
    expect(xml.children!.map((f) => f.name)).toEqual(['info', 'after']);
    expect(op(r).request.kind).toBe('xml');
    expect(op(r).response.kind).toBe('xml');
  });

  it('an encrypted string whose structure opens after a sibling row, at the same indent', () => {
    const r = parse(doc('| headers | object | x\n| body | object | x\n| resource {data-indent=1} | object | x\n| ciphertext {data-indent=2} | string {data-encrypted=by-aes-gcm} | x\n| original_type {data-indent=2} | string | x\n| {colspan=3 .im-table-line}\n| plain {data-indent=2} | string | x\n'), 'webhook/v3/FIXTURE.EVENT.md');
    expect(reasons(r)).toContain('inner-structure-after-sibling');
    expect(r.webhook!.resource).toEqual([{ name: 'plain', type: 'string', label: 'x' }]);
    expect(r.webhook!.events).toEqual(['FIXTURE.EVENT']);
  });

  it('a notification documenting several event types maps each', () => {
    const r = parse(doc('| headers | object | x\n| body | object | x\n| event_type {data-indent=1} | string | 类型<br/>`A.ONE` \\| `A.TWO` 枚举值之一\n'), 'webhook/v3/A.ONE.md');
    expect(r.webhook!.events).toEqual(['A.ONE', 'A.TWO']);
    const { model } = buildModel([r]);
    const hooks = emit(model, { format: false }).files.get('webhooks.ts')!;
    expect(hooks).toContain("'A.ONE': Record<string, unknown>;");
    expect(hooks).toContain("'A.TWO': Record<string, unknown>;");
  });

  it('data-required in the type cell, and data-encoded-by=json_encode', () => {
    const r = parse(doc('| item_id | string | x\n| query | object {data-required } | x\n| meta {data-indent=1} | string {data-encoded-by=json_encode} | x\n'));
    expect(reasons(r)).toEqual(expect.arrayContaining(['required-in-type-cell', 'encoded-by-attribute']));
    const query = find(op(r).request.fields, 'query')!;
    expect(query.required).toBe(true);
    expect(find(query.children, 'meta')!.encoded).toBe('by-json_encode');
  });

  it('a path parameter missing from the table, and one misspelled in it', () => {
    const missing = parse(doc('| json | object | x\n'), 'openapi/v3/a/{first_id}/b/{second_id}.md');
    expect(reasons(missing).filter((x) => x === 'path-param-missing')).toHaveLength(2);
    expect(op(missing).request.fields.filter((f) => f.in === 'path').map((f) => f.name).sort()).toEqual(['first_id', 'second_id']);
    const typo = parse(doc('| usr_id {data-required} | string | x\n'), 'openapi/v3/users/{user_id}.md');
    expect(reasons(typo)).toContain('path-param-misspelled');
    expect(find(op(typo).request.fields, 'user_id')).toMatchObject({ in: 'path', docName: 'usr_id', required: true });
  });

  it('redirect stubs with no body', () => {
    const r = parse('---\ntitle: Moved to /openapi/v3/new/{a_id}\nhead:\n  - - meta\n    - http-equiv: refresh\n      content: 0;url=/openapi/v3/new/%7Ba_id%7D\n---\n', 'openapi/v3/old/{a_id}.md');
    expect(r.kind).toBe('redirect');
    expect(r.redirect).toEqual({ from: 'v3/old/{a_id}', to: 'v3/new/{a_id}', source: 'openapi/v3/old/{a_id}.md' });
  });

  it('header-only tables', () => {
    const r = parse(doc('', ''));
    expect(op(r).request.fields.map((f) => f.name)).toEqual(['item_id']);
    expect(op(r).response).toEqual({ kind: 'json', fields: [] });
  });

  it('an unterminated ::: code-group does not swallow the response table', () => {
    const text = doc('| item_id | string | x\n').replace('```\n\n:::\n', '```\n\n');
    const r = parse(text);
    expect(reasons(r)).toContain('unterminated-code-group');
    expect(op(r).response.fields.map((f) => f.name)).toEqual(['ok']);
  });

  it('enum lists written several ways', () => {
    expect(extractEnum('状态<br/>`A` \\| `B` 枚举值之一'.replace('<br/>', '\n'))?.values).toEqual(['A', 'B']);
    expect(extractEnum('类型\n`ONLY` 枚举值')?.values).toEqual(['ONLY']);
    expect(extractEnum('签名类型\n固定枚举值`HMAC-SHA256`')?.values).toEqual(['HMAC-SHA256']);
    expect(extractEnum('枚举值：\n`X`：说明\n`Y`：说明')?.values).toEqual(['X', 'Y']);
    expect(extractEnum('枚举值：\nX：说明\nY：说明')?.values).toEqual(['X', 'Y']);
    expect(extractEnum('状态：\n`S`：成功\n`F`：失败')?.values).toEqual(['S', 'F']);
    expect(extractEnum('`20X` `4XX` 枚举值之一')?.values).toEqual(['20X', '4XX']);
    expect(extractEnum('时间：\n1、说明')).toBeNull();
    expect(extractEnum('普通描述，默认为`CNY`')).toBeNull();
    const r = parse(doc('| item_id | string | x\n| query | object | x\n| n {data-indent=1} | integer | 数量<br/>`1` \\| `2` 枚举值之一\n| t {data-indent=1} | number | 码<br/>`2X` \\| `5X` 枚举值之一\n', '', 'get'));
    const query = find(op(r).request.fields, 'query')!;
    expect(find(query.children, 'n')!.enum).toEqual([1, 2]);
    expect(find(query.children, 't')!.enum).toBeUndefined();
    expect(reasons(r)).toContain('enum-type-mismatch');
    expect(op(r).request.kind).toBe('query');
  });

  it('names with spaces, -, $n become quoted keys that compile', () => {
    const r = parse(doc('| item_id | string | x\n| headers | object | x\n| Wechatpay-Serial {data-indent=1} | string | x\n| json | object | x\n| a b {data-indent=1} | string | x\n| $1 {data-indent=1} | string | x\n| it\'s {data-indent=1} | string | x\n'));
    const names = find(op(r).request.fields, 'json')!.children!.map((f) => f.name);
    expect(names).toEqual(['a b', '$1', "it's"]);
    const { model } = buildModel([r]);
    const paths = emit(model, { format: false }).files.get('paths.ts')!;
    const sf = ts.createSourceFile('p.ts', paths, ts.ScriptTarget.ES2022, true);
    expect((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
    expect(paths).toContain("'a b'?: string;");
    expect(paths).toContain("'Wechatpay-Serial'?: string;");
  });

  it('a row without data-indent among nested rows, and an indent typo under a scalar', () => {
    const r = parse(doc('| item_id | string | x\n| json | object | x\n| a {data-indent=1} | object | x\n| b {data-indent=2} | string | x\n| c | object | x\n| d {data-indent=3} | string | x\n| e {data-indent=3} | string | x\n| f {data-indent=4} | string | x\n'));
    expect(reasons(r)).toEqual(expect.arrayContaining(['missing-indent', 'indent-under-scalar']));
    const a = find(find(op(r).request.fields, 'json')!.children, 'a')!;
    expect(a.children!.map((f) => f.name)).toEqual(['b', 'c']);
    expect(find(a.children, 'c')!.children!.map((f) => f.name)).toEqual(['d', 'e', 'f']);
  });

  it('several methods in one file ({#mix}), markers, no-content and file-stream responses', () => {
    const get = doc('| item_id | string | x\n', '| 文件流(保存后查看) {align=center colspan=3}\n', 'get').split('\n---\n')[1]!.replace('# {{ $frontmatter.title }} {#get}', '## 下载 {#get}');
    const del = doc('| item_id | string | x\n', '| 空字符串(无返回内容) {align=center colspan=3}\n', 'delete').split('\n---\n')[1]!.replace('# {{ $frontmatter.title }} {#delete}', '## 删除 {#delete}\n\n::: danger :no_entry_sign: {.im-deprecated}\n\ngone\n\n:::\n');
    const r = parse(`---\ntitle: Mix\n---\n\n# 混合 {#mix}\n${get}\n${del}`);
    const ops = r.endpoint!.operations;
    expect(ops.map((o) => [o.method, o.title, o.response.kind, Boolean(o.deprecated)])).toEqual([
      ['get', '下载', 'file-stream', false],
      ['delete', '删除', 'no-content', true],
    ]);
  });

  it('an upload whose table has no body: file + meta inferred from the samples (multipart)', () => {
    const sample = "$media = new \\WeChatPay\\Util\\MediaUtil('file:///a.jpg');\n$instance->v3->x->postAsync([\n  'body' => $media->getStream(),\n]);";
    const text = doc('| headers | object | 头\n| Content-Type {data-indent=1} | string | 类型\n').replace('$x;', sample);
    const r = parse(text, 'openapi/v3/fixture/images/upload.md');
    expect(reasons(r)).toEqual(['multipart-inferred']);
    const o = op(r);
    expect(o.request.kind).toBe('multipart');
    const body = find(o.request.fields, 'body')!;
    expect(body.children!.map((f) => f.name)).toEqual(['file', 'meta']);
    expect(find(find(body.children, 'meta')!.children, 'filename')).toMatchObject({ required: true });
    // a json call whose sample sends a stream is not an upload
    const json = parse(doc('| json | object | 数据\n| a {data-indent=1} | string | x\n').replace('$x;', sample), 'openapi/v3/fixture/other.md');
    expect(reasons(json)).toEqual([]);
    // the emitted type takes bytes and a meta object
    const emitted = emit(buildModel([r]).model).files.get('paths.ts')!;
    expect(emitted).toMatch(/file: Uint8Array;/);
    expect(emitted).toMatch(/meta: V3FixtureImagesUploadPostBodyMeta \| string;/);
  });

  it('notices of the newer snapshot (important, need-tbt, special) are markers; an unknown notice class is kept and reported', () => {
    const notice = (cls: string) => `::: warning :pushpin: {.${cls}}\n\nnote\n\n:::\n\n`;
    const text = (cls: string) => doc('| item_id | string | x\n').replace('| 请求参数', `${notice(cls)}| 请求参数`);
    for (const [cls, marker] of [['im-important', 'important'], ['im-need-tbt', 'need-tbt'], ['im-special', 'special']]) {
      const r = parse(text(cls!));
      expect(reasons(r)).toEqual([]);
      expect(op(r).markers).toEqual([marker]);
    }
    const r = parse(text('im-brand-new'));
    expect(op(r).markers).toEqual(['brand-new']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ reason: 'unknown-marker', severity: 'info', line: 8, detail: expect.stringContaining('im-brand-new') })]);
    // the site's layout classes are not notices
    expect(reasons(parse(text('im-table')))).toEqual([]);
    // a notice before the request table of a notification is kept on the notification
    const w = parse(doc('| headers | object | x\n| body | object | x\n', '| status | number | x\n').replace('| 返回字典', `${notice('im-special')}| 返回字典`), 'webhook/v3/B.ONE.md');
    expect(w.webhook!.markers).toEqual(['special']);
  });

  it('a notification whose reply the merchant signs (reply headers) is reported, its reply kept', () => {
    const reply = '| status | number | x\n| headers | object | 头\n| Authorization {data-required data-indent=1} | string | 签名\n| body | object | x\n| code {data-required data-indent=1} | string | x\n';
    const r = parse(doc('| headers | object | x\n| body | object | x\n| event_type {data-indent=1} | string | 类型<br/>`C.ASK` 枚举值\n', reply), 'webhook/v3/C.ASK.md');
    expect(r.diagnostics).toEqual([expect.objectContaining({ reason: 'reply-with-headers', severity: 'info', detail: expect.stringContaining('Authorization') })]);
    expect(find(r.webhook!.reply, 'headers')!.children).toEqual([{ name: 'Authorization', type: 'string', required: true, label: '签名' }]);
    // a reply with a body only (the usual) is not reported
    expect(reasons(parse(doc('| headers | object | x\n| body | object | x\n| event_type {data-indent=1} | string | 类型<br/>`C.OK` 枚举值\n', '| status | number | x\n| body | object | x\n'), 'webhook/v3/C.OK.md'))).toEqual([]);
  });

  it('an event type that several pages declare is reported on each page, its resource the union of theirs', () => {
    const page = (events: string, field: string) => doc(`| headers | object | x\n| body | object | x\n| event_type {data-indent=1} | string | 类型<br/>${events}\n| resource {data-indent=1} | object | x\n| ciphertext {data-indent=2} | string {data-encrypted=by-aes-gcm} | x\n| {colspan=3 .im-table-line}\n| ${field} {data-required data-indent=3} | string | x\n`);
    const pay = parse(page('`PAY.DONE` 枚举值', 'trade_state'), 'webhook/v3/PAY.DONE.md');
    const share = parse(page('`SHARE.DONE` \\| `PAY.DONE` 枚举值之一', 'order_id'), 'webhook/v3/SHARE.DONE.md');
    const built = buildModel([pay, share]);
    const d = sharedEvents(built.model);
    expect(d.map((x) => [x.file, x.reason, x.severity])).toEqual([
      ['webhook/v3/PAY.DONE.md', 'event-on-several-pages', 'info'],
      ['webhook/v3/SHARE.DONE.md', 'event-on-several-pages', 'info'],
    ]);
    expect(d[0]!.detail).toContain('PAY.DONE is declared by webhook/v3/PAY.DONE.md, webhook/v3/SHARE.DONE.md');
    const hooks = emit(built.model, { format: false }).files.get('webhooks.ts')!;
    expect(hooks).toContain("'PAY.DONE': PayDoneResource | ShareDoneResource;");
    // the mock builds the event from the page named after it, whatever sorts first
    expect(webhookOf(built.model.webhooks, 'PAY.DONE')!.source).toBe('webhook/v3/PAY.DONE.md');
    expect(webhookOf([...built.model.webhooks].reverse(), 'PAY.DONE')!.source).toBe('webhook/v3/PAY.DONE.md');
    expect(webhookOf(built.model.webhooks, 'SHARE.DONE')!.source).toBe('webhook/v3/SHARE.DONE.md');
    expect(webhookOf(built.model.webhooks, 'NOT.DOCUMENTED')).toBeUndefined();
  });

  it('never throws on odd input, and reports rows of unknown tables', () => {
    for (const text of ['', '---\n', '| a |\n| - |\n| b |\n', '# x {#post}\n| a | b\n| -- | --\n| c {data-indent=-4} | d |\n\n{.im-table #request}', '\u0000\u0001{{{{', '# {#get}\n\n:::\n:::\n']) {
      expect(() => parse(text)).not.toThrow();
    }
    const r = parse('| a | b |\n| - | - |\n| c | d |\n');
    expect(r.diagnostics.map((d) => [d.line, d.reason, d.severity])).toEqual([[3, 'table-without-role', 'skipped'], [1, 'no-method', 'info']]);
    expect(r.skippedRows).toBe(1);
  });
});

describe('chain property spellings', () => {
  it('emits every name the runtime normalises to a segment, and nothing else', () => {
    expect(spellings('{stock_id}')).toEqual(['$stock_id$', '_stock_id_', '{stock_id}']);
    expect(spellings('coupon-stocks')).toEqual(['coupon-stocks', 'couponStocks']);
    expect(spellings('mch_operate')).toEqual(['mch_operate']);
    expect(spellings('pause')).toEqual(['pause']);
    expect(spellings('cgi-bin')).toEqual(['cgi-bin', 'cgiBin']);
    expect(spellings('addInstitutionsub')).toEqual([]);
    for (const seg of ['{a}', 'a-b-c', 'v3', 'x1-2y', 'a_b']) for (const s of spellings(seg)) expect(normaliseProperty(s)).toEqual([seg]);
    expect(normaliseProperty('V3')).toEqual(['v3']);
    expect(normaliseProperty('v3/a//b')).toEqual(['v3', 'a', 'b']);
  });
});
