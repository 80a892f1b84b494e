// Step 1 as the merchant writes it: property reads become path segments. Nodes are cached per
// path, so a hot loop reads Map entries rather than allocating Proxies. A node is never a
// thenable and answers symbol reads from its plain target, so `await node`, `util.inspect`
// and string conversion behave.
import type { Core } from './core.js';
import type { CallConfig, Method } from './typing.js';
import { normalizeSegment } from './request/uri.js';
import { ParameterError } from './errors.js';

const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];
// Read from the node itself, never taken as path segments: what runtimes and loggers probe.
const OWN = new Set([...Object.getOwnPropertyNames(Object.prototype), 'then', 'toJSON']);
const VERBS = new Map<string, Method>(METHODS.flatMap((m) => [[m, m], [`${m}Async`, m]] as [string, Method][]));

// Bounds on the node caches: paths built from ids (`wxpay[`v3/…/id/${id}`]`) must not be kept
// forever. Past the bound the oldest entry goes; a node is rebuilt if read again.
const MAX_NODES = 4096;
const MAX_CHILDREN = 256;

function remember<K, V>(cache: Map<K, V>, key: K, value: V, bound: number): void {
  if (cache.size >= bound) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
}

// A URL (`https://…`, `//host/…`) or a path carrying its query would be sent as `GET /https:/…`:
// refused before anything is sent (decision: docs/client.md, "Absolute URLs in chain()").
const SCHEME = /^(?:[A-Za-z][A-Za-z0-9+.-]*:|\/\/)/;

function checkPath(path: string): void {
  if (SCHEME.test(path)) {
    throw new ParameterError(
      'path',
      "chain() takes a path template such as 'v3/billdownload/file', not a URL; pass the URL's query as options " +
        "(wxpay.chain('v3/billdownload/file').get({ query: { token } })), and base_uri for another host",
    );
  }
  if (/[?#]/.test(path)) {
    throw new ParameterError('path', "chain() takes a path template without '?' or '#'; pass the query as { query: { … } }");
  }
}

/** The plain object behind every chain node's Proxy. */
export class ChainNode {
  constructor(readonly path: string) {}
  toString(): string {
    return this.path;
  }
  toJSON(): string {
    return this.path;
  }
  // Not a thenable: `await wxpay.v3.pay` must never send anything.
  declare readonly then: undefined;
}

export class ChainFactory {
  readonly #core: Core;
  readonly #nodes = new Map<string, object>();

  constructor(core: Core) {
    this.#core = core;
  }

  node(path: string): object {
    let node = this.#nodes.get(path);
    if (!node) {
      node = this.#create(path);
      remember(this.#nodes, path, node, MAX_NODES);
    }
    return node;
  }

  /** A path written out in full (`'v3/marketing/{stock_id}'` or `'/v3/marketing'`), segments as written. */
  fromPath(path: string): object {
    checkPath(path);
    return this.node(path.split('/').filter(Boolean).join('/'));
  }

  #create(path: string): object {
    const children = new Map<string, object>();
    const verbs = new Map<Method, (options?: object, config?: CallConfig) => Promise<unknown>>();
    const core = this.#core;
    const prefix = path ? `${path}/` : '';
    return new Proxy(new ChainNode(path), {
      get: (target, property) => {
        if (typeof property === 'symbol' || OWN.has(property)) {
          const own: unknown = Reflect.get(target, property, target);
          return typeof own === 'function' ? own.bind(target) : own;
        }
        const method = VERBS.get(property);
        if (method) {
          let call = verbs.get(method);
          if (!call) {
            call = (options?: object, config?: CallConfig) => core.request(method, path, options, config);
            // A few documented paths end in a segment named like a verb (`…/receivers/delete`):
            // `receivers.delete.post()` is POST …/receivers/delete, while `receivers.delete()`
            // stays DELETE …/receivers.
            if (property === method) {
              const segment = this.node(prefix + method);
              for (const verb of VERBS.keys()) {
                Object.defineProperty(call, verb, { get: () => Reflect.get(segment, verb), enumerable: false });
              }
            }
            verbs.set(method, call);
          }
          return call;
        }
        let child = children.get(property);
        if (!child) {
          child = this.node(prefix + normalizeSegment(property).join('/'));
          remember(children, property, child, MAX_CHILDREN);
        }
        return child;
      },
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
  }
}
