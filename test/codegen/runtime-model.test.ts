// The shipped runtime model (src/generated/runtime-model.json) holds exactly what the runtime
// reads of the generator's full model (src/generated/model.json): every endpoint, operation and
// field the mock and pagination look at, without labels, titles, links, sources or notes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runtimeModelJson } from '../../codegen/runtime-model';
import { decodeRuntimeModel, webhookOf, type Field, type Model, type RuntimeModelFile } from '../../src/model.js';
import { readModelFile, readShippedModel } from '../../src/model-file.js';

const generated = resolve(__dirname, '../../src/generated');
const full = JSON.parse(readFileSync(join(generated, 'model.json'), 'utf8')) as Model;
const text = readFileSync(join(generated, 'runtime-model.json'), 'utf8');

const RUNTIME_KEYS = ['name', 'type', 'required', 'array', 'enum', 'encoded', 'inner', 'encrypted', 'in', 'override', 'children', 'oneOf'];
function runtimeView(fields: readonly Field[]): unknown[] {
  return fields.map((f) => {
    const out: Record<string, unknown> = {};
    for (const k of RUNTIME_KEYS) {
      const v = (f as unknown as Record<string, unknown>)[k];
      if (v === undefined) continue;
      out[k] = k === 'children' ? runtimeView(v as Field[]) : k === 'oneOf' ? runtimeView(v as Field[]) : v;
    }
    return out;
  });
}

test('the runtime model is the full model less what only people and the typings read', () => {
  const decoded = decodeRuntimeModel(JSON.parse(text) as RuntimeModelFile);
  const byTemplate = new Map(decoded.endpoints.map((e) => [e.template, e]));
  expect(decoded.endpoints).toHaveLength(full.endpoints.length);
  for (const e of full.endpoints) {
    const r = byTemplate.get(e.template)!;
    expect(r.operations.map((o) => o.method)).toEqual(e.operations.map((o) => o.method));
    e.operations.forEach((op, i) => {
      const got = r.operations[i]!;
      expect([got.request.kind, got.response.kind]).toEqual([op.request.kind, op.response.kind]);
      expect(runtimeView(got.request.fields)).toEqual(runtimeView(op.request.fields));
      expect(runtimeView(got.response.fields)).toEqual(runtimeView(op.response.fields));
    });
  }
  // Each event under its own page only: the profit-sharing pages also list TRANSACTION.SUCCESS.
  const v3 = full.webhooks
    .filter((w) => w.protocol === 'v3')
    .map((w) => ({ ...w, events: w.events.filter((event) => webhookOf(full.webhooks, event) === w) }))
    .filter((w) => w.events.length > 0);
  const payment = decoded.webhooks.filter((w) => w.events.includes('TRANSACTION.SUCCESS'));
  expect(payment).toHaveLength(1);
  expect(payment[0]!.resource?.map((f) => f.name)).toContain('trade_state');
  expect(decoded.webhooks.map((w) => w.events)).toEqual(v3.map((w) => w.events));
  decoded.webhooks.forEach((w, i) => expect(runtimeView(w.resource ?? [])).toEqual(runtimeView(v3[i]!.resource ?? [])));
  // what it leaves out
  expect(text).not.toContain('pay.weixin.qq.com');
  expect(text).not.toContain('"label"');
  // a source file is named only where the mock's override report names the page
  expect(text.split('\n').filter((l) => l.includes('openapi/')).every((l) => l.includes('"override"'))).toBe(true);
});

test('it is written by the generator (codegen:check keeps it in step) and a fraction of the full model', () => {
  expect(runtimeModelJson(full)).toBe(text);
  expect(Buffer.byteLength(text)).toBeLessThan(Buffer.byteLength(JSON.stringify(full)) / 5);
});

test('equal fields are one frozen object: a reader that wrote to the model would throw, not change every endpoint', () => {
  const model = readShippedModel();
  const amounts = model.endpoints.flatMap((e) => e.operations.flatMap((o) => o.request.fields.find((f) => f.name === 'json')?.children?.filter((f) => f.name === 'amount') ?? []));
  expect(new Set(amounts).size).toBeLessThan(amounts.length);
  expect(() => {
    (amounts[0] as { required?: boolean }).required = false;
  }).toThrow(TypeError);
});

test('a model file of another version is refused by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-model-'));
  const file = join(dir, 'runtime-model.json');
  writeFileSync(file, JSON.stringify({ version: 9, endpoints: [] }));
  expect(() => readModelFile(file)).toThrow(/model version 9; this version reads 2/);
  expect(readModelFile(join(generated, 'model.json')).version).toBe(1);
});
