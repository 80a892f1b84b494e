// The WeChat Pay documentation corpus: the one Need every corpus suite shares. It is a snapshot
// of the `openapi/` and `webhook/` folders of the public repository github.com/wechatpay-im/website,
// so a clone of that repository at the commit below is itself a corpus (WXPAY_CORPUS=<clone>).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Need } from './needs.js';

export const CORPUS_REPOSITORY = 'https://github.com/wechatpay-im/website';
/** The snapshot of 2026-08-22 the generated catalogue is built from: its openapi/ and webhook/ are the corpus, file for file. */
export const CORPUS_COMMIT = '35a35c5616a62303ae1671f3715b010333f26042';
/** The folder name the snapshot has beside the repository (`../shared/corpus/<name>`). */
export const CORPUS_FOLDER = 'wechatpay-docs-35a35c5';

const DEFAULT = resolve(__dirname, '../../../shared/corpus', CORPUS_FOLDER);

/** Where the corpus is looked for: $WXPAY_CORPUS, else ../shared/corpus/wechatpay-docs-35a35c5 beside the repository. */
export function corpusPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.WXPAY_CORPUS ? resolve(env.WXPAY_CORPUS) : DEFAULT;
}

/** A folder is a corpus when it has both documentation folders. */
export function isCorpus(dir: string): boolean {
  return existsSync(join(dir, 'openapi')) && existsSync(join(dir, 'webhook'));
}

export function corpusNeed(dir: string = corpusPath()): Need {
  return {
    name: 'the WeChat Pay documentation corpus',
    present: isCorpus(dir),
    how:
      `Looked for openapi/ and webhook/ of snapshot ${CORPUS_COMMIT.slice(0, 7)} in ${dir} (set WXPAY_CORPUS to look elsewhere). ` +
      `Get it with: git clone ${CORPUS_REPOSITORY} && git -C website checkout ${CORPUS_COMMIT}, then WXPAY_CORPUS=$PWD/website.`,
  };
}

export const CORPUS = corpusPath();
export const corpus: Need = corpusNeed(CORPUS);

/** The snapshot before it (2025-12-03), kept beside it for the API-surface changelog between the two. */
export const PREVIOUS_COMMIT = 'd5c259c8c0e720494082cd17169a57f6d2c95f9c';
const PREVIOUS_DEFAULT = resolve(__dirname, '../../../shared/corpus/wechatpay-docs');

/** Where the previous snapshot is looked for: $WXPAY_CORPUS_PREVIOUS, else ../shared/corpus/wechatpay-docs. */
export function previousCorpusPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.WXPAY_CORPUS_PREVIOUS ? resolve(env.WXPAY_CORPUS_PREVIOUS) : PREVIOUS_DEFAULT;
}

/** Both snapshots, for the suites that compare them. */
export function bothSnapshotsNeed(previous: string = previousCorpusPath(), current: string = CORPUS): Need {
  return {
    name: `the documentation snapshots ${PREVIOUS_COMMIT.slice(0, 7)} and ${CORPUS_COMMIT.slice(0, 7)}`,
    present: isCorpus(previous) && isCorpus(current),
    how:
      `Looked for openapi/ and webhook/ in ${previous} (WXPAY_CORPUS_PREVIOUS) and ${current} (WXPAY_CORPUS). ` +
      `Get them with: git clone ${CORPUS_REPOSITORY} && git -C website checkout <commit> for ${PREVIOUS_COMMIT} and ${CORPUS_COMMIT}.`,
  };
}

