import type { AuditSink } from '../../audit/audit-entry.js';
import type { Clock } from '../../core/clock.js';
import { UsageError } from '../../core/errors/index.js';
import { profile } from '../../gateway/caller.js';
import type { Gateway } from '../../gateway/gateway.js';
import type { ToolLookup } from '../definition/index.js';
import { evaluate, isTruthy, parseExpression } from '../expression/index.js';
import type { AgentRunner, RunOutcome } from '../runner/agent-runner.js';
import { EVENT_SOURCES, triggerOf } from './event-sources.js';
import { workflowRunnable } from './workflow-runnable.js';
import { loadWorkflowDefinition } from './validate-workflow.js';
import { DEFAULT_POLL_INTERVAL, type WorkflowDefinition } from './workflow-schema.js';

export interface WorkflowRecord {
  name: string;
  version: string;
  definition: string;
  sourceFile: string | null;
  active: boolean;
  registeredAt: string;
  updatedAt: string;
}

/** Persistence of registered workflows and of what their triggers fired on (store/RunRepository). */
export interface WorkflowStore {
  upsertWorkflow(row: WorkflowRecord): void;
  getWorkflow(name: string): WorkflowRecord | undefined;
  listWorkflows(): WorkflowRecord[];
  setWorkflowActive(name: string, active: boolean, now: string): boolean;
  markFired(workflow: string, key: string, now: string): boolean;
  setFiredRun(workflow: string, key: string, runId: string): void;
}

/**
 * Where an active workflow's trigger is kept running (app/ wires the scheduler): an event
 * workflow is polled `@every <interval>`, a schedule workflow runs at its cron times.
 */
export interface WorkflowTriggers {
  /** Keeps the trigger of `workflow` running on `schedule` (added, or updated when it changed). */
  schedule(workflow: string, schedule: string): void;
  /** Stops the trigger of `workflow` (nothing when it had none). */
  unschedule(workflow: string): void;
}

export interface WorkflowServiceOptions {
  store: WorkflowStore;
  runner: AgentRunner;
  gateway: Gateway;
  tools: ToolLookup;
  audit: AuditSink;
  clock: Clock;
  /** Who registers, activates and polls (audit actor). */
  actor: string;
  /** Keeps active triggers running; without it, only `workflow run` and `workflow poll` run workflows. */
  triggers?: WorkflowTriggers;
}

export interface TriggerRun {
  key: string;
  outcome: RunOutcome;
}

/**
 * Workflows: register (validated), activate, deactivate, run by hand, and poll event triggers.
 * An event trigger remembers every item it fired on (persisted), so each match runs once.
 */
export class WorkflowService {
  constructor(private readonly options: WorkflowServiceOptions) {}

  register(file: string): WorkflowDefinition {
    const definition = loadWorkflowDefinition(file, this.options.tools);
    const now = this.options.clock.now().toISOString();
    const existing = this.options.store.getWorkflow(definition.name);
    this.options.store.upsertWorkflow({
      name: definition.name,
      version: definition.version,
      definition: JSON.stringify(definition),
      sourceFile: file,
      active: existing?.active ?? false,
      registeredAt: existing?.registeredAt ?? now,
      updatedAt: now,
    });
    this.options.audit.append({ actor: this.options.actor, action: 'workflow.register', target: definition.name, scope: 'admin', outcome: 'succeeded', details: { version: definition.version, file, trigger: definition.trigger } });
    // An active workflow's trigger follows its new definition (another interval, another cron, or none).
    if (existing?.active === true) this.#keepTrigger(definition);
    return definition;
  }

  /**
   * Activates (its trigger starts: polled or scheduled) or deactivates (its trigger stops) a
   * registered workflow. The trigger is set up first, so a schedule that cannot run activates nothing.
   */
  setActive(name: string, active: boolean): void {
    const definition = this.get(name);
    if (active) this.#keepTrigger(definition);
    else this.options.triggers?.unschedule(name);
    if (!this.options.store.setWorkflowActive(name, active, this.options.clock.now().toISOString())) {
      throw new UsageError(`no workflow named ${name}; register it first with \`defenseclaw workflow register <file>\``);
    }
    this.options.audit.append({ actor: this.options.actor, action: active ? 'workflow.activate' : 'workflow.deactivate', target: name, scope: 'admin', outcome: 'succeeded', details: { trigger: definition.trigger } });
  }

  /**
   * One trigger round of an active workflow, as its scheduled job runs it: an event workflow polls
   * its source and runs each new match once; a schedule workflow runs once; a manual one never.
   * A workflow deactivated or removed since the job was set up runs nothing (`active: false`).
   */
  async runTriggered(name: string, options: { requester: string }): Promise<{ active: boolean; runs: TriggerRun[] }> {
    const row = this.options.store.getWorkflow(name);
    if (row === undefined || !row.active) return { active: false, runs: [] };
    const workflow = JSON.parse(row.definition) as WorkflowDefinition;
    switch (workflow.trigger.type) {
      case 'event':
        return { active: true, runs: await this.#pollEvents(workflow, { dryRun: false, requester: options.requester }) };
      case 'schedule': {
        const outcome = await this.options.runner.start(workflowRunnable(workflow, this.options.tools), { params: {}, requester: options.requester, dryRun: false, trigger: { type: 'schedule', cron: workflow.trigger.cron } });
        return { active: true, runs: [{ key: 'schedule', outcome }] };
      }
      case 'manual':
        return { active: true, runs: [] };
    }
  }

  #keepTrigger(definition: WorkflowDefinition): void {
    const triggers = this.options.triggers;
    if (triggers === undefined) return;
    const { trigger } = definition;
    if (trigger.type === 'event') triggers.schedule(definition.name, `@every ${trigger.interval ?? DEFAULT_POLL_INTERVAL}`);
    else if (trigger.type === 'schedule' && trigger.cron !== undefined) triggers.schedule(definition.name, trigger.cron);
    else triggers.unschedule(definition.name);
  }

  list(): Array<WorkflowRecord & { parsed: WorkflowDefinition }> {
    return this.options.store.listWorkflows().map((row) => ({ ...row, parsed: JSON.parse(row.definition) as WorkflowDefinition }));
  }

  get(name: string): WorkflowDefinition {
    const row = this.options.store.getWorkflow(name);
    if (row === undefined) throw new UsageError(`no workflow named ${name}; register it first with \`defenseclaw workflow register <file>\``);
    return JSON.parse(row.definition) as WorkflowDefinition;
  }

  /**
   * Runs a workflow now: a manual or scheduled one once; an event one for each new matching item
   * of its source (a dry run marks nothing as fired, so a real run still sees them).
   */
  async run(name: string, options: { dryRun: boolean; requester: string }): Promise<TriggerRun[]> {
    const workflow = this.get(name);
    if (workflow.trigger.type !== 'event') {
      const outcome = await this.options.runner.start(workflowRunnable(workflow, this.options.tools), { params: {}, requester: options.requester, dryRun: options.dryRun });
      return [{ key: 'manual', outcome }];
    }
    return this.#pollEvents(workflow, options);
  }

  /** One polling round of every active event workflow. */
  async poll(options: { requester: string }): Promise<Array<{ workflow: string; runs: TriggerRun[] }>> {
    const out: Array<{ workflow: string; runs: TriggerRun[] }> = [];
    for (const row of this.options.store.listWorkflows()) {
      if (!row.active) continue;
      const workflow = JSON.parse(row.definition) as WorkflowDefinition;
      if (workflow.trigger.type !== 'event') continue;
      out.push({ workflow: workflow.name, runs: await this.#pollEvents(workflow, { dryRun: false, requester: options.requester }) });
    }
    return out;
  }

  async #pollEvents(workflow: WorkflowDefinition, options: { dryRun: boolean; requester: string }): Promise<TriggerRun[]> {
    const source = EVENT_SOURCES[workflow.trigger.source!];
    const result = await this.options.gateway.call(source.tool, source.input, {
      kind: 'workflow',
      actor: `workflow:${workflow.name}`,
      requester: options.requester,
      permissions: profile([this.options.tools.resolve(source.tool)?.id ?? source.tool], { read: true }),
      reason: `workflow ${workflow.name}: trigger poll`,
    });
    if (result.outcome !== 'succeeded') {
      throw new UsageError(`workflow ${workflow.name}: polling ${source.tool} ${result.outcome}${'reason' in result ? `: ${result.reason}` : 'error' in result ? `: ${result.error.message}` : ''}`);
    }
    const filter = workflow.trigger.filter === undefined ? undefined : parseExpression(workflow.trigger.filter);
    const runs: TriggerRun[] = [];
    for (const item of source.items(result.output)) {
      const trigger = triggerOf(item);
      if (filter !== undefined && !isTruthy(evaluate(filter, trigger))) continue;
      const key = String(trigger.incident_id ?? trigger.id ?? JSON.stringify(trigger).slice(0, 200));
      const now = this.options.clock.now().toISOString();
      if (!options.dryRun && !this.options.store.markFired(workflow.name, key, now)) continue;
      const outcome = await this.options.runner.start(workflowRunnable(workflow, this.options.tools), { params: {}, requester: options.requester, dryRun: options.dryRun, trigger });
      if (!options.dryRun) this.options.store.setFiredRun(workflow.name, key, outcome.runId);
      runs.push({ key, outcome });
    }
    return runs;
  }
}
