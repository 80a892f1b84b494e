// One process-wide timer for every client's refresh schedule and expiry sweep. A process that
// serves a thousand merchants holds one pending timer, not two per client: each alarm is an entry
// in a set, the timer is armed for the earliest one, and entries hold their client only weakly,
// so a dropped client is neither kept in memory nor woken. The timer is unref'd: it never keeps
// a process alive.
interface Entry {
  due: number;
  target: WeakRef<object>;
  fire: (target: object) => void;
}

/** A pending alarm; `cancel()` is idempotent. */
export interface Alarm {
  cancel(): void;
}

const MAX_DELAY = 2 ** 31 - 1;
const entries = new Set<Entry>();
let timer: NodeJS.Timeout | undefined;
let timerDue = Infinity;

/** Calls `fire(target)` after `delay` ms, unless `target` was collected or the alarm cancelled. */
export function alarm<T extends object>(target: T, delay: number, fire: (target: T) => void): Alarm {
  const entry: Entry = { due: Date.now() + Math.max(0, delay), target: new WeakRef(target), fire: fire as (target: object) => void };
  entries.add(entry);
  if (entry.due < timerDue) arm(entry.due);
  return { cancel: () => void entries.delete(entry) };
}

/** How many alarms are pending (for tests and benchmarks). */
export function pendingAlarms(): number {
  return entries.size;
}

function arm(due: number): void {
  clearTimeout(timer);
  timerDue = due;
  timer = setTimeout(ring, Math.min(Math.max(0, due - Date.now()), MAX_DELAY));
  timer.unref();
}

function ring(): void {
  timer = undefined;
  timerDue = Infinity;
  const now = Date.now();
  const due: Entry[] = [];
  let next = Infinity;
  for (const entry of entries) {
    if (entry.target.deref() === undefined) entries.delete(entry);
    else if (entry.due <= now) {
      entries.delete(entry);
      due.push(entry);
    } else next = Math.min(next, entry.due);
  }
  if (next !== Infinity) arm(next);
  for (const entry of due) {
    const target = entry.target.deref();
    if (!target) continue;
    try {
      entry.fire(target);
    } catch {
      // One client's failure must not stop the others' alarms.
    }
  }
}
