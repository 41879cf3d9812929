import { MAX_BLOCKS_PER_MESSAGE, type Block } from './block-limits.js';

/**
 * Splits blocks into messages of at most `perMessage` blocks (default Slack's 50), keeping order.
 * Always returns at least one (possibly empty) group so callers can post "nothing to show".
 */
export function chunkBlocks(blocks: readonly Block[], perMessage = MAX_BLOCKS_PER_MESSAGE): Block[][] {
  if (perMessage < 1) throw new RangeError('perMessage must be at least 1');
  const groups: Block[][] = [];
  for (let index = 0; index < blocks.length; index += perMessage) groups.push(blocks.slice(index, index + perMessage));
  return groups.length === 0 ? [[]] : groups;
}
