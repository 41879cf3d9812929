import type { Clock } from '../../core/clock.js';
import type { Caller } from '../../gateway/caller.js';
import { gatherIncidentEvents, verdictMap, type GatheredIncident, type ToolCaller } from '../gather/index.js';
import type { IncidentSummary, ProposedAction } from '../investigation.js';
import { buildTimeline, findings, scopeToIncident, type Finding, type TimelineEntry } from '../timeline/index.js';
import { proposeActions, type ActionPlan } from './propose-actions.js';

/** What the deterministic triage found: the gather, the scoped timeline, findings and action plans. */
export interface TriageOutcome {
  gathered: GatheredIncident;
  incident: IncidentSummary;
  timeline: TimelineEntry[];
  findings: Finding[];
  plans: ActionPlan[];
}

/**
 * Gathers every source about the incident in parallel (read scope only), scopes the events to the
 * incident, builds the timeline and the findings, and plans response actions. Pure reads: nothing
 * is proposed to the gateway here (see `fileProposals`).
 */
export async function triageIncident(tools: ToolCaller, caller: Caller, alertId: string, options: { windowHours: number; clock: Clock; signal?: AbortSignal }): Promise<TriageOutcome> {
  const gathered = await gatherIncidentEvents(tools, caller, alertId, { windowHours: options.windowHours, clock: options.clock, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  const verdicts = verdictMap(gathered.enrichment);
  const scoped = scopeToIncident(gathered.events, { ...gathered.observables, window: gathered.window, hostAddresses: gathered.enrichment.hostAddresses }, { verdicts });
  const timeline = buildTimeline(scoped.events);
  const found = findings(timeline, { verdicts });
  const event = gathered.incident;
  const status = event.fields['status'];
  const incident: IncidentSummary = {
    id: alertId,
    title: event.title,
    severity: event.severity,
    time: event.time,
    ...(typeof status === 'string' ? { status } : {}),
    ...(event.message === undefined ? {} : { description: event.message }),
  };
  return { gathered, incident, timeline, findings: found, plans: proposeActions(alertId, found) };
}

/**
 * Hands each plan to the gateway as the investigation caller. Write and execute calls always wait
 * for approval (the caller says so), so each becomes an approval request, or is refused by a
 * guard or the profile; nothing runs here. Calls go one after another: approval ids stay in order.
 */
export async function fileProposals(tools: ToolCaller, caller: Caller, plans: readonly ActionPlan[], proposedBy: ProposedAction['proposedBy'], signal?: AbortSignal): Promise<ProposedAction[]> {
  const proposals: ProposedAction[] = [];
  for (const plan of plans) {
    const result = await tools.call(plan.tool, plan.input, { ...caller, reason: plan.rationale.slice(0, 500) }, signal === undefined ? {} : { signal });
    proposals.push(proposalOf(plan, proposedBy, result));
  }
  return proposals;
}

/** A proposal as the gateway answered it. */
export function proposalOf(plan: ActionPlan, proposedBy: ProposedAction['proposedBy'], result: Awaited<ReturnType<ToolCaller['call']>>): ProposedAction {
  const base: ProposedAction = { tool: result.tool, input: plan.input, rationale: plan.rationale, proposedBy, outcome: result.outcome };
  switch (result.outcome) {
    case 'awaiting_approval':
      return { ...base, approvalId: result.approvalId, expiresAt: result.expiresAt };
    case 'denied':
    case 'invalid':
    case 'rejected':
      return { ...base, reason: result.reason, ...('approvalId' in result ? { approvalId: result.approvalId } : {}) };
    case 'failed':
      return { ...base, reason: result.error.message, ...(result.approvalId === undefined ? {} : { approvalId: result.approvalId }) };
    case 'succeeded':
      return { ...base, ...(result.approvalId === undefined ? {} : { approvalId: result.approvalId }) };
    case 'expired':
      return { ...base, approvalId: result.approvalId, reason: 'approval expired' };
    case 'dry_run':
      return { ...base, reason: 'dry run: not filed' };
  }
}
