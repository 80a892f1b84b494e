// "Did you mean": a call WeChat Pay answered 404 for a path the documentation does not have
// (plain JavaScript has no compile-time check of the path) names the nearest documented template.
import { nearest } from '../nearest.js';

let known: Set<string> | undefined;

/** The hint for a template the shipped model does not document, or undefined (documented, or nothing near). */
export function templateHint(template: string, documented: () => Iterable<{ template: string }>): string | undefined {
  known ??= new Set([...documented()].map((endpoint) => endpoint.template));
  if (known.has(template)) return undefined;
  const guess = nearest(template, known, (candidate) => Math.max(3, Math.floor(candidate.length / 4)));
  return `${template} is not a documented URI template${guess ? `; did you mean ${guess}?` : ''}`;
}
