// The public shape of a client, derived from the generated catalogue: the chain style walks
// `Root`, the attribute style indexes `Nodes`, and `chain()` looks a path up in `Nodes`,
// falling back to a loose node for anything undocumented.
import type { Nodes, Paths, Root } from './generated/index.js';
import type { LooseNode, LooseOf, Operation } from './typing.js';
import type { ClientCore } from './core.js';

export type AttributeStyle = { readonly [K in keyof Nodes]: Nodes[K] };

/**
 * The declarative style: a documented path, written out. A path that is not documented (a typo,
 * or an endpoint newer than the typings) is a compile error; reach it with
 * `untyped(wxpay).chain('…')`, which the README documents as the one escape hatch.
 */
export interface ChainStyle {
  // A path that is not documented leaves K at its constraint: answering `Nodes[keyof Nodes]`, the
  // union of every node, would add "union type too complex" (TS2590) to the one error that matters
  // wherever two such calls meet (an array literal); the loose node keeps that error alone.
  <K extends keyof Nodes>(path: K): keyof Nodes extends K ? LooseNode : Nodes[K];
}

/** A client typed from the documentation: every documented path, in all three styles. */
export type WechatpayClient = Root & AttributeStyle & ClientCore & { readonly chain: ChainStyle };

/** The same client seen without the catalogue: any path, any options, `data: unknown`. */
export type UntypedWechatpayClient = LooseOf<Root> & { readonly [K in keyof Nodes]: LooseOf<Nodes[K]> } & ClientCore & { readonly chain: (path: string) => LooseNode };

/** The documented operations of one path template. */
type OperationOf<P extends keyof Paths, M extends keyof Paths[P]> = Paths[P][M] extends Operation ? Paths[P][M] : never;

/** The options object of a documented call, e.g. `RequestOf<'v3/pay/transactions/native', 'post'>['json']['amount']`. */
export type RequestOf<P extends keyof Paths, M extends keyof Paths[P]> = OperationOf<P, M>['options'];

/** The `data` of a documented call's answer, e.g. `ResponseOf<'v3/pay/transactions/id/{transaction_id}', 'get'>`. */
export type ResponseOf<P extends keyof Paths, M extends keyof Paths[P]> = OperationOf<P, M>['response'];
