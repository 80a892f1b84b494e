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
  #version = 0;

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

  /** Changes whenever a key is added, replaced or removed, so what is derived from the keys can be cached. */
  get version(): number {
    return this.#version;
  }

  set(key: PlatformKey): void {
    this.#keys.set(key.id, key);
    this.#version++;
  }

  delete(id: string): boolean {
    const deleted = this.#keys.delete(id);
    if (deleted) this.#version++;
    return deleted;
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
    for (const key of await this.#source.refresh({ unknownSerial: id })) this.set(key);
    return this.#keys.get(id);
  }
}
