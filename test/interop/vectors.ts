// Reading the published vectors under vectors/ (data only: see vectors/README.md), and the clock
// they were made at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VECTORS = join(__dirname, 'vectors');

/** Where a vector comes from: a repository file at a commit, or a documentation page. */
export type Source = { repository: string; path: string; commit: string; licence: string; note?: string } | { page: string; licence: string; mirroredIn?: Source };

export function vectors<T>(name: string): T {
  return JSON.parse(readFileSync(join(VECTORS, name), 'utf8')) as T;
}

export function vectorFile(name: string): Buffer {
  return readFileSync(join(VECTORS, name));
}

export function pem(name: string): string {
  return readFileSync(join(VECTORS, name), 'utf8');
}

/** Every vector names where it came from, at which commit, under which licence. */
export function expectSourced(source: Source): void {
  if ('page' in source) {
    expect(source.page).toMatch(/^https:\/\/pay\.weixin\.qq\.com\//);
  } else {
    expect(source.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(source.path).not.toBe('');
  }
  expect(source.licence).not.toBe('');
}

/** Pins `Date.now` (the SDK's clock) to a unix time until `jest.restoreAllMocks()`. */
export function pinClock(unixSeconds: number): jest.SpyInstance<number, []> {
  return jest.spyOn(Date, 'now').mockReturnValue(unixSeconds * 1000);
}
