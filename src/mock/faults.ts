// Fault injection: what a flaky network or a misbehaving (or impersonated) WeChat Pay does to an
// answer. A fault applies to one route (until cleared, or for `times` requests) or to the next
// `times` requests to any route (one by default).

export type Fault =
  /** Wait before answering (the answer itself is normal). */
  | { kind: 'latency'; ms: number }
  /** Answer a 5xx (default 500 SYSTEM_ERROR), signed like WeChat Pay's own errors unless `unsigned`. */
  | { kind: 'status'; status?: number; code?: string; message?: string; unsigned?: boolean }
  /**
   * Destroy the connection without answering: before the request is acted on, or with
   * `processed: true` after it (an order is created, a refund applied; the answer is lost on the
   * way), which is what a client's retry must survive without paying twice.
   */
  | { kind: 'reset'; processed?: boolean }
  /** Announce the full Content-Length, send half the body, close the connection. */
  | { kind: 'truncate' }
  /** Sign the answer, then change a byte of the body. */
  | { kind: 'bad-signature' }
  /** Sign with a timestamp `seconds` (default 600) in the past. */
  | { kind: 'stale-timestamp'; seconds?: number }
  /** Sign with a key whose serial the client was never given. */
  | { kind: 'unknown-serial' }
  /** Send a `WECHATPAY/SIGNTEST/` probe signature, which a client must refuse. */
  | { kind: 'signtest' };

export type FaultKind = Fault['kind'];

export interface FaultScope {
  /** Only requests with this method (any by default). */
  method?: string;
  /** Only requests routed to this URI template, e.g. `v3/pay/transactions/native`. */
  template?: string;
  /** How many matching requests it applies to: default 1 without a template, unlimited with one. */
  times?: number;
}

export interface FaultHandle {
  /** Requests this fault will still apply to (Infinity when unlimited). */
  readonly remaining: number;
  clear(): void;
}

interface Rule {
  fault: Fault;
  method?: string;
  template?: string;
  remaining: number;
}

export class FaultPlan {
  #rules: Rule[] = [];

  add(fault: Fault, scope: FaultScope = {}): FaultHandle {
    const times = scope.times ?? (scope.template ? Infinity : 1);
    if (!(times > 0)) throw new RangeError('times must be a positive number');
    const rule: Rule = { fault, remaining: times };
    if (scope.method) rule.method = scope.method.toUpperCase();
    if (scope.template) rule.template = scope.template.replace(/^\/+/, '');
    this.#rules.push(rule);
    const rules = () => this.#rules;
    const drop = () => (this.#rules = this.#rules.filter((r) => r !== rule));
    return {
      get remaining() {
        return rules().includes(rule) ? rule.remaining : 0;
      },
      clear: drop,
    };
  }

  clear(): void {
    this.#rules = [];
  }

  /** The faults for this request (each consumed once): total latency, then at most one other fault. */
  take(method: string, template: string | undefined): { latency: number; fault?: Fault } {
    let latency = 0;
    let fault: Fault | undefined;
    for (const rule of [...this.#rules]) {
      if (rule.method && rule.method !== method.toUpperCase()) continue;
      if (rule.template && rule.template !== template) continue;
      if (rule.fault.kind !== 'latency' && fault) continue;
      if (rule.fault.kind === 'latency') latency += rule.fault.ms;
      else fault = rule.fault;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.#rules = this.#rules.filter((r) => r !== rule);
    }
    return fault ? { latency, fault } : { latency };
  }
}
