// A command-line mistake (a bad flag, a missing file): every command reports it as is, with exit
// status 2, so one class serves them all.
export class UsageError extends Error {}
