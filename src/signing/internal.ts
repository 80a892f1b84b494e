// Request flags only the SDK itself may set. A caller's config (constructor or per call) is merged
// into every axios request, so a flag that turns verification off must not be honoured just for
// being present there: the SDK makes its flag objects here, and only those count. Lives on the
// signing floor because the certificate downloader (certificates/) sets one too.

// Not a plain object, so axios's config merge passes it through by identity instead of copying it.
class InternalFlags {}

const made = new WeakSet<object>();

/** The SDK's own copy of `flags`. */
export function internal<T extends object>(flags: T): T {
  const own = Object.assign(new InternalFlags(), flags) as T;
  made.add(own);
  return own;
}

/** Whether `flags` was made by `internal()`. */
export function isInternal(flags: unknown): boolean {
  return typeof flags === 'object' && flags !== null && made.has(flags);
}
