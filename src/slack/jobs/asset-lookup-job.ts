import { profile, type Caller } from '../../gateway/caller.js';
import { parseDuration } from '../../core/duration.js';
import { investigateAsset } from '../../investigate/index.js';
import { outcomeMessage, rootMessage, type Finding } from '../blocks/job-message-blocks.js';
import { timelineMessages, type TimelineEntry } from '../blocks/timeline-blocks.js';
import type { ThreadRef } from '../thread/thread-poster.js';
import { slackPrincipal, type JobContext, type JobOrigin } from './job-context.js';

/** A domain name (letters, a dot, a letter TLD), as opposed to a host name or an IP. */
export function looksLikeDomain(value: string): boolean {
  return /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value) && !/^\d+(\.\d+){3}$/.test(value);
}

/**
 * `investigate asset <host> [--last 72h]`: what every product says about one host — asset records
 * (Secure Endpoint, CrowdStrike) and the events naming it in the window, merged across products —
 * through the gateway as the Slack user with a read-only profile (audited there).
 */
export async function runHostLookupJob(context: JobContext, input: JobOrigin & { host: string; last: string }): Promise<ThreadRef> {
  const { runtime, poster } = context;
  const actor = slackPrincipal(input.user);
  const caller: Caller = { kind: 'slack', actor, requester: actor, permissions: profile('*', { read: true }), reason: `slack: investigate asset ${input.host} --last ${input.last}` };
  const root = { title: `Asset ${input.host}`, requester: input.user, notes: [`Read-only: asset records and the events of the last ${input.last} from every product, through the gateway; the LLM was not used.`] };
  const thread = await poster.postRoot(input.channel, rootMessage({ ...root, state: 'running' }));
  const asset = await investigateAsset(runtime.gateway(), caller, input.host, { windowHours: parseDuration(input.last, '--last') / 3_600_000, now: runtime.clock.now() });
  const findings: Finding[] = asset.records.map((record) => ({
    label: record.source,
    status: record.isolation ?? record.status ?? 'known',
    summary: [`IPs ${record.ips.join(', ') || 'none'}`, record.threatScore === undefined ? undefined : `threat score ${record.threatScore}`, record.compromised === true ? 'compromised' : undefined, record.tags?.length ? `tags ${record.tags.join(', ')}` : undefined].filter((part) => part !== undefined).join(' · '),
  }));
  for (const source of asset.sources.filter((candidate) => !candidate.ok)) findings.push({ label: source.tool, status: source.outcome, summary: source.error ?? source.outcome });
  const timeline: TimelineEntry[] = asset.timeline.map((entry) => ({ time: entry.time, mark: SEVERITY_MARK[entry.severity] ?? '•', text: `${entry.title} [${entry.sources.join(', ')}]` }));
  if (timeline.length > 0) for (const message of timelineMessages(timeline, { title: `Events naming ${input.host} (last ${input.last})` })) await poster.reply(thread, message);
  const answered = asset.sources.filter((source) => source.ok).length;
  const state = answered === 0 ? 'failed' : 'succeeded';
  const known = asset.records.length === 0 ? 'no product knows this host' : `${asset.records.length} asset record(s)`;
  await poster.reply(thread, outcomeMessage({ state, headline: `${input.host}: ${known}, ${asset.timeline.length} event(s); ${answered} of ${asset.sources.length} reads answered`, findings }));
  await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state }));
  return thread;
}

const SEVERITY_MARK: Record<string, string> = { critical: '‼', high: '!', medium: '•', low: '·', info: '·' };
