// The public shape of a client, derived from the generated catalogue: the chain style walks
// `Root`, the attribute style indexes `Nodes`, and `chain()` looks a path up in `Nodes`,
// falling back to a loose node for anything undocumented.
import type { Nodes, Root } from './generated/index.js';
import type { LooseNode } from './typing.js';
import type { ClientCore } from './core.js';

export type AttributeStyle = { readonly [K in keyof Nodes]: Nodes[K] };

/**
 * The declarative style: a documented path, written out. A path that is not documented (a typo,
 * or an endpoint newer than the typings) is a compile error; reach it with
 * `untyped(wxpay).chain('…')`, which the README documents as the one escape hatch.
 */
export interface ChainStyle {
  <K extends keyof Nodes>(path: K): Nodes[K];
}

/** A client typed from the documentation: every documented path, in all three styles. */
export type WechatpayClient = Root & AttributeStyle & ClientCore & { readonly chain: ChainStyle };

/** The same client seen without the catalogue: any path, any options, `data: unknown`. */
export type UntypedWechatpayClient = LooseNode & ClientCore & { readonly chain: (path: string) => LooseNode };
