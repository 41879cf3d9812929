import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import type { Clock } from '../core/clock.js';
import { isDefenseClawError } from '../core/errors/index.js';
import type { Caller, PermissionProfile } from '../gateway/caller.js';
import type { GatewayResult } from '../gateway/gateway-result.js';
import type { RegisteredTool } from '../gateway/tool-registry.js';
import { cacheShare, estimateCostUsd, type LoadedPrompt, type ModelClient, type ModelPrice, type ModelUsage } from '../llm/index.js';
import { IncidentFetchError, type ToolCaller } from './gather/index.js';
import type { InvestigationResult, ProposedAction } from './investigation.js';
import { runInvestigationLoop, type LoopOutcome } from './loop/investigation-loop.js';
import { toModelOutput } from './loop/model-tool-output.js';
import { modelToolSet } from './loop/model-tools.js';
import type { InvestigationStore } from './record/investigation-store.js';
import { RecordingToolCaller } from './record/recording-tool-caller.js';
import { StepRecorder, type StepRedactor } from './record/step-recorder.js';
import { investigationTask } from './triage-context.js';
import { fileProposals, proposalOf, triageIncident, type TriageOutcome } from './triage/deterministic-triage.js';
import { deterministicSummary } from './triage/triage-summary.js';

export interface InvestigationSettings {
  windowHours: number;
  /** The investigation profile (config `investigate.tools` + `investigate.permissions`). */
  permissions: PermissionProfile;
  /** Largest tool output (bytes of JSON) the model sees. */
  toolOutputCapBytes: number;
  llm: { model: string; maxSteps: number; maxTokens: number; budgetTokens: number; timeBudgetMs: number };
}

/** What happened so far, for a progress line or a Slack thread update. */
export type InvestigationProgress =
  | { kind: 'started'; id: string; alertId: string; mode: InvestigationResult['mode']; llmNotUsedReason?: string }
  | { kind: 'tool'; tool: string; outcome: string; durationMs: number }
  | { kind: 'triaged'; entries: number; findings: number; sourcesFailed: number }
  | { kind: 'model_turn'; turn: number; toolCalls: string[]; stopReason: string }
  | { kind: 'proposal'; proposal: ProposedAction };

export interface InvestigateRequest {
  alertId: string;
  /** Principal responsible (`cli:alice`, `slack:U0123`): approvals of proposals bind to it. */
  requester: string;
  /** Run the deterministic triage even when a model is configured. */
  noLlm?: boolean;
  /** Override `investigate.window` for this run. */
  windowHours?: number;
  onProgress?: (progress: InvestigationProgress) => void;
  signal?: AbortSignal;
}

export interface InvestigationServiceOptions {
  /** The gateway (every call goes through it). */
  tools: ToolCaller;
  registry: { list(): RegisteredTool[] };
  store: InvestigationStore;
  clock: Clock;
  redactor: StepRedactor;
  settings: InvestigationSettings;
  /** The model, or why there is none (no API key configured). */
  model: { client: ModelClient } | { unavailable: string };
  /** The system prompt (`prompts/investigation-system.v<N>.md`). */
  prompt(): Promise<LoadedPrompt>;
  prices?: Readonly<Record<string, ModelPrice>>;
  /** New investigation ids (tests inject). */
  newId?: () => string;
}

/** What `runApproved` needs of an approval (the approval service's record fits). */
export interface ApprovedCall {
  id: string;
  state: string;
  executedAt: string | null;
  runId: string | null;
  actor: string;
  requester: string;
  reason: string | null;
}

/** `inv-20261124T101500Z-3fa9c1`: sortable by start time, safe in file names. */
export function newInvestigationId(clock: Clock): string {
  const stamp = clock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `inv-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * The investigation service used by the CLI and Slack. With a model it runs the deterministic
 * triage first (every source in parallel), hands its result to the model as untrusted context
 * and lets the model read more and propose actions through the gateway; without one (or with
 * `noLlm`) the triage's own findings and proposals are the answer and the result says the LLM
 * was not used. Every model turn and tool result is recorded for replay; the result is stored.
 */
export class InvestigationService {
  constructor(readonly options: InvestigationServiceOptions) {}

  /** Whether a model is configured, or why not. */
  llmAvailability(): { available: true } | { available: false; reason: string } {
    return 'client' in this.options.model ? { available: true } : { available: false, reason: this.options.model.unavailable };
  }

  /**
   * Runs the call an approver approved for one of this service's investigations, exactly once:
   * the proposal's arguments come from the stored result, the gateway checks they still match the
   * approval and marks it executed (a second attempt, here or in another process, is refused).
   * Returns undefined when the approval is not an investigation's, not approved, or already used.
   */
  async runApproved(approval: ApprovedCall, options: { signal?: AbortSignal } = {}): Promise<{ proposal: ProposedAction; result: GatewayResult } | undefined> {
    if (approval.state !== 'approved' || approval.executedAt !== null || approval.runId === null || !approval.runId.startsWith('inv-')) return undefined;
    const row = this.options.store.get(approval.runId);
    if (row === undefined || row.result === null) return undefined;
    const proposal = (JSON.parse(row.result) as InvestigationResult).proposals.find((candidate) => candidate.approvalId === approval.id);
    if (proposal === undefined) return undefined;
    const caller: Caller = {
      kind: approval.actor.startsWith('llm:') ? 'llm' : 'agent',
      actor: approval.actor,
      requester: approval.requester,
      permissions: this.options.settings.permissions,
      runId: approval.runId,
      runtime: 'secure',
      reason: `approved (${approval.id}): ${approval.reason ?? proposal.rationale}`.slice(0, 500),
    };
    const result = await this.options.tools.call(proposal.tool, proposal.input, caller, { approvalId: approval.id, ...(options.signal === undefined ? {} : { signal: options.signal }) });
    return { proposal, result };
  }

  async investigate(request: InvestigateRequest): Promise<InvestigationResult> {
    const { clock, settings, store } = this.options;
    const id = this.options.newId?.() ?? newInvestigationId(clock);
    const startedAt = clock.now().toISOString();
    const model = 'client' in this.options.model && request.noLlm !== true ? this.options.model.client : undefined;
    const llmNotUsedReason = model !== undefined ? undefined : request.noLlm === true ? 'run with --no-llm' : 'unavailable' in this.options.model ? this.options.model.unavailable : 'no model';
    const mode: InvestigationResult['mode'] = model === undefined ? 'deterministic' : 'llm';
    store.create({ id, alertId: request.alertId, mode, status: 'running', requester: request.requester, startedAt, model: model === undefined ? null : settings.llm.model });
    const progress = request.onProgress ?? (() => undefined);
    progress({ kind: 'started', id, alertId: request.alertId, mode, ...(llmNotUsedReason === undefined ? {} : { llmNotUsedReason }) });

    const recorder = new StepRecorder(store, id, clock, this.options.redactor);
    const tools = new RecordingToolCaller(this.options.tools, recorder, (tool, _input, result, durationMs) => progress({ kind: 'tool', tool, outcome: result.outcome, durationMs }));
    const caller: Caller = {
      kind: mode === 'llm' ? 'llm' : 'agent',
      actor: mode === 'llm' ? `llm:${id}` : `agent:triage:${id}`,
      requester: request.requester,
      permissions: settings.permissions,
      runId: id,
      // Investigations only ever propose: write and execute wait for a human, whatever the runtime
      // (the secure runtime); its reads run at once.
      runtime: 'secure',
      reason: `investigation ${id} of ${request.alertId}`,
    };
    const base = { id, alertId: request.alertId, mode, ...(llmNotUsedReason === undefined ? {} : { llmNotUsedReason }), requester: request.requester, startedAt };

    let result: InvestigationResult;
    try {
      result = await this.#run(base, request, caller, tools, recorder, model, progress);
    } catch (error) {
      result = {
        ...base,
        status: 'failed',
        reasons: [`the investigation failed: ${(error as Error).message.split('\n')[0]}`],
        error: { code: isDefenseClawError(error) ? error.code : 'internal_error', message: (error as Error).message.split('\n')[0]! },
        finishedAt: clock.now().toISOString(),
        incident: null,
        window: null,
        timeline: [],
        enrichment: { observables: [], hosts: [] },
        findings: [],
        proposals: [],
        summary: '',
        sources: [],
      };
    }
    // What is stored, shown and reported is the redacted result: no secret a tool returned leaves here.
    result = this.options.redactor.redact(result);
    const usage = result.usage;
    store.finish(id, {
      mode: result.mode,
      status: result.status,
      finishedAt: result.finishedAt,
      result: JSON.stringify(result),
      ...(usage === undefined
        ? {}
        : { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cacheCreationTokens: usage.cacheCreationInputTokens, cacheReadTokens: usage.cacheReadInputTokens, costUsd: usage.estimatedCostUsd }),
    });
    return result;
  }

  async #run(
    base: Pick<InvestigationResult, 'id' | 'alertId' | 'mode' | 'llmNotUsedReason' | 'requester' | 'startedAt'>,
    request: InvestigateRequest,
    caller: Caller,
    tools: ToolCaller,
    recorder: StepRecorder,
    model: ModelClient | undefined,
    progress: (event: InvestigationProgress) => void,
  ): Promise<InvestigationResult> {
    const { clock, settings } = this.options;
    const windowHours = request.windowHours ?? settings.windowHours;
    const reasons: string[] = [];
    let triage: TriageOutcome | undefined;
    let triageFailure: string | undefined;
    try {
      // The window ends at the investigation's start, so a replay (clock pinned there) asks for the same window.
      const windowEnd = { now: () => new Date(base.startedAt) };
      triage = await triageIncident(tools, caller, request.alertId, { windowHours, clock: windowEnd, ...(request.signal === undefined ? {} : { signal: request.signal }) });
    } catch (error) {
      if (!(error instanceof IncidentFetchError) || model === undefined || error.code === 'incident_not_found') throw error;
      triageFailure = error.message;
      reasons.push(`deterministic triage failed: ${error.message}`);
    }
    if (triage !== undefined) {
      const failed = triage.gathered.sources.filter((source) => !source.ok || source.truncated === true);
      for (const source of failed) reasons.push(`${source.tool} (${source.subject}) ${source.ok ? 'was cut to its size cap' : `failed: ${source.error ?? source.outcome}`}`);
      progress({ kind: 'triaged', entries: triage.timeline.length, findings: triage.findings.length, sourcesFailed: failed.length });
    }

    let proposals: ProposedAction[] = [];
    let summary: string;
    let usage: InvestigationResult['usage'];
    if (model === undefined) {
      proposals = await fileProposals(tools, caller, triage!.plans, 'triage', request.signal);
      for (const proposal of proposals) progress({ kind: 'proposal', proposal });
      summary = deterministicSummary(triage!, proposals);
    } else {
      const outcome = await this.#loop(request, caller, tools, recorder, model, triage, triageFailure, progress, proposals);
      if (outcome.stop !== 'end_turn') reasons.push(`the LLM investigation ended early: ${outcome.reason ?? outcome.stop}`);
      summary = outcome.text !== '' ? outcome.text : triage !== undefined ? deterministicSummary(triage, proposals) : '';
      usage = usageOf(settings.llm.model, outcome.usage, outcome.turns, outcome.toolCalls, this.options.prices);
    }

    return {
      ...base,
      status: reasons.length > 0 ? 'partial' : 'complete',
      reasons,
      finishedAt: clock.now().toISOString(),
      incident: triage?.incident ?? null,
      window: triage?.gathered.window ?? null,
      timeline: triage?.timeline ?? [],
      enrichment: { observables: triage?.gathered.enrichment.observables ?? [], hosts: triage?.gathered.enrichment.hosts ?? [] },
      findings: triage?.findings ?? [],
      proposals,
      summary,
      sources: triage?.gathered.sources ?? [],
      ...(usage === undefined ? {} : { usage }),
    };
  }

  async #loop(
    request: InvestigateRequest,
    caller: Caller,
    tools: ToolCaller,
    recorder: StepRecorder,
    model: ModelClient,
    triage: TriageOutcome | undefined,
    triageFailure: string | undefined,
    progress: (event: InvestigationProgress) => void,
    proposals: ProposedAction[],
  ): Promise<LoopOutcome> {
    const { clock, settings } = this.options;
    const prompt = await this.options.prompt();
    const registered = this.options.registry.list();
    const scopes = new Map(registered.map((tool) => [tool.id, tool.scope]));
    const toolSet = modelToolSet(registered, settings.permissions);
    const filed = new Map<string, ProposedAction>();
    return runInvestigationLoop({
      model,
      modelId: settings.llm.model,
      system: [{ text: prompt.text, cache: true }],
      tools: toolSet.definitions,
      task: investigationTask(request.alertId, request.requester, triage, triageFailure, settings.toolOutputCapBytes * 2),
      maxSteps: settings.llm.maxSteps,
      maxTokens: settings.llm.maxTokens,
      budgetTokens: settings.llm.budgetTokens,
      deadline: clock.now().getTime() + settings.llm.timeBudgetMs,
      clock,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      onTurn: (modelRequest, response, turn) => {
        recorder.modelTurn(modelRequest, response);
        const calls = response.content.flatMap((block) => (block.type === 'tool_use' ? [block.name] : []));
        progress({ kind: 'model_turn', turn, toolCalls: calls, stopReason: response.stopReason });
      },
      runTool: async (call) => {
        // A name the model made up goes to the gateway as is: it answers `invalid`, audited.
        const toolId = toolSet.toolId(call.name) ?? call.name;
        const input = call.input !== null && typeof call.input === 'object' ? call.input : {};
        const scope = scopes.get(toolId);
        const key = `${toolId} ${canonicalJson(input)}`;
        const repeated = filed.get(key);
        if (repeated !== undefined && scope !== 'read') {
          return { content: `Already proposed: ${toolId} with these arguments is ${repeated.outcome}${repeated.approvalId === undefined ? '' : ` (approval ${repeated.approvalId})`}. Not filed again.`, isError: false };
        }
        const rationale = call.rationale.slice(0, 500) || `proposed by the model in investigation ${caller.runId}`;
        const result = await tools.call(toolId, input, { ...caller, reason: rationale }, request.signal === undefined ? {} : { signal: request.signal });
        if (scope !== undefined && scope !== 'read') {
          const proposal = proposalOf({ tool: toolId, input: input as Record<string, unknown>, rationale }, 'llm', result);
          filed.set(key, proposal);
          proposals.push(proposal);
          progress({ kind: 'proposal', proposal });
        }
        return toModelOutput(toolId, result, settings.toolOutputCapBytes);
      },
    });
  }
}

function usageOf(model: string, usage: ModelUsage, turns: number, toolCalls: number, prices?: Readonly<Record<string, ModelPrice>>): NonNullable<InvestigationResult['usage']> {
  const cost = estimateCostUsd(usage, model, prices);
  return { model, turns, toolCalls, ...usage, cacheShare: cacheShare(usage), estimatedCostUsd: cost?.totalUsd ?? 0 };
}

