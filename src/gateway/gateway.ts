import PQueue from 'p-queue';
import type { AuditScope, AuditSink } from '../audit/audit-entry.js';
import type { AnyTool, ToolSubjects } from '../connectors/tool.js';
import type { Clock } from '../core/clock.js';
import { canonicalJson, hashCanonical, sha256Hex } from '../core/canonical-json.js';
import { isDefenseClawError } from '../core/errors/index.js';
import type { Logger } from '../core/logger.js';
import type { ApprovalGate, ApprovalView } from './approval-gate.js';
import type { Caller } from './caller.js';
import type { GatewayResult } from './gateway-result.js';
import { checkGuards, type GuardContext } from './guards.js';
import { capOutput } from './output-cap.js';
import type { RegisteredTool, ToolRegistry } from './tool-registry.js';

export interface GatewayOptions {
  registry: ToolRegistry;
  audit: AuditSink;
  approvals: ApprovalGate;
  guards: GuardContext;
  /** The live tool (built for the real config) behind a registered one; throws when its integration is not configured. */
  liveTool(tool: RegisteredTool): AnyTool;
  clock: Clock;
  logger?: Logger;
  /** Runtime when the caller names none (config agent.runtime). */
  runtime: 'secure' | 'standard';
  /** Secure runtime: outputs larger than this (bytes of JSON) are cut. */
  outputCapBytes?: number;
  /** Per-call timeout when the catalog gives none. */
  defaultTimeoutMs?: number;
  /**
   * Tool handlers running at once in this process, across every caller (config `max_concurrent`);
   * each connector's own queue (tools/<connector>.yaml) applies inside this. Unset: no ceiling.
   */
  maxConcurrentCalls?: number;
  /** Removes secrets from the arguments an approver is shown (the ledger redacts its own copy). */
  redact?: <T>(value: T) => T;
}

/** What the approval gate decided: run now under this approval, or stop with this result. */
type GateOutcome = { approval: ApprovalView } | { result: GatewayResult };

export interface CallOptions {
  /** The approval a resumed call waited on (its binding must still match the arguments). */
  approvalId?: string;
  signal?: AbortSignal;
}

/**
 * The one door to every tool (DESIGN.md §2): look up, validate, authorise (profile, scope,
 * argument guards), approval gate, dry-run, run with a timeout, and one audit record per
 * outcome. Deny beats allow; an error while deciding is a denial.
 */
export class Gateway {
  readonly #options: GatewayOptions;
  readonly #running: PQueue | undefined;

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#running = options.maxConcurrentCalls === undefined ? undefined : new PQueue({ concurrency: options.maxConcurrentCalls });
  }

  /** Handlers running now and calls waiting for a slot under `maxConcurrentCalls`. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running?.pending ?? 0, waiting: this.#running?.size ?? 0 };
  }

  async call(name: string, input: unknown, caller: Caller, options: CallOptions = {}): Promise<GatewayResult> {
    const started = performance.now();
    const tool = this.#options.registry.resolve(name);
    if (tool === undefined) {
      const seq = this.#audit(caller, name, undefined, 'invalid', { reason: 'unknown tool', args: input }, input);
      return { outcome: 'invalid', tool: name, reason: `unknown tool ${name}`, issues: [], auditSeq: seq };
    }
    const parsed = tool.definition.input.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(input)', message: issue.message }));
      const seq = this.#audit(caller, tool.id, tool.scope, 'invalid', { reason: 'input does not match the tool schema', issues }, input);
      return { outcome: 'invalid', tool: tool.id, reason: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues, auditSeq: seq };
    }
    const args = parsed.data as Record<string, unknown>;

    const refusal = await this.#authorise(tool, args, caller);
    if (refusal !== undefined) {
      const seq = this.#audit(caller, tool.id, tool.scope, 'denied', { reason: refusal }, args);
      return { outcome: 'denied', tool: tool.id, reason: refusal, auditSeq: seq };
    }

    const runtime = caller.runtime ?? this.#options.runtime;
    // A step that says requires_approval waits, whatever its scope (DESIGN.md §2.4); write/execute also
    // wait in the secure runtime, and in the standard one when the step (or else the catalog) says so.
    const needsApproval = caller.requiresApproval === true || (tool.scope !== 'read' && (runtime === 'secure' || (caller.requiresApproval ?? tool.catalog.requires_approval)));
    // A dry run makes no write/execute call, and no call that would first need an approver.
    if (caller.dryRun === true && (tool.scope !== 'read' || needsApproval)) {
      const preview = { tool: tool.id, scope: tool.scope, input: this.#options.redact === undefined ? args : this.#options.redact(args), wouldRequireApproval: needsApproval };
      const seq = this.#audit(caller, tool.id, tool.scope, 'dry_run', { would_require_approval: needsApproval }, args);
      return { outcome: 'dry_run', tool: tool.id, preview, auditSeq: seq };
    }

    let approval: ApprovalView | undefined;
    if (needsApproval) {
      let gate: GateOutcome;
      try {
        gate = this.#approvalGate(tool, args, caller, options.approvalId);
      } catch (error) {
        // The approval store failed while deciding whether this call may run: it may not.
        const reason = `approval check failed: ${error instanceof Error ? error.message.split('\n')[0]! : String(error)}`;
        const seq = this.#audit(caller, tool.id, tool.scope, 'denied', { reason }, args);
        return { outcome: 'denied', tool: tool.id, reason, auditSeq: seq };
      }
      if ('result' in gate) return gate.result;
      approval = gate.approval;
    }
    return this.#run(tool, args, caller, approval, started, options.signal);
  }

  async #authorise(tool: RegisteredTool, args: Record<string, unknown>, caller: Caller): Promise<string | undefined> {
    try {
      const { permissions } = caller;
      if (!permissions.scopes[tool.scope]) return `scope ${tool.scope} is not granted to ${caller.actor}`;
      if (permissions.tools !== '*' && !permissions.tools.has(tool.id)) return `${tool.id} is not among the tools granted to ${caller.actor}`;
      const subjects: ToolSubjects = tool.definition.subjects?.(args as never) ?? {};
      return await checkGuards(tool.catalog.guards, subjects, this.#options.guards, args);
    } catch (error) {
      return `authorisation failed: ${(error as Error).message}`;
    }
  }

  /** Finds or creates the approval for this exact call; returns a result unless the call may run now. */
  #approvalGate(tool: RegisteredTool, args: Record<string, unknown>, caller: Caller, approvalId?: string): GateOutcome {
    const approvals = this.#options.approvals;
    const argsHash = hashCanonical(args);
    const binding = { tool: tool.id, argsHash, requester: caller.requester, ...(caller.runId === undefined ? {} : { runId: caller.runId }) };
    let approval = approvalId === undefined ? approvals.find(binding) : approvals.get(approvalId);
    const matches = approval !== undefined && approval.tool === tool.id && approval.argsHash === argsHash && approval.requester === caller.requester && (approval.runId ?? undefined) === caller.runId;
    if (approval !== undefined && matches && approvalId !== undefined) {
      if (approval.state === 'denied') {
        const seq = this.#audit(caller, tool.id, tool.scope, 'rejected', { approval_id: approval.id, decided_by: approval.decidedBy ?? null, reason: approval.decisionReason ?? null }, args);
        return { result: { outcome: 'rejected', tool: tool.id, approvalId: approval.id, reason: approval.decisionReason ?? 'denied by an approver', auditSeq: seq } };
      }
      if (approval.state === 'expired') {
        const seq = this.#audit(caller, tool.id, tool.scope, 'expired', { approval_id: approval.id }, args);
        return { result: { outcome: 'expired', tool: tool.id, approvalId: approval.id, auditSeq: seq } };
      }
    }
    if (approval !== undefined && matches && approval.state === 'pending') {
      // Asked again while still pending (a resumed run): audited too, as every outcome is.
      const seq = this.#audit(caller, tool.id, tool.scope, 'awaiting_approval', { approval_id: approval.id, expires_at: approval.expiresAt, still_pending: true }, args);
      return { result: { outcome: 'awaiting_approval', tool: tool.id, approvalId: approval.id, expiresAt: approval.expiresAt, auditSeq: seq } };
    }
    if (approval !== undefined && matches && approval.state === 'approved' && approval.executedAt === null) {
      if (!approvals.consume(approval.id)) {
        const seq = this.#audit(caller, tool.id, tool.scope, 'denied', { reason: 'approval already used', approval_id: approval.id }, args);
        return { result: { outcome: 'denied', tool: tool.id, reason: `approval ${approval.id} was already used for one call`, auditSeq: seq } };
      }
      this.#audit(caller, tool.id, tool.scope, 'approved', { approval_id: approval.id, decided_by: approval.decidedBy ?? null }, args);
      return { approval };
    }
    // No usable approval (none yet, different arguments, or already used): ask for a new one.
    approval = approvals.request({
      tool: tool.id,
      args,
      argsSummary: this.#options.redact === undefined ? args : this.#options.redact(args),
      requester: caller.requester,
      actor: caller.actor,
      ...(caller.runId === undefined ? {} : { runId: caller.runId }),
      ...(caller.reason === undefined ? {} : { reason: caller.reason }),
      risk: tool.catalog.critical ? 'critical' : tool.scope === 'execute' ? 'high' : 'medium',
      critical: tool.catalog.critical,
    });
    const seq = this.#audit(caller, tool.id, tool.scope, 'awaiting_approval', { approval_id: approval.id, expires_at: approval.expiresAt, reason: caller.reason ?? null }, args);
    return { result: { outcome: 'awaiting_approval', tool: tool.id, approvalId: approval.id, expiresAt: approval.expiresAt, auditSeq: seq } };
  }

  async #run(tool: RegisteredTool, args: Record<string, unknown>, caller: Caller, approval: ApprovalView | undefined, started: number, signal?: AbortSignal): Promise<GatewayResult> {
    const approvalId = approval?.id;
    const timeoutMs = tool.catalog.timeout_ms ?? this.#options.defaultTimeoutMs ?? 60_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let output: unknown;
    try {
      const live = this.#options.liveTool(tool);
      const handle = () => live.handler(args as never, { signal: combined, clock: this.#options.clock, ...(this.#options.logger === undefined ? {} : { logger: this.#options.logger }) });
      // The timeout covers the wait for a slot too; a call given up while waiting never starts.
      output = await Promise.race([
        this.#running === undefined ? handle() : this.#running.add(handle, { signal: combined }),
        new Promise((_, reject) => combined.addEventListener('abort', () => reject(combined.reason instanceof Error ? combined.reason : new Error(`timed out after ${timeoutMs} ms`)), { once: true })),
      ]);
    } catch (error) {
      const code = isDefenseClawError(error) ? error.code : error instanceof Error && error.name === 'TimeoutError' ? 'tool_timeout' : 'tool_failed';
      const message = error instanceof Error && error.name === 'TimeoutError' ? `${tool.id} timed out after ${timeoutMs} ms` : error instanceof Error ? error.message.split('\n')[0]! : String(error);
      const seq = this.#audit(caller, tool.id, tool.scope, 'failed', { error: { code, message }, duration_ms: Math.round(performance.now() - started), ...(approvalId === undefined ? {} : { approval_id: approvalId }) }, args);
      return { outcome: 'failed', tool: tool.id, error: { code, message }, auditSeq: seq, ...(approvalId === undefined ? {} : { approvalId }) };
    }
    const runtime = caller.runtime ?? this.#options.runtime;
    const capped = runtime === 'secure' ? capOutput(output, this.#options.outputCapBytes ?? 256 * 1024) : { value: output, truncated: false };
    const seq = this.#audit(
      caller,
      tool.id,
      tool.scope,
      'succeeded',
      {
        duration_ms: Math.round(performance.now() - started),
        result_hash: resultHash(output),
        summary: summarise(output),
        ...(capped.truncated ? { truncated: true } : {}),
        ...(approvalId === undefined ? {} : { approval_id: approvalId }),
      },
      args,
    );
    return { outcome: 'succeeded', tool: tool.id, output: capped.value, truncated: capped.truncated, auditSeq: seq, ...(approvalId === undefined ? {} : { approvalId }) };
  }

  #audit(caller: Caller, target: string, scope: AuditScope | undefined, outcome: Parameters<AuditSink['append']>[0]['outcome'], details: Record<string, unknown>, args: unknown): number {
    return this.#options.audit.append({
      actor: caller.actor,
      action: 'tool.call',
      target,
      ...(scope === undefined ? {} : { scope }),
      outcome,
      details: {
        caller: caller.kind,
        requester: caller.requester,
        ...(caller.runId === undefined ? {} : { run_id: caller.runId }),
        ...(caller.dryRun === true ? { dry_run: true } : {}),
        ...details,
      },
      args,
    }).seq;
  }
}

function resultHash(output: unknown): string | null {
  try {
    return sha256Hex(canonicalJson(output));
  } catch {
    return null;
  }
}

/** A short, secret-free shape of an output for the ledger: keys, counts, not values. */
function summarise(output: unknown): string {
  if (output === undefined || output === null) return 'empty';
  if (Array.isArray(output)) return `${output.length} item(s)`;
  if (typeof output !== 'object') return typeof output;
  const parts = Object.entries(output as Record<string, unknown>)
    .slice(0, 8)
    .map(([key, value]) => (Array.isArray(value) ? `${key}[${value.length}]` : typeof value === 'number' || typeof value === 'boolean' ? `${key}=${value}` : key));
  return parts.join(', ');
}
