import type { IocType, PivotReport } from '../../correlate/index.js';
import type { TimelineEntry as PivotTimelineEntry } from '../../investigate/timeline/index.js';
import { outcomeMessage, rootMessage, type Finding } from '../blocks/job-message-blocks.js';
import { timelineMessages, type TimelineEntry } from '../blocks/timeline-blocks.js';
import type { ThreadRef } from '../thread/thread-poster.js';
import { slackPrincipal, type JobContext, type JobOrigin } from './job-context.js';

/** Timeline messages posted at most; the full report is attached when they cannot hold it. */
const MAX_TIMELINE_MESSAGES = 4;

const SEVERITY_MARK: Record<string, string> = { critical: '‼', high: '!', medium: '•', low: '·', info: '·' };

/**
 * `/defenseclaw event correlate --ioc <value>`: every sighting of the indicator across the
 * products, read through the gateway as the Slack user (read tools only, audited), posted as
 * one ordered timeline in a thread, with the products that saw it and any source that failed.
 */
export async function runCorrelateJob(context: JobContext, input: JobOrigin & { ioc: string; iocType: IocType; last: string }): Promise<{ thread: ThreadRef; report: PivotReport }> {
  const { runtime, poster } = context;
  const root = {
    title: `Sightings of ${input.ioc} (${input.iocType}, last ${input.last})`,
    requester: input.user,
    notes: ['Read-only: every product searched through the gateway as you (read tools only, audited). The LLM was not used.'],
  };
  const thread = await poster.postRoot(input.channel, rootMessage({ ...root, state: 'running' }));
  let report: PivotReport;
  try {
    report = await runtime.correlation().pivot({ ioc: input.ioc, type: input.iocType, last: input.last, as: { kind: 'slack', actor: slackPrincipal(input.user) } });
  } catch (error) {
    await poster.reply(thread, outcomeMessage({ state: 'failed', headline: `The search for ${input.ioc} failed: ${(error as Error).message}`, findings: [] }));
    await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state: 'failed' }));
    throw error;
  }
  const messages = timelineMessages(report.timeline.map(timelineLine), {
    title: `Timeline of ${input.ioc}`,
    maxMessages: MAX_TIMELINE_MESSAGES,
    overflowHint: 'the attached JSON report',
  });
  for (const message of messages) await poster.reply(thread, message);
  const answered = report.sources.filter((source) => source.ok).length;
  const state = answered === 0 && report.sources.length > 0 ? 'failed' : 'succeeded';
  const headline =
    report.sightings === 0
      ? `${input.ioc}: no sighting in ${answered} of ${report.sources.length} searches`
      : `${input.ioc}: ${report.sightings} sighting(s) in ${report.products.length} product(s): ${report.products.map((product) => product.product).join(', ')}`;
  await poster.reply(thread, outcomeMessage({ state, headline, findings: findingsOf(report), notes: report.partial ? ['Some searches failed or were cut: the timeline holds what the others returned.'] : [] }));
  if (timelineOverflows(report)) {
    await poster.uploadJson(thread, {
      filename: `sightings-${input.iocType}.json`,
      title: `Sightings of ${input.ioc}`,
      comment: `Every sighting of ${input.ioc} (${report.timeline.length} timeline entries)`,
      data: runtime.redactor.redact(report),
    });
  }
  await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state }));
  return { thread, report };
}

function timelineLine(entry: PivotTimelineEntry): TimelineEntry {
  const entities = [
    ...entry.entities.hosts.slice(0, 3),
    ...entry.entities.users.slice(0, 2),
    ...entry.entities.ips.slice(0, 3),
    ...entry.entities.domains.slice(0, 2),
  ];
  return {
    time: entry.time,
    mark: SEVERITY_MARK[entry.severity] ?? '·',
    text: `[${entry.sources.join(', ')}] ${entry.title}${entities.length === 0 ? '' : ` — ${entities.join(', ')}`}`,
  };
}

function findingsOf(report: PivotReport): Finding[] {
  const findings: Finding[] = report.products.map((product) => ({
    label: product.product,
    status: `${product.sightings} sighting(s)`,
    summary: product.first === product.last ? product.first : `${product.first} → ${product.last}`,
  }));
  for (const source of report.sources.filter((candidate) => !candidate.ok)) {
    findings.push({ label: `${source.source} (${source.tool})`, status: source.outcome, summary: source.error ?? source.outcome });
  }
  return findings;
}

/** Whether the posted timeline leaves entries out (the thread then gets the JSON report too). */
function timelineOverflows(report: PivotReport): boolean {
  const messages = timelineMessages(report.timeline.map(timelineLine), { title: 'x', maxMessages: MAX_TIMELINE_MESSAGES });
  return JSON.stringify(messages.at(-1)?.blocks ?? []).includes('more event(s) not shown');
}
