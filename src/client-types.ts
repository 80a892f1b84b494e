// The public shape of a client, derived from the generated catalogue: the chain style walks
// `Root`, the attribute style indexes `Nodes`, and `chain()` looks a path up in `Nodes`,
// falling back to a loose node for anything undocumented.
import type { Nodes, Root } from './generated/index.js';
import type { LooseNode } from './typing.js';
import type { ClientCore } from './core.js';

export type AttributeStyle = { readonly [K in keyof Nodes]: Nodes[K] };

export interface ChainStyle {
  <K extends keyof Nodes>(path: K): Nodes[K];
  (path: string): LooseNode;
}

/** A client typed from the documentation: every documented path, in all three styles. */
export type WechatpayClient = Root & AttributeStyle & ClientCore & { readonly chain: ChainStyle };

/** The same client seen without the catalogue: any path, any options, `data: unknown`. */
export type UntypedWechatpayClient = LooseNode & ClientCore & { readonly chain: (path: string) => LooseNode };
