// What `npm start` does once the walk-through is printed: in a terminal the sandbox and its
// console stay up until Ctrl-C; without one (output piped, CI) nothing could be opened, so it
// says that the console closed instead of leaving a URL that no longer answers.
import { walkthrough } from './walk.js';
import { untilSignal } from '../until-signal.js';

export interface DemoOptions {
  log?: (line: string) => void;
  /** Whether someone can open the console (default: stdout is a terminal). */
  interactive?: boolean;
  /** Resolves when the console should close (default: Ctrl-C or SIGTERM). */
  until?: () => Promise<void>;
}

export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { mock, close } = await walkthrough(log);
  if (options.interactive ?? process.stdout.isTTY === true) {
    log(`\nconsole: ${mock.url} — open it in a browser; the sandbox runs until Ctrl-C`);
    await (options.until ?? untilSignal)();
    await close();
    log('sandbox stopped');
  } else {
    await close();
    log(`\nthe sandbox and its console at ${mock.url} are closed now (not a terminal); for one that stays up: npx wxpay-chain mock`);
  }
  return 0;
}
