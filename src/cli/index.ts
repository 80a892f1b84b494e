#!/usr/bin/env node
// `wxpay-chain <command> …`: the commands are listed in commands.ts, dispatched by main.ts.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wxpay-chain: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
