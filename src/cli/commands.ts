// The commands `wxpay-chain` knows: one entry each, loaded only when run. Adding a command is one
// line here plus its own module exporting `run(argv, io)`.
import type { CliIo } from './output.js';

export interface Command {
  run(argv: string[], io?: CliIo): Promise<number>;
}

export interface CommandEntry {
  /** One line for `wxpay-chain --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  bill: { summary: 'apply for, download, verify and save a bill or statement', load: () => import('./bill.js') },
  doctor: { summary: 'say which key is wrong, and why a signature or a notification failed (--online: one signed call; --notification FILE)', load: () => import('./doctor.js') },
  certificates: { summary: 'download, verify and save the platform certificates', load: () => import('./certificates.js') },
  request: { summary: 'send one signed APIv3 call and print the verified answer', load: () => import('./request.js') },
  sandbox: { summary: 'drive a running `wxpay-chain mock`: pay, fail, cancel or expire an order, re-deliver a notification, list the state', load: () => import('./sandbox.js') },
  mock: { summary: 'run a local mock WeChat Pay (APIv3 and APIv2) until interrupted, with faults; `mock notify` sends a notification', load: () => import('./mock.js') },
};
