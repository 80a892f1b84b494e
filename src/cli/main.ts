// The dispatcher behind `wxpay-chain`: help that lists every command, --version, and a
// suggestion for a mistyped command. Kept apart from index.ts so tests call it in-process.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageDir } from '../here.js';
import { COMMANDS, type CommandEntry } from './commands.js';
import { printableIo, stdio, type CliIo } from './output.js';
import { nearest } from '../nearest.js';

export { distance, nearest } from '../nearest.js';

export function help(commands: Readonly<Record<string, CommandEntry>> = COMMANDS): string {
  const names = Object.keys(commands).sort();
  const width = Math.max(...names.map((n) => n.length), '--version, -v'.length) + 2;
  return [
    'usage: wxpay-chain <command> [options]',
    '',
    'commands:',
    ...names.map((name) => `  ${name.padEnd(width)}${commands[name]!.summary}`),
    '',
    `  ${'--help, -h'.padEnd(width)}this text`,
    `  ${'--version, -v'.padEnd(width)}the version of wxpay-chain`,
    '',
    'Run `wxpay-chain <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

/** The installed package's version: the nearest package.json named wxpay-chain above the code (src/ or dist/<format>/). */
export function version(from: string = packageDir): string {
  for (let dir = from, i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wxpay-chain' && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level (or not ours): keep looking upward
    }
  }
  return 'unknown';
}

export async function main(argv: string[], given: CliIo = stdio, commands: Readonly<Record<string, CommandEntry>> = COMMANDS): Promise<number> {
  const io = printableIo(given);
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(help(commands));
    return 0;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    io.out(`${version()}\n`);
    return 0;
  }
  if (!name) {
    io.err(help(commands));
    return 2;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    const guess = nearest(name, Object.keys(commands));
    io.err(`wxpay-chain: unknown command ${JSON.stringify(name)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ''}\n\n${help(commands)}`);
    return 2;
  }
  return (await entry.load()).run(rest, given);
}
