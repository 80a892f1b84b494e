// The folder this module was loaded from. The CommonJS build (and ts-jest, tsx) read it from
// `__dirname`; `scripts/build.mjs` replaces dist/esm/mock/here.js with an `import.meta.url`
// version, since neither expression compiles in both module formats.
export const moduleDir: string = __dirname;
