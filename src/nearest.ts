// "Did you mean": the nearest known name to a mistyped one (a command, a config key, a path).

/** Edit distance (insertions, deletions, substitutions). */
export function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/** The nearest known name, when it is near enough to be what was meant (or a prefix of it); case is ignored. */
export function nearest(name: string, names: Iterable<string>, within = (candidate: string) => Math.max(2, Math.floor(candidate.length / 3))): string | undefined {
  let best: { name: string; d: number } | undefined;
  const lower = name.toLowerCase();
  for (const candidate of names) {
    const d = candidate.startsWith(name) && name.length >= 2 ? 0 : distance(lower, candidate.toLowerCase());
    if (!best || d < best.d) best = { name: candidate, d };
  }
  return best && best.d <= within(best.name) ? best.name : undefined;
}
