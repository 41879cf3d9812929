import type { Approval } from '../../approvals/index.js';
import type { GatewayResult } from '../../gateway/gateway-result.js';
import type { InvestigationProgress, InvestigationResult, InvestigationService, ProposedAction } from '../../investigate/index.js';
import { collapseBursts } from '../../investigate/timeline/index.js';
import { renderInvestigationReport } from '../../reports/index.js';
import { messageForApproval } from '../approvals/approval-message.js';
import { principalText } from '../approvals/block-kit-text.js';
import { MAX_BLOCKS_PER_MESSAGE, MAX_FALLBACK_TEXT, contextBlock, escapeMrkdwn, sectionBlock, truncate, type Block } from '../blocks/block-limits.js';
import { chunkLines } from '../blocks/chunk-lines.js';
import type { SlackMessage } from '../blocks/slack-message.js';
import { timelineMessages, type TimelineEntry } from '../blocks/timeline-blocks.js';
import type { ThreadRef } from '../thread/thread-poster.js';
import { slackPrincipal, type JobContext, type JobOrigin } from './job-context.js';
import { summarizeOutput } from './run-findings.js';

/*
 * `/defenseclaw investigate <alert-id>`: the investigation service (the same one the CLI runs)
 * told in a Slack thread. Everything an investigation returns that came from a product or the
 * model (titles, summaries, reasons, verdict details, host names) is untrusted: every builder
 * below escapes it for mrkdwn (`<`, `>`, `&`), so it can neither mention (`<!channel>`,
 * `<@U…>`) nor link; only ids this code made (the requester's user id, approvers) mention.
 */

export interface InvestigationJobInput extends JobOrigin {
  alertId: string;
}

export interface InvestigationJobResult {
  thread: ThreadRef;
  result: InvestigationResult;
  /** Stops waiting for the decisions of the approvals the job posted (they run once approved). */
  stopWatching(): void;
}

/** Slack's state words for the root message. */
const STATE_LABEL: Record<'running' | InvestigationResult['status'], string> = {
  running: ':arrows_counterclockwise: running',
  complete: ':white_check_mark: done',
  partial: ':warning: partial',
  failed: ':x: failed',
};

const SEVERITY_MARK: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

const VERDICT_MARK: Readonly<Record<string, string>> = {
  malicious: ':red_circle:',
  suspicious: ':large_orange_circle:',
  clean: ':large_green_circle:',
  unknown: ':white_circle:',
};

const VERDICT_ORDER = ['malicious', 'suspicious', 'clean', 'unknown'];

/** A gateway outcome of a proposal, in words. */
const OUTCOME_TEXT: Readonly<Record<string, string>> = {
  awaiting_approval: 'awaiting approval',
  denied: 'refused by the gateway',
  invalid: 'refused as invalid',
  failed: 'failed',
  rejected: 'denied by an approver',
  expired: 'approval expired',
  dry_run: 'dry run only',
  succeeded: 'ran',
};

/** Input fields that name what an action is about, shown first. */
const SUBJECT_FIELDS = ['hostname', 'host', 'device', 'ip', 'domain', 'url', 'hash', 'sha256', 'user', 'username', 'email'];

/**
 * Runs an investigation for a Slack user and tells it in a thread: the root message in the
 * channel (title, requester, running; whether the LLM is used and, if not, why), one progress
 * message updated in place, then the timeline (bursts collapsed), enrichment, findings, the
 * proposed actions (an approval message with Approve / Deny per action awaiting approval, a line
 * per refused one) and the HTML report as a file; finally the root message says done, partial or
 * failed. An action approved later (a click on its message in this process) runs once through
 * the gateway and its outcome is told in the thread.
 */
export async function runInvestigationJob(context: JobContext, input: InvestigationJobInput): Promise<InvestigationJobResult> {
  const { runtime, poster, logger } = context;
  const requester = slackPrincipal(input.user);
  let service: InvestigationService;
  let availability: ReturnType<InvestigationService['llmAvailability']>;
  try {
    service = runtime.investigations();
    availability = service.llmAvailability();
  } catch (error) {
    // A configuration the service cannot be built from: said in the channel, then thrown (the listener answers the user).
    await poster.postRoot(input.channel, investigationRootMessage({ alertId: input.alertId, requester: input.user, mode: 'deterministic', error: (error as Error).message }));
    throw error;
  }
  const root = {
    alertId: input.alertId,
    requester: input.user,
    mode: availability.available ? ('llm' as const) : ('deterministic' as const),
    ...(availability.available ? { model: service.options.settings.llm.model } : { llmNotUsedReason: availability.reason }),
  };
  const thread = await poster.postRoot(input.channel, investigationRootMessage(root));
  const progress = poster.progress(thread);
  let reads = 0;
  const onProgress = (event: InvestigationProgress) => {
    if (event.kind === 'tool' && isRead(event.outcome)) reads += 1;
    const line = progressLine(event, reads);
    if (line !== undefined) progress.push(line);
  };

  let result: InvestigationResult;
  try {
    result = await service.investigate({ alertId: input.alertId, requester, onProgress });
  } catch (error) {
    await progress.finish();
    await poster.reply(thread, textMessage(`:x: The investigation of ${escapeMrkdwn(input.alertId)} could not run: ${escapeMrkdwn((error as Error).message.split('\n')[0] ?? '')}`));
    await poster.update(thread.channel, thread.ts, () => investigationRootMessage({ ...root, error: (error as Error).message }));
    throw error;
  }
  // From here on an approval may be decided at any moment: listen before posting anything.
  const stopWatching = runApprovedProposals(context, thread, result);
  progress.push(`${result.status === 'complete' ? 'done' : result.status} after ${reads} read(s); the timeline, findings and proposed actions follow`);
  await progress.finish();

  try {
    const messages = investigationThreadMessages(result);
    for (const message of messages.timeline) await poster.reply(thread, message);
    if (messages.enrichment !== undefined) await poster.reply(thread, messages.enrichment);
    if (messages.findings !== undefined) await poster.reply(thread, messages.findings);
    if (messages.proposals !== undefined) await poster.reply(thread, messages.proposals);
    for (const proposal of result.proposals) {
      if (proposal.outcome !== 'awaiting_approval' || proposal.approvalId === undefined) continue;
      try {
        await postApproval(context, thread, proposal, proposal.approvalId);
      } catch (error) {
        // The approval stands (the approval poster or the CLI can still show it); the thread goes on.
        logger.warn({ err: error, approval_id: proposal.approvalId }, 'could not post an investigation approval message');
      }
    }
  } catch (error) {
    // Slack refused the thread: the root must not stay "running".
    await poster.update(thread.channel, thread.ts, () => investigationRootMessage({ ...root, result })).catch(() => undefined);
    throw error;
  }

  const reportFile = `${result.id}.html`;
  let reportUploaded = true;
  try {
    const html = renderInvestigationReport(runtime.redactor.redact(result), 'html', { version: runtime.version, generatedAt: runtime.clock.now().toISOString() });
    await poster.uploadFile(thread, { filename: reportFile, title: `Investigation ${result.id} of ${result.alertId}`, comment: `Report of investigation ${result.id} (${result.status})`, content: html });
  } catch (error) {
    reportUploaded = false;
    logger.warn({ err: error, investigation: result.id }, 'could not upload the investigation report to slack');
    await poster.reply(thread, textMessage(`:warning: The HTML report could not be uploaded (${escapeMrkdwn((error as Error).message.split('\n')[0] ?? '')}); \`defenseclaw investigate show ${escapeMrkdwn(result.id)}\` has the result.`));
  }
  await poster.update(thread.channel, thread.ts, () => investigationRootMessage({ ...root, result, ...(reportUploaded ? { reportFile } : {}) }));
  return { thread, result, stopWatching };
}

/** Gateway outcomes of a read (as opposed to a proposal, which is awaiting approval, refused or a dry run). */
function isRead(outcome: string): boolean {
  return outcome !== 'awaiting_approval' && outcome !== 'denied' && outcome !== 'dry_run';
}

/**
 * A progress event as one line (plain text; the progress message escapes it), or nothing:
 * `reads` counts the reads so far, this event included. Reads are told every tenth one, failed
 * reads one by one.
 */
export function progressLine(event: InvestigationProgress, reads: number): string | undefined {
  switch (event.kind) {
    case 'started':
      return `investigating ${event.alertId} as ${event.id}: ${event.mode === 'llm' ? 'LLM over the deterministic triage' : `deterministic triage, the LLM is not used (${event.llmNotUsedReason ?? 'not configured'})`}`;
    case 'tool':
      if (!isRead(event.outcome)) return undefined;
      if (event.outcome !== 'succeeded') return `✗ ${event.tool}: ${event.outcome} (${event.durationMs} ms)`;
      return reads % 10 === 0 ? `read ${reads} sources…` : undefined;
    case 'triaged':
      return `read ${reads} sources: ${event.entries} timeline events, ${event.findings} findings${event.sourcesFailed === 0 ? '' : `, ${event.sourcesFailed} source(s) failed`}`;
    case 'model_turn':
      return `model turn ${event.turn}: ${event.toolCalls.length === 0 ? event.stopReason : event.toolCalls.join(', ')}`;
    case 'proposal':
      return `proposed ${describeAction(event.proposal)}: ${outcomeText(event.proposal.outcome)}${event.proposal.approvalId === undefined ? '' : ` (approval ${event.proposal.approvalId})`}`;
  }
}

/**
 * Posts the approval message of one proposal in the thread, the same message (and buttons) the
 * approval poster posts, and records where it is (`setMessage`), so the Approve / Deny listener
 * decides it through the approval service and rewrites this message. When the approval poster
 * already posted it elsewhere (an approvals channel), the thread gets a line saying where.
 */
async function postApproval(context: JobContext, thread: ThreadRef, proposal: ProposedAction, approvalId: string): Promise<void> {
  const { runtime, poster, logger } = context;
  const approvals = runtime.approvals();
  const before = approvals.get(approvalId);
  if (before === undefined) {
    await poster.reply(thread, textMessage(`:warning: Approval \`${escapeMrkdwn(approvalId)}\` for ${escapeMrkdwn(describeAction(proposal))} is not in the database any more.`));
    return;
  }
  if (before.messageTs !== null) {
    await poster.reply(thread, textMessage(elsewhereText(before, proposal)));
    return;
  }
  const ts = await poster.reply(thread, messageForApproval(before, { now: runtime.clock.now() }) as SlackMessage);
  if (ts === '') return;
  const current = approvals.get(approvalId);
  if (current !== undefined && current.messageTs !== null) {
    // The approval poster posted it while this message was on its way: keep one live message.
    await poster.update(thread.channel, ts, () => textMessage(elsewhereText(current, proposal))).catch((error: unknown) => logger.warn({ err: error, approval_id: approvalId }, 'could not replace a duplicate approval message'));
    return;
  }
  const stored = approvals.setMessage(approvalId, thread.channel, ts);
  // Decided while it was being posted: show the decision at once.
  if (stored.state !== 'pending') await poster.update(thread.channel, ts, () => messageForApproval(stored, { now: runtime.clock.now() }) as SlackMessage);
}

function elsewhereText(approval: Approval, proposal: ProposedAction): string {
  const where = approval.channel !== null && /^[CGD][A-Z0-9]{2,}$/.test(approval.channel) ? ` in <#${approval.channel}>` : '';
  return `:double_vertical_bar: ${escapeMrkdwn(describeAction(proposal))}: approval \`${escapeMrkdwn(approval.id)}\` (${escapeMrkdwn(approval.state)}) is posted${where}; decide it there.`;
}

/**
 * Runs each proposal of `result` that an approver approves (once, through the gateway, bound to
 * its approval) and tells the outcome in the thread. Listens to the approval service of this
 * process, so a click on Approve runs the action at once; it stops when every approval is
 * decided or expired. Returns the stop function.
 */
/** Per runtime (one bot), the approvals its running investigation jobs watch and run themselves once approved. */
const WATCHED_APPROVALS = new WeakMap<object, Set<string>>();

/** Whether an investigation job of this bot will run this approval's action when it is approved. */
export function watchedByInvestigationJob(runtime: object, approvalId: string): boolean {
  return WATCHED_APPROVALS.get(runtime)?.has(approvalId) === true;
}

function runApprovedProposals(context: JobContext, thread: ThreadRef, result: InvestigationResult): () => void {
  const { runtime, poster, logger } = context;
  const watched = new Map<string, ProposedAction>();
  for (const proposal of result.proposals) if (proposal.outcome === 'awaiting_approval' && proposal.approvalId !== undefined) watched.set(proposal.approvalId, proposal);
  if (watched.size === 0) return () => undefined;
  const approvals = runtime.approvals();
  const handled = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: () => void = () => undefined;
  const watching = WATCHED_APPROVALS.get(runtime) ?? new Set<string>();
  WATCHED_APPROVALS.set(runtime, watching);
  for (const id of watched.keys()) watching.add(id);
  const stop = () => {
    stopped = true;
    for (const id of watched.keys()) watching.delete(id);
    unsubscribe();
    if (timer !== undefined) clearTimeout(timer);
  };
  const run = async (proposal: ProposedAction, approval: Approval) => {
    let ran: Awaited<ReturnType<ReturnType<typeof runtime.investigations>['runApproved']>>;
    try {
      ran = await runtime.investigations().runApproved(approval);
    } catch (error) {
      logger.error({ err: error, approval_id: approval.id, tool: proposal.tool }, 'an approved investigation action could not run');
      await poster.reply(thread, textMessage(`:x: ${escapeMrkdwn(describeAction(proposal))} was approved but could not run: ${escapeMrkdwn((error as Error).message.split('\n')[0] ?? '')}`));
      return;
    }
    // Undefined: another process (the CLI, another replica) ran it first.
    if (ran !== undefined) await poster.reply(thread, approvedActionMessage(proposal, approval, ran.result));
  };
  const onDecision = (approval: Approval) => {
    if (stopped || approval.state === 'pending' || handled.has(approval.id)) return;
    const proposal = watched.get(approval.id);
    if (proposal === undefined) return;
    handled.add(approval.id);
    // executedAt set: the call already ran (another process consumed the approval).
    if (approval.state === 'approved' && approval.executedAt === null) {
      void run(proposal, approval).catch((error: unknown) => logger.warn({ err: error, approval_id: approval.id }, 'could not tell the thread about an approved action'));
    }
    if (handled.size === watched.size) stop();
  };
  unsubscribe = approvals.onDecided(onDecision);
  // Decided before the listener was there.
  for (const id of watched.keys()) {
    const approval = approvals.get(id);
    if (approval !== undefined) onDecision(approval);
  }
  if (!stopped) {
    // Past the last expiry nothing can be approved any more.
    const lastExpiry = Math.max(...[...watched.values()].map((proposal) => Date.parse(proposal.expiresAt ?? '') || 0));
    const waitMs = Math.min(Math.max(lastExpiry - runtime.clock.now().getTime(), 0) + 60_000, 2 ** 31 - 1);
    timer = setTimeout(stop, waitMs);
    timer.unref();
  }
  return stop;
}

/** The thread's line once an approved action ran (or did not). Tool output is quoted, escaped. */
export function approvedActionMessage(proposal: ProposedAction, approval: Pick<Approval, 'id' | 'decidedBy'>, outcome: GatewayResult): SlackMessage {
  const action = escapeMrkdwn(describeAction(proposal));
  const by = approval.decidedBy === null ? '' : ` by ${principalText(approval.decidedBy)}`;
  const ref = `approval \`${escapeMrkdwn(approval.id)}\`${by}`;
  let text: string;
  switch (outcome.outcome) {
    case 'succeeded':
      text = `:white_check_mark: Approved action ran: *${action}* (${ref}): ${escapeMrkdwn(truncate(summarizeOutput(outcome.output), 500))}`;
      break;
    case 'failed':
      text = `:x: Approved action failed: *${action}* (${ref}): ${escapeMrkdwn(truncate(outcome.error.message, 500))}`;
      break;
    default:
      text = `:no_entry: Approved action did not run: *${action}* (${ref}): ${escapeMrkdwn(outcomeText(outcome.outcome))}${'reason' in outcome ? `: ${escapeMrkdwn(truncate(outcome.reason, 500))}` : ''}`;
  }
  return { text: truncate(plainFallback(text), MAX_FALLBACK_TEXT), blocks: [sectionBlock(text)] };
}

export interface InvestigationRootInput {
  alertId: string;
  /** Slack user id of who asked. */
  requester: string;
  mode: InvestigationResult['mode'];
  llmNotUsedReason?: string;
  model?: string;
  /** Once finished. */
  result?: InvestigationResult;
  /** Name of the uploaded report, once uploaded. */
  reportFile?: string;
  /** Set when the investigation could not run at all. */
  error?: string;
}

/** The root message: title, requester, state, how it runs (LLM or not, and why), then the outcome in one line. */
export function investigationRootMessage(input: InvestigationRootInput): SlackMessage {
  const result = input.result;
  const state = input.error !== undefined ? 'failed' : (result?.status ?? 'running');
  const mode = result?.mode ?? input.mode;
  const notUsed = result?.llmNotUsedReason ?? input.llmNotUsedReason;
  const title = `Investigation of ${input.alertId}`;
  const requester = /^[UW][A-Z0-9]{2,}$/.test(input.requester) ? `<@${input.requester}>` : `\`${escapeMrkdwn(input.requester)}\``;
  const blocks: Block[] = [sectionBlock(`*${escapeMrkdwn(title)}*\nrequested by ${requester} · ${STATE_LABEL[state]}`)];
  blocks.push(
    contextBlock(
      mode === 'deterministic'
        ? `:information_source: Deterministic triage: the LLM was not used (${escapeMrkdwn(notUsed ?? 'not configured')}). Findings and proposals come from built-in rules over every source.`
        : `:robot_face: LLM investigation over the deterministic triage${input.model === undefined && result?.usage === undefined ? '' : ` (model ${escapeMrkdwn(result?.usage?.model ?? input.model ?? '')})`}; the model only reads and proposes, every action waits for an approver.`,
    ),
  );
  if (input.error !== undefined) blocks.push(sectionBlock(`The investigation could not run: ${escapeMrkdwn(truncate(input.error.split('\n')[0] ?? '', 500))}`));
  if (result !== undefined) {
    blocks.push(sectionBlock(escapeMrkdwn(truncate(oneLineSummary(result), 1000))));
    if (result.status !== 'complete' && result.reasons.length > 0) {
      const shown = result.reasons.slice(0, 10).map((reason) => `• ${escapeMrkdwn(truncate(reason.replace(/\s+/g, ' '), 280))}`);
      const more = result.reasons.length > shown.length ? [`… and ${result.reasons.length - shown.length} more (in the report)`] : [];
      blocks.push(sectionBlock(truncate([`*Why ${result.status}:*`, ...shown, ...more].join('\n'), 2900)));
    }
    const usage = result.usage === undefined ? '' : ` · ${result.usage.turns} model turn(s), ${result.usage.inputTokens + result.usage.outputTokens} tokens, est. $${result.usage.estimatedCostUsd.toFixed(4)}`;
    const report = input.reportFile === undefined ? '' : ` · report \`${escapeMrkdwn(input.reportFile)}\``;
    blocks.push(contextBlock(`investigation \`${escapeMrkdwn(result.id)}\` · timeline, findings and proposed actions in the thread${report}${usage}`));
  }
  const words = state === 'complete' ? 'done' : state;
  return { text: truncate(escapeMrkdwn(`${title} (${words})`), MAX_FALLBACK_TEXT), blocks };
}

/** One line for the root message: incident, counts, proposals; or why it failed. */
export function oneLineSummary(result: InvestigationResult): string {
  if (result.status === 'failed' && result.incident === null) return `Failed: ${(result.error?.message ?? result.reasons[0] ?? 'the investigation failed').split('\n')[0]}`;
  const parts: string[] = [];
  if (result.incident !== null) parts.push(`${result.incident.title.replace(/\s+/g, ' ')} (${result.incident.severity})`);
  parts.push(`${result.timeline.length} event(s)`, `${result.findings.length} finding(s)`);
  if (result.proposals.length > 0) {
    const pending = result.proposals.filter((proposal) => proposal.outcome === 'awaiting_approval').length;
    const refused = result.proposals.length - pending;
    parts.push(`${result.proposals.length} action(s) proposed: ${pending} awaiting approval${refused === 0 ? '' : `, ${refused} refused`}`);
  } else parts.push('no action proposed');
  return parts.join(' · ');
}

export interface InvestigationThreadMessages {
  /** The collapsed timeline, in as many messages as it needs (at most 5). */
  timeline: SlackMessage[];
  enrichment?: SlackMessage;
  /** The summary and the findings. */
  findings?: SlackMessage;
  /** Every proposed action in one line each (approval messages follow it). */
  proposals?: SlackMessage;
}

/** The thread messages of a finished investigation (pure; every text escaped, within Block Kit limits). */
export function investigationThreadMessages(result: InvestigationResult): InvestigationThreadMessages {
  const messages: InvestigationThreadMessages = { timeline: [] };
  const id = plainId(result.alertId);
  if (result.timeline.length > 0) {
    messages.timeline = timelineMessages(displayTimeline(result), { title: `Timeline of ${id} (${result.timeline.length} events, repeats collapsed)`, overflowHint: 'the attached HTML report' });
  }

  const { observables, hosts } = result.enrichment;
  if (observables.length > 0 || hosts.length > 0) {
    const ranked = [...observables].sort((a, b) => rank(a.verdict) - rank(b.verdict));
    const lines = [
      ...ranked.map(
        (verdict) =>
          `${VERDICT_MARK[verdict.verdict] ?? ':white_circle:'} *${escapeMrkdwn(verdict.verdict)}* ${escapeMrkdwn(verdict.type)} ${escapeMrkdwn(truncate(verdict.value, 200))} (${escapeMrkdwn(verdict.source)})${verdict.detail === undefined || verdict.detail === '' ? '' : `: ${escapeMrkdwn(truncate(oneLine(verdict.detail), 300))}`}`,
      ),
      ...hosts.map((host) => {
        const facts = [
          host.ips.length === 0 ? undefined : `IPs ${host.ips.slice(0, 5).join(', ')}`,
          host.isolation === undefined ? undefined : `isolation ${host.isolation}`,
          host.status === undefined ? undefined : `status ${host.status}`,
          host.threatScore === undefined ? undefined : `threat score ${host.threatScore}`,
          host.compromised === true ? 'compromised' : undefined,
          host.tags === undefined || host.tags.length === 0 ? undefined : `tags ${host.tags.join(', ')}`,
        ].filter((fact): fact is string => fact !== undefined);
        return `:desktop_computer: *${escapeMrkdwn(truncate(host.hostname, 200))}* (${escapeMrkdwn(host.source)}): ${escapeMrkdwn(truncate(facts.join(' · ') || 'no details', 600))}`;
      }),
    ];
    messages.enrichment = linesMessage(`*Enrichment* · ${observables.length} verdict(s) on observables, ${hosts.length} host record(s)`, lines, `Enrichment of ${id}`);
  }

  if (result.summary.trim() !== '' || result.findings.length > 0) {
    const summary = result.summary
      .split('\n')
      .map((line) => escapeMrkdwn(line.trimEnd()))
      .filter((line) => line !== '');
    const findingLines = result.findings.map(
      (finding) =>
        `${SEVERITY_MARK[finding.severity] ?? '·'} *${escapeMrkdwn(truncate(oneLine(finding.title), 200))}* (${escapeMrkdwn(finding.severity)}): ${escapeMrkdwn(truncate(oneLine(finding.summary), 600))}${finding.techniques.length === 0 ? '' : ` · ${escapeMrkdwn(finding.techniques.slice(0, 6).join(', '))}`}`,
    );
    const blocks: Block[] = [sectionBlock(`*Findings* (${result.findings.length})${result.mode === 'llm' ? ' · the summary is the model’s answer (untrusted)' : ''}`)];
    // The summary gets at most two sections; the report has all of it.
    const summarySections = chunkLines(summary);
    blocks.push(...summarySections.slice(0, 2).map((chunk) => contextBlock(chunk)));
    if (summarySections.length > 2) blocks.push(contextBlock('… the rest of the summary is in the attached HTML report'));
    messages.findings = { text: truncate(`Findings of ${id}: ${result.findings.length}`, MAX_FALLBACK_TEXT), blocks: withLines(blocks, findingLines) };
  }

  if (result.proposals.length > 0) {
    const lines = result.proposals.map((proposal) => {
      const action = escapeMrkdwn(describeAction(proposal));
      const by = proposal.proposedBy === 'llm' ? ' (proposed by the model)' : '';
      if (proposal.outcome === 'awaiting_approval') {
        return `:double_vertical_bar: ${action}${by}: awaiting approval${proposal.approvalId === undefined ? '' : ` \`${escapeMrkdwn(proposal.approvalId)}\``}${proposal.expiresAt === undefined ? '' : ` until ${escapeMrkdwn(shortTime(proposal.expiresAt))}`}; approval message below`;
      }
      return `:no_entry: ${action}${by}: ${escapeMrkdwn(outcomeText(proposal.outcome))}${proposal.reason === undefined ? '' : `: ${escapeMrkdwn(truncate(oneLine(proposal.reason), 500))}`}`;
    });
    const pending = result.proposals.filter((proposal) => proposal.outcome === 'awaiting_approval').length;
    messages.proposals = linesMessage(`*Proposed actions* (${result.proposals.length}): ${pending} awaiting approval, ${result.proposals.length - pending} refused or not filed`, lines, `Proposed actions for ${id}`);
  }
  return messages;
}

/** The timeline as Slack timeline lines, runs of alike events (40 failed logons …) collapsed into one. */
export function displayTimeline(result: Pick<InvestigationResult, 'timeline'>): TimelineEntry[] {
  return collapseBursts(result.timeline).map((item) => {
    if (item.kind === 'burst') return { time: item.time, mark: SEVERITY_MARK[item.severity] ?? '·', text: `${oneLine(item.title)} [${item.sources.join(', ')}]` };
    const entry = item.entry;
    const entities = [...entry.entities.hosts, ...entry.entities.users].slice(0, 3);
    return { time: entry.time, mark: SEVERITY_MARK[entry.severity] ?? '·', text: `${oneLine(entry.title)}${entities.length === 0 ? '' : ` — ${entities.join(', ')}`} [${entry.sources.join(', ')}]` };
  });
}

/** `secure_endpoint.isolate_host hostname=workstation-042`: the tool and what it acts on (its subject fields, else its first two), plain text. */
export function describeAction(proposal: Pick<ProposedAction, 'tool' | 'input'>): string {
  const input = proposal.input ?? {};
  const subjects = SUBJECT_FIELDS.filter((key) => key in input);
  const keys = (subjects.length > 0 ? subjects : Object.keys(input)).slice(0, 2);
  const parts = keys.map((key) => {
    const value = input[key];
    return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
  });
  return oneLine(`${proposal.tool}${parts.length === 0 ? '' : ` ${parts.join(' ')}`}`).slice(0, 200);
}

function outcomeText(outcome: string): string {
  return OUTCOME_TEXT[outcome] ?? outcome.replace(/_/g, ' ');
}

/** A header section and lines packed into sections, capped to one message's blocks. */
function linesMessage(header: string, lines: readonly string[], fallback: string): SlackMessage {
  return { text: truncate(escapeMrkdwn(fallback), MAX_FALLBACK_TEXT), blocks: withLines([sectionBlock(header)], lines) };
}

function withLines(head: Block[], lines: readonly string[]): Block[] {
  const sections = chunkLines(lines);
  const room = MAX_BLOCKS_PER_MESSAGE - head.length - 1;
  const blocks = [...head, ...sections.slice(0, room).map((chunk) => sectionBlock(chunk))];
  if (sections.length > room) blocks.push(contextBlock(`${sections.length - room} more section(s) not shown: see the attached HTML report`));
  return blocks;
}

function textMessage(markdown: string): SlackMessage {
  return { text: truncate(plainFallback(markdown), MAX_FALLBACK_TEXT), blocks: [sectionBlock(markdown)] };
}

/** The notification text of an mrkdwn line: what is already escaped stays escaped. */
function plainFallback(markdown: string): string {
  return markdown.replace(/:[a-z_]+: /g, '');
}

function rank(verdict: string): number {
  const index = VERDICT_ORDER.indexOf(verdict);
  return index === -1 ? VERDICT_ORDER.length : index;
}

/** Product text on one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** An alert id as the slash command accepts it (anything else dropped), for titles that are not escaped. */
function plainId(alertId: string): string {
  return alertId.replace(/[^A-Za-z0-9._:-]/g, '').slice(0, 100) || 'the alert';
}

/** `2026-11-24 02:22 UTC` from an ISO time. */
function shortTime(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}
