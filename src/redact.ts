// A URL may carry credentials (a gateway's or a proxy's user:password@): they never reach an
// event, a log line, a message or a report. Written with or without a scheme, since proxy
// variables are often set as user:password@host:port.
const CREDENTIALS = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#@\s]*@/i;

/** `url` with its user and password replaced by `***` (unchanged when it has none). */
export function redactUrl<U extends string | undefined>(url: U): U {
  if (url === undefined || !url.includes('@')) return url;
  return url.replace(CREDENTIALS, '$1***@') as U;
}
