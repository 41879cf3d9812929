import { MAX_SECTION_TEXT, truncate } from './block-limits.js';

/**
 * Packs lines into texts of at most `limit` characters (joined by newlines), in order. A single
 * line longer than the limit is truncated rather than split mid-word across blocks.
 */
export function chunkLines(lines: readonly string[], limit = MAX_SECTION_TEXT): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, limit);
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= limit) current += `\n${line}`;
    else {
      chunks.push(current);
      current = line;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}
