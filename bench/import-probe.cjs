// Cold import of one module in a fresh process: milliseconds from just before `require`
// (or `import()`) to the module being ready, and what it pulled in. Prints one JSON line.
'use strict';
const path = require('node:path');
const [, , kind, target] = process.argv;

(async () => {
  const before = new Set(Object.keys(require.cache));
  const t0 = performance.now();
  if (kind === 'import') await import(target.startsWith('.') || target.startsWith('/') ? require('node:url').pathToFileURL(path.resolve(target)).href : target);
  else require(target.startsWith('.') ? path.resolve(target) : target);
  const ms = performance.now() - t0;
  const loaded = Object.keys(require.cache).filter((file) => !before.has(file));
  process.stdout.write(
    `${JSON.stringify({ ms, cjsModules: loaded.length, generatedLoaded: loaded.filter((file) => file.includes(`${path.sep}generated${path.sep}`)).map((f) => path.basename(f)) })}\n`,
  );
})();
