// `wxpay-chain mock` as its own process for the CLI tests: the command's module, run as the
// CLI entry would run it (the entry itself loads compiled `.js` commands, which src/ does not have).
import { run } from '../../src/cli/mock.js';

run(process.argv.slice(2)).then((code) => process.exit(code));
