// Fields documented as JSON text inside a string (`data-encoded=by-json_encode`: APIv2's
// `scene_info`, `receivers`, …) are typed `Encoded<T>`: these two calls are the typed way in and
// out. At run time they are JSON.stringify / JSON.parse; the types carry the structure.
import { ParameterError } from '../errors.js';
import type { Encoded } from '../typing.js';

/** The JSON text of `value`, typed as the encoded field it is written into. */
export function jsonEncode<T>(value: T): Encoded<T> {
  const text = JSON.stringify(value);
  if (text === undefined) throw new ParameterError('value', 'nothing to encode: pass an object, a list or a scalar');
  return text as Encoded<T>;
}

/** The structure inside an encoded field of an answer or a notification, typed. */
export function jsonDecode<T>(text: Encoded<T>): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ParameterError('text', `not JSON text (${JSON.stringify(String(text).slice(0, 40))}…): was the field encoded?`);
  }
}
