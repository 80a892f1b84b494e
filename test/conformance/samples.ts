// The calling samples of one documentation page: per method section (`# … {#post}`), the PHP
// blocks of its code group, by their label (`同步纯链式`, `异步声明式`, …).

export interface SampleBlock {
  label: string;
  code: string;
}

export interface MethodSamples {
  method: string;
  blocks: SampleBlock[];
}

const HEADING = /^#{1,3} .*\{#(get|post|put|patch|delete)\}\s*$/;

export function methodSamples(markdown: string): MethodSamples[] {
  const out: MethodSamples[] = [];
  let current: MethodSamples | undefined;
  let block: SampleBlock | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    if (block) {
      if (/^```\s*$/.test(line)) {
        current?.blocks.push(block);
        block = undefined;
      } else block.code += `${line}\n`;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      out.push((current = { method: heading[1]!, blocks: [] }));
      continue;
    }
    const fence = /^```php\s*(?:\[(.*)\])?/.exec(line);
    if (fence) block = { label: fence[1] ?? '', code: '' };
  }
  return out;
}

/** The six calling-style labels every page uses. */
export const STYLE_LABELS = ['异步纯链式', '异步声明式', '异步属性式', '同步纯链式', '同步声明式', '同步属性式'] as const;
