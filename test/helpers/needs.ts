// Suites that need something a plain clone lacks (the documentation corpus, a redis-server
// binary, a Chromium) run when it is there, skip with one line saying what and how to get it
// when it is not, and fail instead of skipping where .ci/run demands everything
// (WXPAY_REQUIRE_ALL=1), so a skip can never hide a regression in CI.
export interface Need {
  /** What is missing, e.g. "the WeChat Pay documentation corpus". */
  readonly name: string;
  readonly present: boolean;
  /** Where it was looked for and how to get it, in one sentence. */
  readonly how: string;
}

export const requireAll = process.env.WXPAY_REQUIRE_ALL === '1';

const announced = new Set<string>();

function announce(line: string): void {
  if (announced.has(line)) return;
  announced.add(line);
  process.stderr.write(`\n[skip] ${line}\n`);
}

/** `describe` when `need` is met; otherwise a skip with one clear line, or a failure under WXPAY_REQUIRE_ALL=1. */
export function describeWith(need: Need, title: string, body: () => void): void {
  if (need.present) {
    describe(title, body);
    return;
  }
  const line = `${title}: ${need.name} not found. ${need.how}`;
  if (requireAll) {
    describe(title, () => {
      test(`${need.name} is present (WXPAY_REQUIRE_ALL=1)`, () => {
        throw new Error(line);
      });
    });
    return;
  }
  announce(line);
  describe.skip(title, body);
}
