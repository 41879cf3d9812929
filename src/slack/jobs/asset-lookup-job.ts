import { profile, type Caller } from '../../gateway/caller.js';
import type { GatewayResult } from '../../gateway/gateway-result.js';
import { outcomeMessage, rootMessage, type Finding } from '../blocks/job-message-blocks.js';
import { timelineMessages, type TimelineEntry } from '../blocks/timeline-blocks.js';
import type { ThreadRef } from '../thread/thread-poster.js';
import { slackPrincipal, type JobContext, type JobOrigin } from './job-context.js';
import { summarizeOutput } from './run-findings.js';

/** The read-only tools a Slack user's host lookup may call, nothing else. */
export const HOST_LOOKUP_TOOLS = [
  { tool: 'secure_endpoint.get_computer', label: 'Secure Endpoint', input: (host: string) => ({ hostname: host }) },
  { tool: 'crowdstrike.get_device', label: 'CrowdStrike Falcon', input: (host: string) => ({ device: host }) },
] as const;

/** A domain name (letters, a dot, a letter TLD), as opposed to a host name or an IP. */
export function looksLikeDomain(value: string): boolean {
  return /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value) && !/^\d+(\.\d+){3}$/.test(value);
}

/**
 * `investigate asset <host>`: what Secure Endpoint and CrowdStrike say about one host, through the
 * gateway as the Slack user with a read-only profile limited to those two tools (audited there).
 */
export async function runHostLookupJob(context: JobContext, input: JobOrigin & { host: string; last: string }): Promise<ThreadRef> {
  const { runtime, poster } = context;
  const actor = slackPrincipal(input.user);
  const caller: Caller = {
    kind: 'slack',
    actor,
    requester: actor,
    permissions: profile(
      HOST_LOOKUP_TOOLS.map((entry) => entry.tool),
      { read: true },
    ),
    reason: `slack: investigate asset ${input.host}`,
  };
  const root = {
    title: `Asset ${input.host}`,
    requester: input.user,
    notes: ['Read-only lookup in Secure Endpoint and CrowdStrike through the gateway; the LLM was not used.', `--last ${input.last} applies to event searches, which come with the investigation service.`],
  };
  const thread = await poster.postRoot(input.channel, rootMessage({ ...root, state: 'running' }));
  const timeline: TimelineEntry[] = [];
  const findings: Finding[] = [];
  let failures = 0;
  for (const entry of HOST_LOOKUP_TOOLS) {
    timeline.push({ time: runtime.clock.now().toISOString(), mark: '…', text: `${entry.label}: ${entry.tool}` });
    let result: GatewayResult;
    try {
      result = await runtime.gateway().call(entry.tool, entry.input(input.host), caller);
    } catch (error) {
      // An unconfigured integration is a finding, not a crash.
      failures += 1;
      findings.push({ label: entry.label, status: 'unavailable', summary: (error as Error).message });
      timeline.push({ time: runtime.clock.now().toISOString(), mark: '✗', text: `${entry.label}: ${(error as Error).message}` });
      continue;
    }
    const summary = result.outcome === 'succeeded' ? summarizeOutput(result.output) : result.outcome === 'failed' ? result.error.message : 'reason' in result ? result.reason : result.outcome;
    if (result.outcome !== 'succeeded') failures += 1;
    findings.push({ label: entry.label, status: result.outcome, summary });
    timeline.push({ time: runtime.clock.now().toISOString(), mark: result.outcome === 'succeeded' ? '✓' : '✗', text: `${entry.label}: ${summary}` });
  }
  for (const message of timelineMessages(timeline, { title: `Lookup of ${input.host}` })) await poster.reply(thread, message);
  const state = failures === HOST_LOOKUP_TOOLS.length ? 'failed' : 'succeeded';
  await poster.reply(thread, outcomeMessage({ state, headline: `${input.host}: ${HOST_LOOKUP_TOOLS.length - failures} of ${HOST_LOOKUP_TOOLS.length} sources answered`, findings }));
  await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state }));
  return thread;
}
