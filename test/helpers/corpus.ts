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
