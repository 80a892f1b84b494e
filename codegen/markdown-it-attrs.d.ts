declare module 'markdown-it-attrs' {
  import type MarkdownIt from 'markdown-it';
  const attrs: MarkdownIt.PluginWithOptions<{ leftDelimiter?: string; rightDelimiter?: string; allowedAttributes?: string[] }>;
  export default attrs;
}
