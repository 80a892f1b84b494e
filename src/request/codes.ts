// Error codes the request path gives failures axios has no code for (RequestError.code).

/** A new connection was not made within `connectTimeout`: the server saw nothing. */
export const CONNECT_TIMEOUT = 'ECONNECT_TIMEOUT';
/** The answer is larger, once decoded, than `maxContentLength`. */
export const ANSWER_TOO_LARGE = 'ERR_ANSWER_TOO_LARGE';
/** The answer is in a content coding the call did not accept, or does not decode. */
export const BAD_ENCODING = 'ERR_BAD_ENCODING';
