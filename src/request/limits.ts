// The request path's defaults for what a caller did not set, in one place (docs/client.md gives
// the reasoning). Every answer has a size bound and every call a deadline: a hostile or broken
// server can neither exhaust memory nor hold a call, or its socket, forever.

/** Decoded bytes of an answer that is read whole (JSON or XML answers are a few KiB). */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** Decoded bytes of a file read whole (bills, statements, images); streamed downloads set their own. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** The whole call: connect, send, and the last byte of the answer (`timeout`, 0 for none). */
export const CALL_TIMEOUT_MS = 15_000;
/** From asking for a new connection to its TCP handshake completing (`connectTimeout`, 0 for none). */
export const CONNECT_TIMEOUT_MS = 5_000;
/** A kept-alive socket idle this long is closed, before WeChat Pay's own idle close can race a request. */
export const FREE_SOCKET_TIMEOUT_MS = 4_000;
