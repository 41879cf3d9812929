import { describe, expect, it } from 'vitest';
import { blockErrors } from '../../src/lab/products/slack.js';
import { createWorld } from '../../src/lab/scenario/index.js';
import { MAX_SECTION_TEXT, truncate } from '../../src/slack/blocks/block-limits.js';
import { chunkBlocks } from '../../src/slack/blocks/chunk-blocks.js';
import { chunkLines } from '../../src/slack/blocks/chunk-lines.js';
import { outcomeMessage, progressMessage, rootMessage } from '../../src/slack/blocks/job-message-blocks.js';
import type { SlackMessage } from '../../src/slack/blocks/slack-message.js';
import { timelineMessages, type TimelineEntry } from '../../src/slack/blocks/timeline-blocks.js';

function expectWithinLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks) {
    const texts = JSON.stringify(block).match(/"text":"((?:[^"\\]|\\.)*)"/g) ?? [];
    for (const text of texts) expect((JSON.parse(`{${text}}`) as { text: string }).text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
  }
  expect(blockErrors(message.blocks)).toBeUndefined();
}

describe('Block Kit builders', () => {
  it('keep the scenario’s longest timeline (every world event) within 50 blocks and 3,000 characters', () => {
    const world = createWorld({ seed: 2026, now: new Date('2026-03-01T12:00:00Z') });
    expect(world.events.length).toBeGreaterThan(100);
    const entries: TimelineEntry[] = world.events.map((event) => ({
      time: event.time.toISOString(),
      mark: event.tag === 'story' ? '!' : '·',
      text: [event.title, event.host, event.user, event.commandLine, event.domain, event.destinationIp].filter((part) => part !== undefined).join(' · '),
    }));
    for (const maxMessages of [1, 5, 1000]) {
      const messages = timelineMessages(entries, { title: 'Timeline of XDR-2026-001234', maxMessages, overflowHint: 'the attached JSON report' });
      expect(messages.length).toBeLessThanOrEqual(maxMessages);
      for (const message of messages) expectWithinLimits(message);
      const shown = messages.flatMap((message) => message.blocks).filter((block) => block.type === 'section').map((block) => (block as { text: { text: string } }).text.text.split('\n').length).reduce((a, b) => a + b, 0);
      const note = JSON.stringify(messages.at(-1)!.blocks.at(-1));
      if (shown < entries.length) expect(note).toContain(`${entries.length - shown} more event(s) not shown`);
      else expect(shown).toBe(entries.length);
    }
  });

  it('truncate one enormous entry instead of breaking a block', () => {
    const messages = timelineMessages([{ time: '2026-03-01T10:00:00.000Z', mark: '✓', text: 'x'.repeat(50_000) }], { title: 't' });
    expect(messages).toHaveLength(1);
    expectWithinLimits(messages[0]!);
  });

  it('keep root, progress and outcome messages within limits whatever they carry', () => {
    const long = '<script>&'.repeat(2000);
    expectWithinLimits(rootMessage({ title: long, requester: 'U0LABANA01', state: 'running', notes: [long, long] }));
    expectWithinLimits(progressMessage(Array.from({ length: 500 }, (_, index) => `${index} ${long}`), { done: false }));
    const findings = Array.from({ length: 400 }, (_, index) => ({ label: `step-${index}`, status: 'succeeded', summary: long }));
    const outcome = outcomeMessage({ state: 'succeeded', headline: long, findings, notes: [long] });
    expectWithinLimits(outcome);
    expect(JSON.stringify(outcome.blocks)).not.toContain('<script>');
  });

  it('chunk blocks and lines in order, never over the limit', () => {
    const blocks = Array.from({ length: 120 }, (_, index) => ({ type: 'divider' as const, block_id: String(index) }));
    const groups = chunkBlocks(blocks, 50);
    expect(groups.map((group) => group.length)).toEqual([50, 50, 20]);
    expect(groups.flat()).toEqual(blocks);
    expect(chunkBlocks([])).toEqual([[]]);
    const chunks = chunkLines(['a'.repeat(2000), 'b'.repeat(999), 'c'.repeat(4000)], 3000);
    expect(chunks.map((chunk) => chunk.length)).toEqual([3000, 3000]);
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});
