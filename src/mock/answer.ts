// What a route of the mock answers: the documented sample, the sandbox, the bills, a test's own route.

export interface MockAnswer {
  status?: number;
  json?: unknown;
  /** A raw body (e.g. a file download), sent as is. */
  raw?: Buffer | string;
  headers?: Record<string, string>;
  /** Leave the answer unsigned (WeChat Pay does so for file downloads). */
  unsigned?: boolean;
  /** Decided by the sandbox's state (recorded as `stateful`), e.g. a bill refused for a day not over yet. */
  stateful?: boolean;
}
