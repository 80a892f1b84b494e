// Table rows -> field tree. Rows are flat in the docs (`data-indent=N`); nesting, same-name
// alternatives (`{colspan=3 .im-table-line}` between siblings) and the inner structure of an
// encoded/encrypted string (the same separator right after it) are rebuilt here.
import type { Diagnostic, Field, ScalarType, Shape } from './model.js';

export interface Row {
  line: number;
  /** A `{colspan=3 .im-table-line}` separator row. */
  sep: boolean;
  name: string;
  indent: number;
  /** No `data-indent` attribute at all (read as 0 unless inferred). */
  indentMissing?: boolean;
  required: boolean;
  /** `data-required` sat in the type cell instead of the name cell. */
  requiredInTypeCell: boolean;
  typeText: string;
  typeAttrs: Record<string, string>;
  desc: string;
  /** The description cell was missing (two-cell row). */
  twoCells: boolean;
  /** An unescaped `|` split the description; it was rejoined. */
  rejoined: boolean;
}

export interface TreeResult {
  fields: Field[];
  fieldRows: number;
  structuralRows: number;
  skippedRows: number;
}

type Diag = (line: number, reason: string, severity: Diagnostic['severity'], detail?: string) => void;

const SCALARS: Record<string, ScalarType> = {
  string: 'string',
  integer: 'integer',
  int: 'integer',
  int32: 'integer',
  int64: 'integer',
  number: 'number',
  float: 'number',
  double: 'number',
  boolean: 'boolean',
  bool: 'boolean',
  object: 'object',
  array: 'object',
};

/** `string` / `object[]` / `` `true` `` -> shape type; null when not recognisable. */
export function parseType(text: string): { type: ScalarType; array?: number; literal?: boolean; alias?: boolean } | null {
  let t = text.trim().replace(/\s+/g, '');
  if (/^`(true|false)`$/.test(t)) return { type: 'boolean', literal: t === '`true`' };
  let array = 0;
  while (t.endsWith('[]')) {
    array += 1;
    t = t.slice(0, -2);
  }
  const m = /^(?:array<(\w+)>|(\w+))$/i.exec(t);
  if (!m) return null;
  const base = (m[1] ?? m[2]!).toLowerCase();
  if (m[1]) array += 1;
  const type = SCALARS[base];
  if (!type) return null;
  const r: { type: ScalarType; array?: number; alias?: boolean } = { type };
  if (array) r.array = array;
  if (base !== type) r.alias = true;
  return r;
}

const ENUM_TAIL = /((?:`[^`\n]+`[\s,，、]*(?:\\?\|[\s]*)?)+)(?:枚举值之一|枚举值|之一)/;
const FIXED_ENUM = /固定枚举值[：:\s]*((?:`[^`\n]+`[\s,，、|\\]*)+)/;
const ENUM_HEAD = /(?:枚举值|枚举)[^\n`]{0,8}[：:]?\s*$/;
const ENUM_ITEM = /^\s*(?:[-*]\s*)?`?([A-Za-z0-9][A-Za-z0-9_.\-]*)`?\s*[：:]/;
const BACKTICKED = /`([^`\n]+)`/g;

/** Enum values written several ways: `` `A` \| `B` 枚举值之一 ``, `` `A` 枚举值 ``, `固定枚举值`A``, `枚举值：<br/>A：…<br/>B：…`. */
export function extractEnum(desc: string): { values: string[]; how: 'inline' | 'fixed' | 'list' } | null {
  const lines = desc.split('\n');
  for (const line of lines) {
    const m = ENUM_TAIL.exec(line) ?? FIXED_ENUM.exec(line);
    if (m) {
      const values = [...m[1]!.matchAll(BACKTICKED)].map((x) => x[1]!.trim()).filter(Boolean);
      if (values.length) return { values: dedupe(values), how: m[0].startsWith('固定') ? 'fixed' : 'inline' };
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i]!;
    const listHead = ENUM_HEAD.test(head);
    const colonHead = /[：:]\s*$/.test(head);
    if (!listHead && !colonHead) continue;
    const values: string[] = [];
    let allTicked = true;
    for (let j = i + 1; j < lines.length; j++) {
      const m = ENUM_ITEM.exec(lines[j]!);
      if (!m) break;
      if (!/^\s*(?:[-*]\s*)?`/.test(lines[j]!)) allTicked = false;
      values.push(m[1]!);
    }
    if (values.length >= (listHead ? 1 : 2) && (listHead || allTicked)) return { values: dedupe(values), how: 'list' };
  }
  return null;
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

/** The first line of a description, without enum clauses and markup, at most 60 characters. */
export function shortLabel(desc: string): string | undefined {
  let first = desc.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  first = first.replace(ENUM_TAIL, '').replace(/`/g, '').replace(/\s+/g, ' ').trim();
  if (!first) return undefined;
  const chars = [...first];
  return chars.length > 60 ? chars.slice(0, 59).join('') + '…' : first;
}

function coerceEnum(values: string[], shape: Shape): Array<string | number | boolean> | null {
  if (shape.type === 'string') return values;
  if (shape.type === 'integer' || shape.type === 'number') {
    const nums = values.map((v) => Number(v));
    return nums.every((n, i) => values[i] !== '' && Number.isFinite(n)) ? nums : null;
  }
  if (shape.type === 'boolean') {
    return values.every((v) => v === 'true' || v === 'false') ? values.map((v) => v === 'true') : null;
  }
  return null;
}

interface Frame {
  indent: number;
  fields: Field[];
  /** The field whose children deeper rows belong to. */
  last: Field | Shape | null;
}

function isMarked(f: Field | Shape): boolean {
  return Boolean(f.encoded || f.encrypted || f.signed);
}

/** Build the field tree from a table's rows; every row is counted as a field, structural, or skipped. */
export function buildTree(rows: Row[], diag: Diag): TreeResult {
  const root: Frame = { indent: 0, fields: [], last: null };
  const stack: Frame[] = [root];
  const result: TreeResult = { fields: root.fields, fieldRows: 0, structuralRows: 0, skippedRows: 0 };
  let pendingSep: Row | null = null;
  let prev: { field: Field | Shape; frame: Frame; indent: number } | null = null;

  const shapeOf = (row: Row): Shape | null => {
    const parsed = parseType(row.typeText);
    let shape: Shape;
    if (!parsed) {
      if (row.typeText.trim() === '') {
        diag(row.line, 'missing-type', 'repaired', 'empty type cell: typed from context');
        shape = { type: 'string' };
      } else {
        diag(row.line, 'unknown-type', 'repaired', `type "${row.typeText.trim()}" read as string`);
        shape = { type: 'string' };
      }
    } else {
      shape = { type: parsed.type };
      if (parsed.array) shape.array = parsed.array;
      if (parsed.literal !== undefined) shape.enum = [parsed.literal];
      if (parsed.alias) diag(row.line, 'type-alias', 'repaired', `type "${row.typeText.trim()}" read as ${parsed.type}`);
    }
    if (row.required) shape.required = true;
    if (row.requiredInTypeCell) diag(row.line, 'required-in-type-cell', 'repaired');
    if (row.twoCells) diag(row.line, 'two-cell-row', 'repaired', 'no description cell');
    if (row.rejoined) diag(row.line, 'unescaped-pipe', 'repaired', 'description split by an unescaped |; rejoined');
    const a = row.typeAttrs;
    if (a['data-encoded']) shape.encoded = a['data-encoded'];
    if (a['data-encoded-by']) {
      shape.encoded = `by-${a['data-encoded-by']}`;
      diag(row.line, 'encoded-by-attribute', 'repaired', `data-encoded-by=${a['data-encoded-by']} read as data-encoded`);
    }
    if (a['data-encrypted']) shape.encrypted = a['data-encrypted'];
    if (a['data-signed']) shape.signed = a['data-signed'];
    const label = shortLabel(row.desc);
    if (label) shape.label = label;
    if (!shape.enum) {
      const e = extractEnum(row.desc);
      if (e) {
        const coerced = coerceEnum(e.values, shape);
        if (coerced) {
          shape.enum = coerced;
          if (e.how === 'list') diag(row.line, 'enum-as-list', 'repaired', 'enum written as a description list');
        } else if ((shape.type === 'integer' || shape.type === 'number') && e.values.every((v) => /^[A-Z][A-Z0-9_]*$/.test(v))) {
          // symbolic names on a "number" (discount_mode: DIS_FLAG | DIS_CALC | DIS_SMKT): the type cell is what is wrong
          diag(row.line, 'enum-retyped', 'repaired', `enum ${e.values.join('|')} on a ${shape.type}: typed string with the enum`);
          shape.type = 'string';
          shape.enum = e.values;
        } else {
          diag(row.line, 'enum-type-mismatch', 'repaired', `enum ${e.values.join('|')} does not fit ${shape.type}; kept as plain ${shape.type}`);
        }
      }
    }
    return shape;
  };

  const popTo = (indent: number) => {
    while (stack.length > 1 && stack[stack.length - 1]!.indent > indent) stack.pop();
  };

  const addAlternative = (existing: Field, shape: Shape, frame: Frame, row: Row) => {
    if (!existing.oneOf) {
      const first: Shape = { type: existing.type ?? 'object' };
      for (const k of ['array', 'required', 'enum', 'label', 'encoded', 'encrypted', 'signed', 'children'] as const) {
        if (existing[k] !== undefined) (first as unknown as Record<string, unknown>)[k] = existing[k];
        delete existing[k];
      }
      delete existing.type;
      existing.oneOf = [first];
      if (first.required) existing.required = true;
    }
    existing.oneOf.push(shape);
    // a field is required only if every alternative says so
    existing.required = existing.oneOf.every((s) => s.required) || undefined;
    if (!existing.required) delete existing.required;
    frame.last = shape;
    prev = { field: shape, frame, indent: row.indent };
  };

  // a row without data-indent between nested rows lost its attribute: infer it from its neighbours
  const real = rows.filter((r) => !r.sep);
  for (let i = 1; i < real.length - 1; i++) {
    const r = real[i]!;
    const before = real[i - 1]!;
    const after = real[i + 1]!;
    if (!r.indentMissing || before.indent < 2 || after.indent < 2) continue;
    const isObject = parseType(r.typeText)?.type === 'object';
    const inferred = isObject && after.indent > before.indent - 1 ? after.indent - 1 : Math.min(before.indent, after.indent);
    diag(r.line, 'missing-indent', 'repaired', `no data-indent between indented rows: read as ${inferred}`);
    r.indent = inferred;
  }

  for (const row of rows) {
    if (row.sep) {
      if (pendingSep) {
        diag(row.line, 'separator-repeated', 'repaired', 'consecutive separators');
      }
      result.structuralRows += 1;
      pendingSep = row;
      continue;
    }
    if (!row.name) {
      diag(row.line, 'row-without-name', 'skipped', 'no field name');
      result.skippedRows += 1;
      continue;
    }
    const shape = shapeOf(row);
    if (!shape) {
      result.skippedRows += 1;
      continue;
    }
    result.fieldRows += 1;
    const sep = pendingSep;
    pendingSep = null;

    // where the row would land without a separator
    let landing = stack.length - 1;
    while (landing > 0 && stack[landing]!.indent > row.indent) landing -= 1;
    const landingFrame = stack[landing]!;

    if (sep) {
      const sibling = landingFrame.indent === row.indent ? landingFrame.fields.find((f) => f.name === row.name) : undefined;
      if (sibling) {
        popTo(row.indent);
        addAlternative(sibling, shape, landingFrame, row);
        continue;
      }
      // the separator opens the inner structure of an encoded/encrypted string
      let owner: Field | Shape | null = null;
      if (prev) {
        const cands: Array<Field | Shape> = [];
        if (prev.indent === row.indent || prev.indent === row.indent - 1) {
          cands.push(prev.field);
          const fs = prev.frame.fields;
          for (let i = fs.length - 1; i >= 0; i--) if (fs[i] !== prev.field) cands.push(fs[i]!);
        }
        owner = cands.find((f) => isMarked(f) && f.type === 'string' && !f.children) ?? null;
        if (owner && owner !== prev.field) {
          diag(sep.line, 'inner-structure-after-sibling', 'repaired', 'separator opens the structure of an earlier encoded/encrypted sibling');
        }
        if (!owner && row.indent > prev.indent) {
          owner = prev.field;
          if (owner.type === 'string' && !isMarked(owner)) {
            owner.encoded = 'unmarked';
            diag(sep.line, 'inner-structure-unmarked', 'repaired', 'separator opens the structure of a string without data-encoded');
          } else if (owner.type !== 'string') {
            diag(sep.line, 'separator-before-children', 'repaired');
          }
        }
      }
      if (owner) {
        popTo(prev!.indent);
        owner.children = owner.children ?? [];
        const frame: Frame = { indent: row.indent, fields: owner.children, last: null };
        stack.push(frame);
        frame.fields.push({ name: row.name, ...shape });
        frame.last = frame.fields[frame.fields.length - 1]!;
        prev = { field: frame.last, frame, indent: row.indent };
        continue;
      }
      diag(sep.line, 'separator-ignored', 'repaired', 'separator with no alternative or encoded owner');
    }

    popTo(row.indent);
    let top = stack[stack.length - 1]!;
    if (top.indent < row.indent) {
      const parent = top.last;
      if (!parent) {
        diag(row.line, 'orphan-indent', 'repaired', `indent ${row.indent} with no parent row; placed at indent ${top.indent}`);
      } else {
        if (row.indent > top.indent + 1 && !(stack.length === 1 && top.fields.length === 0)) {
          diag(row.line, 'indent-jump', 'repaired', `indent ${top.indent} -> ${row.indent}`);
        }
        if (parent.type !== 'object' && !isMarked(parent) && !parent.children) {
          // an indent typo: a scalar cannot have members, so the row is the scalar's sibling
          diag(row.line, 'indent-under-scalar', 'repaired', `indent ${row.indent} under a ${parent.type}: read as its sibling`);
        } else {
          parent.children = parent.children ?? [];
          const frame: Frame = { indent: row.indent, fields: parent.children, last: null };
          stack.push(frame);
          top = frame;
        }
      }
    }
    const indentHere = top.indent;
    const dup = top.fields.find((f) => f.name === row.name);
    if (dup) {
      diag(row.line, 'duplicate-sibling', 'repaired', 'same-name sibling without separator: read as an alternative');
      addAlternative(dup, shape, top, row);
      continue;
    }
    const field: Field = { name: row.name, ...shape };
    top.fields.push(field);
    top.last = field;
    prev = { field, frame: top, indent: indentHere };
  }
  if (pendingSep) diag(pendingSep.line, 'separator-trailing', 'repaired', 'separator at the end of a table');
  return result;
}

export function countFields(fields: Field[] | undefined): number {
  if (!fields) return 0;
  let n = 0;
  for (const f of fields) {
    n += 1;
    n += countFields(f.children);
    if (f.oneOf) {
      n += f.oneOf.length - 1;
      for (const s of f.oneOf) n += countFields(s.children);
    }
  }
  return n;
}
