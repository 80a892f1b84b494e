// Long-running commands (the mock, `npm start`) stop on Ctrl-C or SIGTERM, and then clean up.

/** Resolves at the first SIGINT or SIGTERM (both listeners removed then). */
export function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
