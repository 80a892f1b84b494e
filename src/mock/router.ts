// URI templates → handlers, matched segment by segment. A literal segment wins over a `{param}`
// at the same depth (`stocks/batch` before `stocks/{stock_id}`), and matching backtracks, so a
// method documented only on the parameterised path is still found.

export interface Match<T> {
  template: string;
  params: Record<string, string>;
  value: T;
}

interface Node<T> {
  literals: Map<string, Node<T>>;
  param?: { node: Node<T> };
  /** Per template ending here (two templates may differ only in their parameter names). */
  ends: Array<{ template: string; names: string[]; methods: Map<string, T> }>;
}

const node = <T>(): Node<T> => ({ literals: new Map(), ends: [] });

export class Router<T> {
  readonly #root: Node<T> = node();

  /** Adds (or replaces) the value of `METHOD template`. */
  add(method: string, template: string, value: T): void {
    const names: string[] = [];
    let at = this.#root;
    for (const segment of split(template)) {
      const param = /^\{([^{}]+)\}$/.exec(segment);
      // `{empty}` is the documentation's trailing empty segment (`…/applyment/`), a literal ''.
      if (param && param[1] !== 'empty') {
        names.push(param[1]!);
        at.param ??= { node: node() };
        at = at.param.node;
      } else {
        const literalSegment = param ? '' : segment;
        let next = at.literals.get(literalSegment);
        if (!next) at.literals.set(literalSegment, (next = node()));
        at = next;
      }
    }
    const normalized = split(template).join('/');
    let end = at.ends.find((e) => e.template === normalized);
    if (!end) at.ends.push((end = { template: normalized, names, methods: new Map() }));
    end.methods.set(method.toUpperCase(), value);
  }

  /** The value for `METHOD path`; `pathExists` tells a wrong method from an unknown path. */
  match(method: string, path: string): { found?: Match<T>; pathExists: boolean } {
    let segments: string[];
    try {
      segments = split(path).map((s) => decodeURIComponent(s));
    } catch {
      return { pathExists: false };
    }
    const upper = method.toUpperCase();
    let pathExists = false;
    const walk = (at: Node<T>, depth: number, values: string[]): Match<T> | undefined => {
      if (depth === segments.length) {
        for (const end of at.ends) {
          pathExists = true;
          const value = end.methods.get(upper);
          if (value !== undefined) return { template: end.template, params: Object.fromEntries(end.names.map((n, i) => [n, values[i]!])), value };
        }
        return undefined;
      }
      const segment = segments[depth]!;
      const literal = at.literals.get(segment);
      const viaLiteral = literal && walk(literal, depth + 1, values);
      if (viaLiteral) return viaLiteral;
      if (at.param && segment !== '') return walk(at.param.node, depth + 1, [...values, segment]);
      return undefined;
    };
    const found = walk(this.#root, 0, []);
    return found ? { found, pathExists: true } : { pathExists };
  }
}

function split(path: string): string[] {
  return path.replace(/^\/+/, '').split('/');
}
