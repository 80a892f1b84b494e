// Replay protection: a notification's nonce may be accepted once while its timestamp is inside
// the window. The store is an interface so several processes of one merchant can share it
// (Redis `SET key 1 NX EX <seconds>` fits it exactly).
export interface NonceStore {
  /** Record `nonce` until `expiresAt` (unix seconds); false when it is already recorded. */
  claim(nonce: string, expiresAt: number): boolean | Promise<boolean>;
  /** Forget `nonce`, so a delivery that failed on the merchant's side can be retried. */
  release(nonce: string): void | Promise<void>;
}

export class MemoryNonceStore implements NonceStore {
  readonly #expiry = new Map<string, number>();

  claim(nonce: string, expiresAt: number): boolean {
    const now = Math.floor(Date.now() / 1000);
    // Entries go in roughly in expiry order; drop the expired ones from the front.
    for (const [key, expiry] of this.#expiry) {
      if (expiry > now) break;
      this.#expiry.delete(key);
    }
    const known = this.#expiry.get(nonce);
    if (known !== undefined && known > now) return false;
    this.#expiry.set(nonce, expiresAt);
    return true;
  }

  release(nonce: string): void {
    this.#expiry.delete(nonce);
  }

  get size(): number {
    return this.#expiry.size;
  }
}
