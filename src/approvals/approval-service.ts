import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { AuditSink } from '../audit/audit-entry.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors/index.js';
import type { StoreDatabase } from '../store/open.js';
import { approvals, approvalVotes, type ApprovalRow, type ApprovalVoteRow } from '../store/schema/approvals.js';
import { approvalBinding, type Approval, type ApprovalBinding, type ApprovalDecision, type ApprovalRequest, type ApprovalState } from './approval.js';
import { toApproval } from './approval-row.js';
import type { ApprovalSettings, GroupMemberResolver } from './approval-settings.js';
import { checkApprover } from './approver-check.js';
import {
  ApprovalDuplicateApproverError,
  ApprovalExpiredError,
  ApprovalNotAllowedError,
  ApprovalNotFoundError,
  ApprovalNotPendingError,
  ApprovalRefusedError,
  ApprovalSelfDecisionError,
} from './errors/index.js';

export interface ApprovalServiceOptions {
  db: StoreDatabase;
  clock: Clock;
  audit: AuditSink;
  settings: ApprovalSettings;
  /** Members of a Slack user group; without it, group approvers grant nothing (fail closed). */
  resolveGroupMembers?: GroupMemberResolver;
}

export interface ApprovalListOptions {
  /** Only pending approvals (after expiring the overdue ones). */
  pending?: boolean;
  /** At most this many, newest first. */
  limit?: number;
}

export interface DecideOptions {
  /** Audit actor; default `approver:<approver>` (the CLI passes `cli:<os user> as <identity>`). */
  actor?: string;
}

/** Called after a vote or a state change committed (approved, denied, a 1-of-2 vote, expired). */
export type ApprovalListener = (approval: Approval) => void;

/** The synchronous transaction handle drizzle passes to `db.transaction`. */
type StoreTransaction = Parameters<Parameters<StoreDatabase['transaction']>[0]>[0];

/** Expiry is a decision by nobody: recorded as decided by `system`. */
const SYSTEM = 'system';

/** What a decision transaction did; refusals are classified inside and thrown after it ends. */
type VoteOutcome =
  | { kind: 'voted'; state: ApprovalState }
  | { kind: 'expired'; expiredNow: boolean }
  | { kind: 'not_pending'; state: ApprovalState }
  | { kind: 'duplicate' }
  | { kind: 'missing' };

/** Thrown inside a transaction to roll it back when a compare-and-set lost its race. */
class LostRace extends Error {}

/**
 * The approval state machine: pending → approved | denied | expired, with the approver rules
 * of DESIGN.md §3. Every state change is a compare-and-set UPDATE on `state = 'pending'` in one
 * synchronous IMMEDIATE transaction with its vote, so concurrent deciders (other processes, other
 * replicas) apply exactly one decision. Every decision and every refusal is audited.
 */
export class ApprovalService {
  readonly #db: StoreDatabase;
  readonly #clock: Clock;
  readonly #audit: AuditSink;
  readonly #settings: ApprovalSettings;
  readonly #resolveGroupMembers: GroupMemberResolver | undefined;
  readonly #listeners = new Set<ApprovalListener>();

  constructor(options: ApprovalServiceOptions) {
    if (!Number.isFinite(options.settings.expiryMs) || options.settings.expiryMs <= 0) {
      throw new InputError({ path: 'approvals.expiry', message: `expiry must be a positive duration, got ${options.settings.expiryMs} ms` });
    }
    this.#db = options.db;
    this.#clock = options.clock;
    this.#audit = options.audit;
    this.#settings = options.settings;
    this.#resolveGroupMembers = options.resolveGroupMembers;
  }

  /**
   * The approval for this call: an existing pending, or approved but not yet executed, approval
   * with the same binding that has not expired; otherwise a new pending one. Changed arguments
   * hash differently and so get a new approval.
   */
  request(input: ApprovalRequest): Approval {
    if (input.tool === '') throw new InputError({ path: 'tool', message: 'an approval needs a tool id' });
    if (input.requester === '') throw new InputError({ path: 'requester', message: 'an approval needs a requester' });
    const binding = approvalBinding(input);
    this.#expireWhere(bindingCondition(binding));
    const critical = input.critical === true || input.risk === 'critical' || this.#settings.criticalTools.includes(input.tool);
    const argsSummary = canonicalJson(input.argsSummary ?? null);
    const created = this.#db.transaction(
      (transaction) => {
        const now = this.#now();
        const existing = transaction
          .select()
          .from(approvals)
          .where(
            and(
              bindingCondition(binding),
              gt(approvals.expiresAt, now),
              or(eq(approvals.state, 'pending'), and(eq(approvals.state, 'approved'), isNull(approvals.executedAt))),
            ),
          )
          .orderBy(desc(approvals.createdAt), desc(sql`rowid`))
          .limit(1)
          .get();
        if (existing !== undefined) return { id: existing.id, isNew: false };
        const row: ApprovalRow = {
          id: newApprovalId(),
          tool: input.tool,
          argsHash: binding.argsHash,
          argsSummary,
          requester: input.requester,
          actor: input.actor,
          runId: binding.runId ?? null,
          reason: input.reason ?? null,
          risk: input.risk ?? (critical ? 'critical' : 'high'),
          critical,
          requiredApprovals: critical ? 2 : 1,
          state: 'pending',
          createdAt: now,
          expiresAt: new Date(Date.parse(now) + this.#settings.expiryMs).toISOString(),
          decidedAt: null,
          decidedBy: null,
          decisionReason: null,
          executedAt: null,
          channel: null,
          messageTs: null,
        };
        transaction.insert(approvals).values(row).run();
        return { id: row.id, isNew: true };
      },
      { behavior: 'immediate' },
    );
    const approval = this.#read(created.id)!;
    if (created.isNew) {
      this.#audit.append({
        actor: input.actor,
        action: 'approval.request',
        target: approval.tool,
        outcome: 'awaiting_approval',
        args: input.args,
        details: {
          approval_id: approval.id,
          requester: approval.requester,
          run_id: approval.runId,
          reason: approval.reason,
          risk: approval.risk,
          critical: approval.critical,
          required_approvals: approval.requiredApprovals,
          expires_at: approval.expiresAt,
        },
      });
    }
    return approval;
  }

  /** The newest approval for this binding, in any state (expiring it first when overdue). */
  find(binding: ApprovalBinding): Approval | undefined {
    this.#expireWhere(bindingCondition(binding));
    const row = this.#db
      .select()
      .from(approvals)
      .where(bindingCondition(binding))
      .orderBy(desc(approvals.createdAt), desc(sql`rowid`))
      .limit(1)
      .get();
    return row === undefined ? undefined : this.#withVotes([row])[0];
  }

  /** One approval by id (expiring it first when overdue), or undefined. */
  get(id: string): Approval | undefined {
    this.#expireWhere(eq(approvals.id, id));
    return this.#read(id);
  }

  /** Approvals newest first (overdue pending ones are expired first). */
  list(options: ApprovalListOptions = {}): Approval[] {
    this.expireDue();
    const query = this.#db
      .select()
      .from(approvals)
      .where(options.pending === true ? eq(approvals.state, 'pending') : undefined)
      .orderBy(desc(approvals.createdAt), desc(sql`rowid`));
    const rows = options.limit === undefined ? query.all() : query.limit(Math.max(0, Math.trunc(options.limit))).all();
    return this.#withVotes(rows);
  }

  /**
   * Records `approver`'s decision. Refusals throw an `ApprovalRefusedError` subclass (and are
   * audited with outcome `denied`); an unknown id throws `ApprovalNotFoundError`. A deny from any
   * approver denies at once; an approve counts toward `requiredApprovals` (two distinct approvers
   * for critical approvals).
   */
  async decide(id: string, approver: string, decision: ApprovalDecision, reason?: string, options: DecideOptions = {}): Promise<Approval> {
    if (decision !== 'approve' && decision !== 'deny') {
      throw new InputError({ path: 'decision', message: `expected approve or deny, got ${String(decision)}` });
    }
    const actor = options.actor ?? `approver:${approver}`;
    const current = this.get(id);
    if (current === undefined) throw new ApprovalNotFoundError(id);
    const refuse = (error: ApprovalRefusedError, approval: Approval, extra: Record<string, unknown> = {}): never => {
      this.#auditDecision(actor, approval, { outcome: 'denied', approver, decision, reason, refusal: error.code, ...extra });
      throw error;
    };

    let membership: Awaited<ReturnType<typeof checkApprover>>;
    try {
      membership = await checkApprover(approver, this.#settings.approvers, this.#resolveGroupMembers);
    } catch (error) {
      // An error while deciding who may decide means "not allowed".
      membership = { allowed: false, errors: [{ group: '*', message: error instanceof Error ? error.message : String(error) }] };
    }
    if (!membership.allowed) {
      return refuse(new ApprovalNotAllowedError({ approvalId: id, approver }), current, membership.errors.length > 0 ? { group_errors: membership.errors } : {});
    }
    if (samePrincipal(approver, current.requester) && !this.#settings.allowSelfApproval) {
      return refuse(new ApprovalSelfDecisionError({ approvalId: id, approver }), current);
    }

    let outcome: VoteOutcome;
    try {
      outcome = this.#db.transaction((transaction) => this.#vote(transaction, id, approver, decision, reason ?? null), { behavior: 'immediate' });
    } catch (error) {
      if (error instanceof LostRace) outcome = { kind: 'not_pending', state: this.#read(id)?.state ?? 'pending' };
      else if (isPrimaryKeyViolation(error)) outcome = { kind: 'duplicate' };
      else throw error;
    }

    const after = this.#read(id);
    if (after === undefined || outcome.kind === 'missing') throw new ApprovalNotFoundError(id);
    switch (outcome.kind) {
      case 'expired':
        if (outcome.expiredNow) this.#afterExpiry(after);
        return refuse(new ApprovalExpiredError({ approvalId: id, approver, expiresAt: after.expiresAt }), after);
      case 'not_pending':
        return refuse(new ApprovalNotPendingError({ approvalId: id, approver, state: after.state }), after);
      case 'duplicate':
        return refuse(new ApprovalDuplicateApproverError({ approvalId: id, approver }), after);
      case 'voted':
        break;
    }
    this.#auditDecision(actor, after, {
      outcome: after.state === 'approved' ? 'approved' : after.state === 'denied' ? 'rejected' : 'awaiting_approval',
      approver,
      decision,
      reason,
      via: membership.via,
    });
    this.#emit(after);
    return after;
  }

  /**
   * Marks an approved approval as executed: true exactly once, false when it is not approved,
   * already executed or unknown. Call it right before running the approved call.
   */
  consume(id: string): boolean {
    const result = this.#db
      .update(approvals)
      .set({ executedAt: this.#now() })
      .where(and(eq(approvals.id, id), eq(approvals.state, 'approved'), isNull(approvals.executedAt)))
      .run();
    return result.changes === 1;
  }

  /** Expires every overdue pending approval; returns the ones this call expired. */
  expireDue(): Approval[] {
    return this.#expireWhere(undefined);
  }

  /** Remembers where the approval message was posted in Slack. */
  setMessage(id: string, channel: string, messageTs: string): Approval {
    const result = this.#db.update(approvals).set({ channel, messageTs }).where(eq(approvals.id, id)).run();
    if (result.changes !== 1) throw new ApprovalNotFoundError(id);
    return this.#read(id)!;
  }

  /**
   * Calls `listener` after every decision this process commits (and every expiry it applies),
   * so a run waiting in this process resumes at once. Returns the unsubscribe function.
   */
  onDecided(listener: ApprovalListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** The body of the decision transaction: synchronous, never awaits. */
  #vote(transaction: StoreTransaction, id: string, approver: string, decision: ApprovalDecision, reason: string | null): VoteOutcome {
    const now = this.#now();
    const stillPending = and(eq(approvals.id, id), eq(approvals.state, 'pending'), gt(approvals.expiresAt, now));
    // Claim the row with a compare-and-set: it succeeds only while the approval is pending and
    // unexpired, and (on servers with row locks) serialises concurrent voters on this approval.
    const claimed = transaction.update(approvals).set({ state: 'pending' }).where(stillPending).run().changes === 1;
    if (!claimed) {
      const row = transaction.select().from(approvals).where(eq(approvals.id, id)).get();
      if (row === undefined) return { kind: 'missing' };
      if (row.state === 'expired') return { kind: 'expired', expiredNow: false };
      if (row.state === 'pending') return { kind: 'expired', expiredNow: this.#expireRow(transaction, id, now) };
      return { kind: 'not_pending', state: row.state as ApprovalState };
    }
    const previous = transaction
      .select({ approver: approvalVotes.approver })
      .from(approvalVotes)
      .where(and(eq(approvalVotes.approvalId, id), eq(approvalVotes.approver, approver)))
      .get();
    if (previous !== undefined) return { kind: 'duplicate' };
    transaction.insert(approvalVotes).values({ approvalId: id, approver, decision, reason, at: now }).run();

    const row = transaction.select().from(approvals).where(eq(approvals.id, id)).get()!;
    let next: ApprovalState = 'pending';
    if (decision === 'deny') next = 'denied';
    else {
      const approveVotes = transaction
        .select({ count: sql<number>`count(*)` })
        .from(approvalVotes)
        .where(and(eq(approvalVotes.approvalId, id), eq(approvalVotes.decision, 'approve')))
        .get();
      if ((approveVotes?.count ?? 0) >= row.requiredApprovals) next = 'approved';
    }
    if (next !== 'pending') {
      const changed = transaction
        .update(approvals)
        .set({ state: next, decidedAt: now, decidedBy: approver, decisionReason: reason })
        .where(stillPending)
        .run().changes;
      // Another writer got in between: undo the vote too, so exactly one decision stands.
      if (changed !== 1) throw new LostRace();
    }
    return { kind: 'voted', state: next };
  }

  /** Compare-and-set pending → expired for one overdue row; true when this call did it. */
  #expireRow(transaction: StoreTransaction, id: string, now: string): boolean {
    return (
      transaction
        .update(approvals)
        .set({ state: 'expired', decidedAt: now, decidedBy: SYSTEM, decisionReason: 'expired' })
        .where(and(eq(approvals.id, id), eq(approvals.state, 'pending'), lte(approvals.expiresAt, now)))
        .run().changes === 1
    );
  }

  /**
   * Expires overdue pending approvals matching `condition`. Reads first, so a read that finds
   * nothing overdue takes no write lock; each expiry is audited once, by whoever applied it.
   */
  #expireWhere(condition: SQL | undefined): Approval[] {
    const now = this.#now();
    const due = this.#db
      .select({ id: approvals.id })
      .from(approvals)
      .where(and(eq(approvals.state, 'pending'), lte(approvals.expiresAt, now), condition))
      .all();
    if (due.length === 0) return [];
    const expired = this.#db.transaction((transaction) => due.filter(({ id }) => this.#expireRow(transaction, id, now)).map(({ id }) => id), {
      behavior: 'immediate',
    });
    const result = expired.map((id) => this.#read(id)!);
    for (const approval of result) this.#afterExpiry(approval);
    return result;
  }

  #afterExpiry(approval: Approval): void {
    this.#audit.append({
      actor: SYSTEM,
      action: 'approval.expire',
      target: approval.tool,
      outcome: 'expired',
      details: {
        approval_id: approval.id,
        requester: approval.requester,
        run_id: approval.runId,
        expires_at: approval.expiresAt,
        votes: approval.votes,
        required_approvals: approval.requiredApprovals,
      },
    });
    this.#emit(approval);
  }

  #auditDecision(
    actor: string,
    approval: Approval,
    facts: { outcome: 'approved' | 'rejected' | 'denied' | 'awaiting_approval'; approver: string; decision: ApprovalDecision; reason: string | undefined; [key: string]: unknown },
  ): void {
    const { outcome, approver, decision, reason, ...extra } = facts;
    this.#audit.append({
      actor,
      action: 'approval.decide',
      target: approval.tool,
      outcome,
      details: {
        approval_id: approval.id,
        approver,
        decision,
        reason: reason ?? null,
        state: approval.state,
        critical: approval.critical,
        required_approvals: approval.requiredApprovals,
        votes: approval.votes,
        ...extra,
      },
    });
  }

  #emit(approval: Approval): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(approval);
      } catch {
        // The decision is committed and audited; a failing listener must not undo or hide it.
      }
    }
  }

  #read(id: string): Approval | undefined {
    const row = this.#db.select().from(approvals).where(eq(approvals.id, id)).get();
    return row === undefined ? undefined : this.#withVotes([row])[0];
  }

  #withVotes(rows: readonly ApprovalRow[]): Approval[] {
    const votesById = new Map<string, ApprovalVoteRow[]>();
    // Chunks keep each IN (…) list far below SQLite's bound-parameter limit.
    for (let start = 0; start < rows.length; start += 500) {
      const ids = rows.slice(start, start + 500).map((row) => row.id);
      const votes = this.#db.select().from(approvalVotes).where(inArray(approvalVotes.approvalId, ids)).orderBy(asc(approvalVotes.at), asc(sql`rowid`)).all();
      for (const vote of votes) {
        const list = votesById.get(vote.approvalId) ?? [];
        list.push(vote);
        votesById.set(vote.approvalId, list);
      }
    }
    return rows.map((row) => toApproval(row, votesById.get(row.id) ?? []));
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/** `apr_` + 16 hex characters (64 random bits). */
export function newApprovalId(): string {
  return `apr_${randomBytes(8).toString('hex')}`;
}

function bindingCondition(binding: ApprovalBinding): SQL {
  return and(
    eq(approvals.tool, binding.tool),
    eq(approvals.argsHash, binding.argsHash),
    eq(approvals.requester, binding.requester),
    binding.runId === undefined || binding.runId === null ? isNull(approvals.runId) : eq(approvals.runId, binding.runId),
  )!;
}

function isPrimaryKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Whether two principal names are the same person: `slack:U0123` (how Slack-started runs name
 * their requester) and `U0123` (how Slack and the CLI name an approver) are one user.
 */
export function samePrincipal(left: string, right: string): boolean {
  const normalise = (name: string) => name.trim().replace(/^slack:/i, '').toUpperCase();
  return normalise(left) === normalise(right);
}
