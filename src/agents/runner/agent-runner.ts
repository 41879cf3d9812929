import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import PQueue from 'p-queue';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { profile, type Caller } from '../../gateway/caller.js';
import type { Gateway } from '../../gateway/gateway.js';
import type { GatewayResult } from '../../gateway/gateway-result.js';
import type { ToolRegistry } from '../../gateway/tool-registry.js';
import { buildRunScope, evaluate, isTruthy, parseExpression } from '../expression/index.js';
import { renderParams } from '../template/index.js';
import { fitParams } from './fit-params.js';
import type { Runnable } from './runnable.js';
import type { RunEventRecord, RunRecord, RunStore } from './run-store.js';

export type RunStatus = 'running' | 'waiting_approval' | 'succeeded' | 'failed' | 'cancelled';

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  /** The approval the run waits for, when waiting. */
  approvalId?: string;
  error?: string;
  /** Another process held the run's lease, so this call ran nothing; `status` is as last stored. */
  heldElsewhere?: true;
}

export interface AgentRunnerOptions {
  gateway: Gateway;
  registry: ToolRegistry;
  store: RunStore;
  clock: Clock;
  logger?: Logger;
  /** Runs at once in this process (config agent.max_concurrent). */
  maxConcurrent: number;
  /** Lease length: another process may take over a run whose lease has run out. */
  leaseMs?: number;
  /** Called for every run event (progress output). */
  onEvent?: (event: RunEventRecord) => void;
}

/**
 * Runs agents and workflows step by step through the gateway. Every step's outcome and output is
 * persisted before the next begins, so a run waiting for an approval resumes after the decision
 * (in this process or, after a restart, in whichever process takes its lease).
 */
export class AgentRunner {
  readonly #options: AgentRunnerOptions;
  readonly #owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly #queue: PQueue;

  constructor(options: AgentRunnerOptions) {
    this.#options = options;
    this.#queue = new PQueue({ concurrency: options.maxConcurrent });
  }

  /** Creates a run and executes it until it finishes or waits for an approval. */
  async start(runnable: Runnable, options: { params: Record<string, unknown>; requester: string; dryRun: boolean; trigger?: unknown }): Promise<RunOutcome> {
    const now = this.#now();
    const id = `run_${this.#options.clock.now().getTime().toString(36)}${randomBytes(5).toString('hex')}`;
    this.#options.store.createRun({
      id,
      kind: runnable.kind,
      name: runnable.name,
      version: runnable.version,
      definition: JSON.stringify(runnable),
      params: JSON.stringify({ params: options.params, ...(options.trigger === undefined ? {} : { trigger: options.trigger }) }),
      requester: options.requester,
      dryRun: options.dryRun,
      status: 'running',
      nextStep: 0,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      error: null,
      leaseOwner: null,
      leaseUntil: null,
    });
    this.#event(id, 'run_started', null, `${runnable.kind} ${runnable.name} v${runnable.version} started${options.dryRun ? ' (dry run)' : ''}`);
    return this.execute(id);
  }

  /** Runs (or resumes) a run from its next step. Returns at once if another process holds it. */
  execute(runId: string): Promise<RunOutcome> {
    return this.#queue.add(() => this.#execute(runId)) as Promise<RunOutcome>;
  }

  get owner(): string {
    return this.#owner;
  }

  async #execute(runId: string): Promise<RunOutcome> {
    const { store, clock } = this.#options;
    const leaseMs = this.#options.leaseMs ?? 60_000;
    const seen = store.getRun(runId);
    if (seen === undefined) return { runId, status: 'failed', error: `no run ${runId}` };
    if (isFinished(seen.status)) return finished(seen);
    if (!store.claimLease(runId, this.#owner, this.#now(), new Date(clock.now().getTime() + leaseMs).toISOString())) {
      return { runId, status: seen.status as RunStatus, heldElsewhere: true };
    }
    try {
      // Read again under the lease: another process may have finished the run since `seen`.
      const run = store.getRun(runId)!;
      if (isFinished(run.status)) return finished(run);
      const runnable = JSON.parse(run.definition) as Runnable;
      const stored = JSON.parse(run.params) as { params: Record<string, unknown>; trigger?: unknown };
      const outputs = new Map<string, unknown>();
      const results = store.stepResults(runId);
      for (const result of results) if (result.stepIndex < run.nextStep && result.output !== null) outputs.set(result.name, JSON.parse(result.output));
      const waitingOn = results.find((result) => result.stepIndex === run.nextStep && result.status === 'awaiting_approval')?.approvalId ?? undefined;
      const caller: Omit<Caller, 'requiresApproval' | 'reason'> = {
        kind: runnable.kind === 'workflow' ? 'workflow' : 'agent',
        actor: `${runnable.kind}:${runnable.name}`,
        requester: run.requester,
        permissions: profile(
          runnable.tools.map((name) => this.#options.registry.resolve(name)?.id ?? name),
          runnable.permissions,
        ),
        runId,
        ...(runnable.runtime === undefined ? {} : { runtime: runnable.runtime }),
        dryRun: run.dryRun,
      };
      if (run.status !== 'running') store.updateRun(runId, this.#owner, { status: 'running', updatedAt: this.#now() });

      for (let index = run.nextStep; index < runnable.steps.length; index += 1) {
        const step = runnable.steps[index]!;
        const scope = buildRunScope({ stepOutputs: outputs, params: stored.params, ...(stored.trigger === undefined ? {} : { trigger: stored.trigger }) });
        if (step.condition !== undefined && step.condition.trim() !== '') {
          let passes: boolean;
          try {
            passes = isTruthy(evaluate(parseExpression(step.condition), scope));
          } catch (error) {
            return this.#finish(runId, 'failed', index, `step ${step.name}: condition ${JSON.stringify(step.condition)}: ${(error as Error).message}`);
          }
          if (!passes) {
            this.#saveStep(runId, index, step.name, 'skipped', null, null, null);
            this.#event(runId, 'step_skipped', step.name, `${step.name} skipped: ${step.condition} is false`);
            store.updateRun(runId, this.#owner, { nextStep: index + 1, updatedAt: this.#now() });
            continue;
          }
        }
        let params: unknown;
        try {
          params = fitParams(renderParams(step.params, scope), this.#options.registry.resolve(step.tool)?.definition.input);
        } catch (error) {
          return this.#finish(runId, 'failed', index, `step ${step.name}: ${(error as Error).message}`);
        }
        if (waitingOn === undefined || index !== run.nextStep) this.#event(runId, 'step_started', step.name, `${step.name}: ${step.tool}`);
        const result = await this.#options.gateway.call(
          step.tool,
          params,
          { ...caller, ...(step.requiresApproval === undefined ? {} : { requiresApproval: step.requiresApproval }), reason: `${runnable.kind} ${runnable.name}, step ${step.name}` },
          index === run.nextStep && waitingOn !== undefined ? { approvalId: waitingOn } : {},
        );
        if (index === run.nextStep && waitingOn !== undefined && (result.outcome === 'succeeded' || result.outcome === 'failed') && result.approvalId === waitingOn) {
          this.#event(runId, 'approval_decided', step.name, `${step.name}: approval ${waitingOn} approved; calling ${step.tool}`, { approval_id: waitingOn });
        }
        const handled = this.#handle(runId, index, step.name, result, outputs);
        if (handled !== undefined) return handled;
        store.updateRun(runId, this.#owner, { nextStep: index + 1, updatedAt: this.#now(), leaseUntil: new Date(clock.now().getTime() + leaseMs).toISOString() });
      }
      return this.#finish(runId, 'succeeded', runnable.steps.length);
    } finally {
      store.releaseLease(runId, this.#owner);
    }
  }

  /** Records a step outcome; returns the run outcome when the run stops here. */
  #handle(runId: string, index: number, name: string, result: GatewayResult, outputs: Map<string, unknown>): RunOutcome | undefined {
    switch (result.outcome) {
      case 'succeeded':
        outputs.set(name, result.output);
        this.#saveStep(runId, index, name, 'succeeded', result.output, result.approvalId ?? null, result.auditSeq);
        this.#event(runId, 'step_succeeded', name, `${name}: ${describe(result.output)}`);
        return undefined;
      case 'dry_run':
        outputs.set(name, result.preview);
        this.#saveStep(runId, index, name, 'dry_run', result.preview, null, result.auditSeq);
        this.#event(
          runId,
          'step_succeeded',
          name,
          `${name}: dry run, would call ${result.preview.tool} (${result.preview.scope})${result.preview.wouldRequireApproval ? ' after approval' : ''} with ${previewArguments(result.preview.input)}`,
          result.preview,
        );
        return undefined;
      case 'awaiting_approval':
        this.#saveStep(runId, index, name, 'awaiting_approval', null, result.approvalId, result.auditSeq ?? null);
        this.#options.store.updateRun(runId, this.#owner, { status: 'waiting_approval', nextStep: index, updatedAt: this.#now() });
        this.#event(runId, 'awaiting_approval', name, `${name}: waiting for approval ${result.approvalId} (expires ${result.expiresAt})`, { approval_id: result.approvalId });
        return { runId, status: 'waiting_approval', approvalId: result.approvalId };
      default: {
        const reason =
          result.outcome === 'failed' ? result.error.message : result.outcome === 'denied' || result.outcome === 'invalid' || result.outcome === 'rejected' ? result.reason : `approval ${result.approvalId} expired`;
        this.#saveStep(runId, index, name, result.outcome, null, 'approvalId' in result ? (result.approvalId ?? null) : null, result.auditSeq ?? null);
        this.#event(runId, 'step_failed', name, `${name}: ${result.outcome}: ${reason}`);
        return this.#finish(runId, 'failed', index, `step ${name} ${result.outcome}: ${reason}`);
      }
    }
  }

  #finish(runId: string, status: 'succeeded' | 'failed', nextStep: number, error?: string): RunOutcome {
    const now = this.#now();
    this.#options.store.updateRun(runId, this.#owner, { status, nextStep, updatedAt: now, finishedAt: now, error: error ?? null });
    this.#event(runId, 'run_finished', null, status === 'succeeded' ? 'run succeeded' : `run failed: ${error}`);
    return { runId, status, ...(error === undefined ? {} : { error }) };
  }

  #saveStep(runId: string, stepIndex: number, name: string, status: string, output: unknown, approvalId: string | null, auditSeq: number | null): void {
    this.#options.store.saveStepResult({ runId, stepIndex, name, status, output: output === null || output === undefined ? null : JSON.stringify(output), approvalId, auditSeq, finishedAt: this.#now() });
  }

  #event(runId: string, type: string, step: string | null, message: string, data?: unknown): void {
    const event = { runId, time: this.#now(), type, step, message, data: data === undefined ? null : JSON.stringify(data) };
    const id = this.#options.store.appendEvent(event);
    this.#options.onEvent?.({ id, ...event });
  }

  #now(): string {
    return this.#options.clock.now().toISOString();
  }
}

function isFinished(status: string): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

function finished(run: RunRecord): RunOutcome {
  return { runId: run.id, status: run.status as RunStatus, ...(run.error === null ? {} : { error: run.error }) };
}

/** The arguments a dry run would have sent, as one line of JSON (long ones cut). */
function previewArguments(input: unknown): string {
  const text = JSON.stringify(input) ?? 'nothing';
  return text.length > PREVIEW_CHARACTERS ? `${text.slice(0, PREVIEW_CHARACTERS - 1)}…` : text;
}

/** Longest argument text a dry-run progress line shows (the full preview is in the event's data). */
const PREVIEW_CHARACTERS = 400;

function describe(output: unknown): string {
  if (output === null || output === undefined) return 'done';
  if (Array.isArray(output)) return `${output.length} item(s)`;
  if (typeof output !== 'object') return String(output).slice(0, 80);
  const entries = Object.entries(output as Record<string, unknown>);
  const counted = entries.find(([, value]) => Array.isArray(value));
  const count = entries.find(([key, value]) => (key === 'count' || key === 'total') && typeof value === 'number');
  if (count !== undefined) return `${count[0]} ${String(count[1])}`;
  if (counted !== undefined) return `${(counted[1] as unknown[]).length} ${counted[0]}`;
  return entries.slice(0, 3).map(([key]) => key).join(', ') || 'done';
}

export type { RunRecord };
