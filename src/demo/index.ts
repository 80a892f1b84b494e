// `npm start`: one payment through the sandbox WeChat Pay on loopback (create → pay → notification
// → query → refund → refund notification → bill), printed step by step. No network needed. From
// a terminal it then keeps running so the console can be opened; otherwise it stops.
import { walkthrough } from './walk.js';

async function main(): Promise<void> {
  const { mock, close } = await walkthrough((line) => console.log(line));
  if (process.stdin.isTTY && process.stdout.isTTY) {
    console.log(`\nconsole: ${mock.url} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  }
  await close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
