// The ApiError a call rejects with (the test fails if it resolves or rejects with anything else).
import { ApiError } from '../../src/index.js';

export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}
