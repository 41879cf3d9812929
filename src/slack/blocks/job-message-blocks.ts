import { MAX_BLOCKS_PER_MESSAGE, MAX_FALLBACK_TEXT, contextBlock, escapeMrkdwn, sectionBlock, truncate, type Block } from './block-limits.js';
import { chunkLines } from './chunk-lines.js';
import type { SlackMessage } from './slack-message.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'waiting_approval' | 'cancelled';

const STATE_LABEL: Record<JobState, string> = {
  queued: ':hourglass_flowing_sand: queued',
  running: ':arrows_counterclockwise: running',
  succeeded: ':white_check_mark: finished',
  failed: ':x: failed',
  waiting_approval: ':double_vertical_bar: waiting for an approval',
  cancelled: ':no_entry_sign: cancelled',
};

export interface RootMessageInput {
  /** e.g. "Investigation of XDR-2026-001234". */
  title: string;
  /** Slack user id of who asked. */
  requester: string;
  state: JobState;
  /** Plain statements shown under the title (how the job works, what was not used). */
  notes?: readonly string[];
  /** The run behind the job, once known. */
  runId?: string;
}

/** The root message of a job's thread: what, who asked, how, and its current state. */
export function rootMessage(input: RootMessageInput): SlackMessage {
  const blocks: Block[] = [
    sectionBlock(`*${escapeMrkdwn(input.title)}*\nrequested by <@${input.requester}> · ${STATE_LABEL[input.state]}`),
  ];
  for (const note of input.notes ?? []) blocks.push(contextBlock(escapeMrkdwn(note)));
  if (input.runId !== undefined) blocks.push(contextBlock(`run \`${escapeMrkdwn(input.runId)}\` · details in the thread`));
  return { text: truncate(`${input.title} (${input.state.replace('_', ' ')})`, MAX_FALLBACK_TEXT), blocks };
}

/** The single progress message of a thread, updated in place: the latest lines of progress. */
export function progressMessage(lines: readonly string[], options: { done: boolean; maxLines?: number }): SlackMessage {
  const maxLines = options.maxLines ?? 12;
  const shown = lines.slice(-maxLines).map((line) => escapeMrkdwn(line));
  const hidden = lines.length - shown.length;
  const header = `${options.done ? '*Progress* (done)' : '*Progress*'}${hidden > 0 ? ` · ${hidden} earlier line(s) in the timeline` : ''}`;
  const text = [header, ...shown].join('\n');
  return { text: options.done ? 'Progress (done)' : 'Progress', blocks: [sectionBlock(truncate(text, 2900))] };
}

export interface Finding {
  /** Step or source name. */
  label: string;
  status: string;
  summary: string;
}

export interface OutcomeMessageInput {
  state: JobState;
  /** One-line statement of the outcome. */
  headline: string;
  findings: readonly Finding[];
  /** Extra context lines (approval ids, errors, where the report is). */
  notes?: readonly string[];
}

/** Findings and the outcome of a job, posted in its thread (at most 50 blocks, 3,000 characters each). */
export function outcomeMessage(input: OutcomeMessageInput): SlackMessage {
  const blocks: Block[] = [sectionBlock(`${STATE_LABEL[input.state]} · ${escapeMrkdwn(input.headline)}`)];
  const lines = input.findings.map((finding) => `• *${escapeMrkdwn(finding.label)}* (${escapeMrkdwn(finding.status)}): ${escapeMrkdwn(truncate(finding.summary, 400))}`);
  const notes = (input.notes ?? []).map((note) => escapeMrkdwn(note));
  // Room for the headline and one context block of notes.
  const sections = chunkLines(lines).slice(0, MAX_BLOCKS_PER_MESSAGE - 2).map((chunk) => sectionBlock(chunk));
  blocks.push(...sections);
  if (notes.length > 0) blocks.push(contextBlock(truncate(notes.join('\n'), 2900)));
  return { text: truncate(input.headline, MAX_FALLBACK_TEXT), blocks };
}
