import type { Approval } from '../../approvals/index.js';
import type { Runtime } from '../../app/runtime.js';

/** A Slack thread: the channel and the `ts` of its first message. */
export interface SlackThread {
  channel: string;
  threadTs: string;
}

/** Finds the Slack thread of the job (run) an approval belongs to; undefined when it has none. */
export type JobThreadLocator = (approval: Approval) => SlackThread | undefined;

/**
 * The default locator: the thread is read back from what the run already stores (its trigger),
 * so nothing new is stored for approvals. A job started from Slack records where it was started;
 * the accepted shapes are `trigger.slack.{channel, thread_ts | threadTs | ts}` and
 * `trigger.{channel | channel_id, thread_ts | threadTs}`. Anything else: no thread.
 */
export function runTriggerThreadLocator(runtime: Runtime): JobThreadLocator {
  return (approval) => {
    if (approval.runId === null) return undefined;
    const run = runtime.runs().getRun(approval.runId);
    if (run === undefined) return undefined;
    let stored: unknown;
    try {
      stored = JSON.parse(run.params);
    } catch {
      return undefined;
    }
    const trigger = record(record(stored)?.trigger);
    if (trigger === undefined) return undefined;
    return threadFrom(record(trigger.slack)) ?? threadFrom(trigger);
  };
}

function threadFrom(value: Record<string, unknown> | undefined): SlackThread | undefined {
  if (value === undefined) return undefined;
  const channel = text(value.channel) ?? text(value.channel_id) ?? text(value.channelId);
  const threadTs = text(value.thread_ts) ?? text(value.threadTs) ?? text(value.ts);
  if (channel === undefined || threadTs === undefined || !/^\d+\.\d+$/.test(threadTs)) return undefined;
  return { channel, threadTs };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
