import { hashCanonical } from '../../core/canonical-json.js';
import { fixedClock } from '../../core/clock.js';
import { DefenseClawError } from '../../core/errors/index.js';
import type { InvestigationResult } from '../investigation.js';
import { InvestigationService } from '../investigation-service.js';
import { MemoryInvestigationStore } from './memory-investigation-store.js';
import type { ReplayDivergence } from './replay-divergence.js';
import { ReplayModelClient } from './replay-model-client.js';
import { ReplayToolCaller } from './replay-tool-caller.js';

export type { ReplayDivergence } from './replay-divergence.js';

export interface ReplayReport {
  investigationId: string;
  alertId: string;
  mode: InvestigationResult['mode'];
  /** True when nothing diverged. */
  reproduced: boolean;
  modelTurns: { recorded: number; replayed: number };
  toolCalls: { recorded: number; replayed: number };
  divergences: ReplayDivergence[];
  /** The replayed result (not stored). */
  result: InvestigationResult;
}

/** No recorded investigation with that id. */
export class InvestigationNotFoundError extends DefenseClawError {
  constructor(id: string) {
    super(`no investigation ${id} (see \`defenseclaw investigate list\`)`, { code: 'investigation_not_found' });
  }
}

/**
 * Re-runs a recorded investigation: the model answers with its recorded responses (each request
 * compared with the recorded one), read tools run again through the gateway (each output compared
 * with the recorded one), write/execute calls are not re-sent. The clock is pinned to the
 * original start, so the time window is the same. Nothing is stored. Any difference is a divergence.
 */
export async function replayInvestigation(service: InvestigationService, id: string): Promise<ReplayReport> {
  const options = service.options;
  const row = options.store.get(id);
  if (row === undefined || row.result === null) throw new InvestigationNotFoundError(id);
  const original = JSON.parse(row.result) as InvestigationResult;
  const turns = options.store.steps(id, 'model_turn');
  const calls = options.store.steps(id, 'tool_call');
  const divergences: ReplayDivergence[] = [];
  const scopes = new Map(options.registry.list().map((tool) => [tool.id, tool.scope]));
  const tools = new ReplayToolCaller(options.tools, calls, (tool) => scopes.get(tool) === 'read', divergences);
  const model = original.mode === 'llm' ? new ReplayModelClient(turns, divergences) : undefined;
  let toolCallsMade = 0;
  const replay = new InvestigationService({
    ...options,
    tools: { call: (...args) => ((toolCallsMade += 1), tools.call(...args)) },
    store: new MemoryInvestigationStore(),
    clock: fixedClock(original.startedAt),
    model: model === undefined ? { unavailable: original.llmNotUsedReason ?? 'replay of a deterministic investigation' } : { client: model },
    newId: () => `${id}.replay`,
  });
  const result = await replay.investigate({ alertId: original.alertId, requester: original.requester, noLlm: original.mode === 'deterministic' });
  divergences.push(...tools.unmade());
  if (model !== undefined && model.unused() > 0) divergences.push({ kind: 'model_turns_unused', subject: 'model', detail: `${model.unused()} recorded model turn(s) were not reached` });
  for (const field of ['status', 'timeline', 'findings', 'summary'] as const) {
    if (hashCanonical(result[field]) !== hashCanonical(original[field])) divergences.push({ kind: 'result_changed', subject: field, detail: describeChange(field, original, result) });
  }
  const proposalsNow = result.proposals.map((proposal) => ({ tool: proposal.tool, input: proposal.input, outcome: proposal.outcome }));
  const proposalsThen = original.proposals.map((proposal) => ({ tool: proposal.tool, input: proposal.input, outcome: proposal.outcome }));
  if (hashCanonical(proposalsNow) !== hashCanonical(proposalsThen)) divergences.push({ kind: 'result_changed', subject: 'proposals', detail: `${proposalsThen.length} proposal(s) recorded, ${proposalsNow.length} now` });
  return {
    investigationId: id,
    alertId: original.alertId,
    mode: original.mode,
    reproduced: divergences.length === 0,
    modelTurns: { recorded: turns.length, replayed: model === undefined ? 0 : turns.length - model.unused() },
    toolCalls: { recorded: calls.length, replayed: toolCallsMade },
    divergences,
    result,
  };
}

function describeChange(field: 'status' | 'timeline' | 'findings' | 'summary', before: InvestigationResult, after: InvestigationResult): string {
  switch (field) {
    case 'status':
      return `recorded ${before.status}, now ${after.status}`;
    case 'timeline':
      return `recorded ${before.timeline.length} entries, now ${after.timeline.length}${before.timeline.length === after.timeline.length ? ' (contents differ)' : ''}`;
    case 'findings':
      return `recorded ${before.findings.map((finding) => finding.kind).join(', ') || 'none'}; now ${after.findings.map((finding) => finding.kind).join(', ') || 'none'}`;
    case 'summary':
      return 'the summary text differs';
  }
}
