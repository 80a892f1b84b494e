// The WeChat Pay documentation corpus: the one Need every corpus suite shares. It is a snapshot
// of the `openapi/` and `webhook/` folders of the public repository github.com/wechatpay-im/website,
// so a clone of that repository at the commit below is itself a corpus (WXPAY_CORPUS=<clone>).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Need } from './needs.js';

export const CORPUS_REPOSITORY = 'https://github.com/wechatpay-im/website';
/** The last commit of 2025-12-03 (the snapshot's date): its openapi/ and webhook/ are the corpus, file for file. */
export const CORPUS_COMMIT = 'd5c259c8c0e720494082cd17169a57f6d2c95f9c';

const DEFAULT = resolve(__dirname, '../../../shared/corpus/wechatpay-docs');

/** Where the corpus is looked for: $WXPAY_CORPUS, else ../shared/corpus/wechatpay-docs beside the repository. */
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
      `Looked for openapi/ and webhook/ in ${dir} (set WXPAY_CORPUS to look elsewhere). ` +
      `Get it with: git clone ${CORPUS_REPOSITORY} && git -C website checkout ${CORPUS_COMMIT}, then WXPAY_CORPUS=$PWD/website.`,
  };
}

export const CORPUS = corpusPath();
export const corpus: Need = corpusNeed(CORPUS);
