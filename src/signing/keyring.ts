// The platform keys a client trusts (certificate serials and `PUB_KEY_ID_…`), looked up on every
// response. A source may be attached that can fetch keys the ring does not hold yet (the
// platform-certificate download); lookups of an unknown id then wait for one refresh.
import type { PlatformKey } from './keys.js';

export interface KeySource {
  /** Fetch the current keys; called at most once at a time, and rate-limited by the source. */
  refresh(reason: { unknownSerial?: string }): Promise<PlatformKey[]>;
}

export class Keyring {
  readonly #keys: Map<string, PlatformKey>;
  #source: KeySource | undefined;

  constructor(keys: Iterable<PlatformKey> = []) {
    this.#keys = new Map([...keys].map((key) => [key.id, key]));
  }

  get(id: string): PlatformKey | undefined {
    return this.#keys.get(id);
  }

  ids(): string[] {
    return [...this.#keys.keys()];
  }

  values(): PlatformKey[] {
    return [...this.#keys.values()];
  }

  set(key: PlatformKey): void {
    this.#keys.set(key.id, key);
  }

  delete(id: string): boolean {
    return this.#keys.delete(id);
  }

  attach(source: KeySource | undefined): void {
    this.#source = source;
  }

  get refreshable(): boolean {
    return this.#source !== undefined;
  }

  /** The key for `id`, asking the attached source once when the ring does not have it. */
  async resolve(id: string): Promise<PlatformKey | undefined> {
    const known = this.#keys.get(id);
    if (known || !this.#source) return known;
    for (const key of await this.#source.refresh({ unknownSerial: id })) this.#keys.set(key.id, key);
    return this.#keys.get(id);
  }
}
