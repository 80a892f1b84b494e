#!/usr/bin/env node
// `wxpay-chain <command> …`: each command is its own module in this folder exporting
// `summary` and `run(argv)`, so adding one never edits this file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const NAME = /^[a-z][a-z-]*$/;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || !NAME.test(name) || name === 'index' || !existsSync(join(__dirname, `${name}.js`))) {
    process.stdout.write('usage: wxpay-chain <command> [options]\n\n' + 'Run `wxpay-chain <command> --help` for a command\'s options.\n');
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
  }
  // A computed specifier: the bundler leaves it alone, and the command's own entry file is loaded.
  const command = (await import(pathToFileURL(join(__dirname, `${name}.js`)).href)) as Command;
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wxpay-chain: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
