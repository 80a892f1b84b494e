// The folder the package's compiled modules live in (dist/cjs or dist/esm; src under ts-jest and
// tsx). The CommonJS build reads `__dirname`; `scripts/build.mjs` replaces dist/esm/here.js with
// an `import.meta.url` version, since neither expression compiles in both module formats.
export const packageDir: string = __dirname;
