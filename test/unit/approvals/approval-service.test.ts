import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApprovalDuplicateApproverError,
  ApprovalExpiredError,
  ApprovalNotAllowedError,
  ApprovalNotFoundError,
  ApprovalNotPendingError,
  ApprovalRefusedError,
  ApprovalSelfDecisionError,
  ApprovalService,
  approvalBinding,
  type Approval,
  type ApprovalRequest,
  type ApprovalSettings,
  type GroupMemberResolver,
} from '../../../src/approvals/index.js';
import { AuditLedger, createRedactor, type AuditRecord } from '../../../src/audit/index.js';
import { hashCanonical } from '../../../src/core/canonical-json.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { ApprovalGate } from '../../../src/gateway/approval-gate.js';
import { openStore, type Store } from '../../../src/store/index.js';

const HOUR = 3_600_000;
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'W0CAROL';
const REQUESTER = 'U0REQUESTER';

let directory: string;
let store: Store;
let ledger: AuditLedger;
let clock: ReturnType<typeof fixedClock>;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'defenseclaw-approvals-'));
  store = openStore({ file: join(directory, 'defenseclaw.db') });
  clock = fixedClock('2026-11-23T10:00:00.000Z');
  ledger = new AuditLedger({ sqlite: store.sqlite, clock, redactor: createRedactor() });
});
afterEach(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

function service(settings: Partial<ApprovalSettings> = {}, resolveGroupMembers?: GroupMemberResolver): ApprovalService {
  return new ApprovalService({
    db: store.db,
    clock,
    audit: ledger,
    settings: { approvers: [ALICE, BOB, CAROL], expiryMs: HOUR, allowSelfApproval: false, criticalTools: ['secure_firewall.deploy_policy'], ...settings },
    ...(resolveGroupMembers === undefined ? {} : { resolveGroupMembers }),
  });
}

function isolate(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    tool: 'secure_endpoint.isolate_host',
    args: { host: 'workstation-042', api_key: 'not-a-real-secret' },
    argsSummary: { host: 'workstation-042', api_key: '[REDACTED]' },
    requester: REQUESTER,
    actor: 'agent:phishing-triage',
    runId: 'run_1',
    reason: 'credential dumping on workstation-042',
    ...overrides,
  };
}

/** What the service did to the ledger: action, outcome and the approval's details. */
function decisions(): { action: string; actor: string; outcome: string; details: Record<string, unknown> }[] {
  return ledger
    .query({})
    .filter((record: AuditRecord) => record.action.startsWith('approval.'))
    .map((record) => ({ action: record.action, actor: record.actor, outcome: record.outcome, details: JSON.parse(record.details) as Record<string, unknown> }));
}

async function refusal(promise: Promise<Approval>): Promise<ApprovalRefusedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApprovalRefusedError);
  return error as ApprovalRefusedError;
}

describe('ApprovalService.request', () => {
  it('is the approval gate the gateway expects', () => {
    const gate: ApprovalGate = service();
    expect(typeof gate.consume).toBe('function');
  });

  it('creates a pending approval bound to tool, args hash, requester and run', () => {
    const approval = service().request(isolate());
    expect(approval).toMatchObject({
      tool: 'secure_endpoint.isolate_host',
      argsHash: hashCanonical({ host: 'workstation-042', api_key: 'not-a-real-secret' }),
      argsSummary: { host: 'workstation-042', api_key: '[REDACTED]' },
      requester: REQUESTER,
      actor: 'agent:phishing-triage',
      runId: 'run_1',
      risk: 'high',
      critical: false,
      requiredApprovals: 1,
      state: 'pending',
      votes: [],
      createdAt: '2026-11-23T10:00:00.000Z',
      expiresAt: '2026-11-23T11:00:00.000Z',
      decidedAt: null,
      executedAt: null,
    });
    expect(approval.id).toMatch(/^apr_[0-9a-f]{16}$/);
    const [audit] = decisions();
    expect(audit).toMatchObject({ action: 'approval.request', outcome: 'awaiting_approval', details: { approval_id: approval.id } });
  });

  it('returns the same approval for the same binding instead of a duplicate', () => {
    const approvals = service();
    const first = approvals.request(isolate());
    clock.advance(60_000);
    const second = approvals.request(isolate({ args: { api_key: 'not-a-real-secret', host: 'workstation-042' } }));
    expect(second.id).toBe(first.id);
    expect(approvals.list()).toHaveLength(1);
    expect(approvals.find(approvalBinding(isolate()))?.id).toBe(first.id);
  });

  it('changed arguments (or another run) need a new approval', () => {
    const approvals = service();
    const first = approvals.request(isolate());
    const changed = approvals.request(isolate({ args: { host: 'srv-db-01', api_key: 'not-a-real-secret' } }));
    const otherRun = approvals.request(isolate({ runId: 'run_2' }));
    expect(new Set([first.id, changed.id, otherRun.id]).size).toBe(3);
    expect(changed.argsHash).not.toBe(first.argsHash);
  });

  it('reuses an approved approval until it is consumed, then asks again', async () => {
    const approvals = service();
    const first = approvals.request(isolate());
    await approvals.decide(first.id, ALICE, 'approve');
    expect(approvals.request(isolate()).id).toBe(first.id);
    expect(approvals.consume(first.id)).toBe(true);
    const next = approvals.request(isolate());
    expect(next.id).not.toBe(first.id);
    expect(next.state).toBe('pending');
  });

  it('a denied or expired approval is not reused', async () => {
    const approvals = service();
    const first = approvals.request(isolate());
    await approvals.decide(first.id, ALICE, 'deny', 'not this host');
    const second = approvals.request(isolate());
    expect(second.id).not.toBe(first.id);
    clock.advance(HOUR);
    const third = approvals.request(isolate());
    expect(third.id).not.toBe(second.id);
    expect(approvals.get(second.id)?.state).toBe('expired');
  });

  it('marks critical tools, risk critical and explicit critical as needing two approvers', () => {
    const approvals = service();
    expect(approvals.request(isolate({ tool: 'secure_firewall.deploy_policy' }))).toMatchObject({ critical: true, requiredApprovals: 2, risk: 'critical' });
    expect(approvals.request(isolate({ critical: true, risk: 'high' }))).toMatchObject({ critical: true, requiredApprovals: 2, risk: 'high' });
    expect(approvals.request(isolate({ risk: 'critical', runId: 'run_9' }))).toMatchObject({ critical: true, requiredApprovals: 2 });
    expect(approvals.request(isolate({ risk: 'low', runId: 'run_10' }))).toMatchObject({ critical: false, requiredApprovals: 1, risk: 'low' });
  });
});

describe('ApprovalService.decide', () => {
  it('approves on a configured approver, records the vote and audits it', async () => {
    const approvals = service();
    const pending = approvals.request(isolate());
    clock.advance(5_000);
    const approved = await approvals.decide(pending.id, ALICE, 'approve', 'confirmed compromise');
    expect(approved).toMatchObject({
      state: 'approved',
      decidedAt: '2026-11-23T10:00:05.000Z',
      decidedBy: ALICE,
      decisionReason: 'confirmed compromise',
      votes: [{ approver: ALICE, decision: 'approve', reason: 'confirmed compromise', at: '2026-11-23T10:00:05.000Z' }],
    });
    expect(approvals.get(pending.id)?.state).toBe('approved');
    expect(decisions().at(-1)).toMatchObject({
      action: 'approval.decide',
      actor: `approver:${ALICE}`,
      outcome: 'approved',
      details: { approval_id: pending.id, decision: 'approve', reason: 'confirmed compromise', votes: [{ approver: ALICE, decision: 'approve' }] },
    });
  });

  it('refuses someone who is not an approver, and audits the refusal', async () => {
    const approvals = service();
    const pending = approvals.request(isolate());
    const error = await refusal(approvals.decide(pending.id, 'U0MALLORY', 'approve'));
    expect(error).toBeInstanceOf(ApprovalNotAllowedError);
    expect(error).toMatchObject({ code: 'approval_not_approver', exitCode: 1, approvalId: pending.id, approver: 'U0MALLORY' });
    expect(approvals.get(pending.id)).toMatchObject({ state: 'pending', votes: [] });
    expect(decisions().at(-1)).toMatchObject({
      action: 'approval.decide',
      actor: 'approver:U0MALLORY',
      outcome: 'denied',
      details: { approval_id: pending.id, refusal: 'approval_not_approver', decision: 'approve' },
    });
  });

  it('accepts a member of a configured user group through the resolver', async () => {
    const resolver: GroupMemberResolver = async (group) => (group === 'S0SECOPS' ? ['U0DAVE'] : []);
    const approvals = service({ approvers: ['S0SECOPS'] }, resolver);
    const pending = approvals.request(isolate());
    const approved = await approvals.decide(pending.id, 'U0DAVE', 'approve');
    expect(approved.state).toBe('approved');
    expect(decisions().at(-1)?.details).toMatchObject({ via: 'group:S0SECOPS' });
  });

  it('fails closed when a user group cannot be resolved, and never lets a group id vote', async () => {
    const failing = service({ approvers: ['S0SECOPS'] }, () => {
      throw new Error('usergroups.users.list failed');
    });
    const pending = failing.request(isolate());
    const error = await refusal(failing.decide(pending.id, 'U0DAVE', 'approve'));
    expect(error.code).toBe('approval_not_approver');
    expect(decisions().at(-1)?.details).toMatchObject({ group_errors: [{ group: 'S0SECOPS', message: 'usergroups.users.list failed' }] });
    // Without a resolver, a group grants nothing.
    expect((await refusal(service({ approvers: ['S0SECOPS'] }).decide(pending.id, 'U0DAVE', 'approve'))).code).toBe('approval_not_approver');
    // The group id itself is not a person.
    expect((await refusal(service({ approvers: ['S0SECOPS'] }, () => ['S0SECOPS']).decide(pending.id, 'S0SECOPS', 'approve'))).code).toBe('approval_not_approver');
  });

  it('refuses the requester deciding their own request, unless allowed by config', async () => {
    const strict = service({ approvers: [REQUESTER, ALICE] });
    const pending = strict.request(isolate());
    const error = await refusal(strict.decide(pending.id, REQUESTER, 'approve'));
    expect(error).toBeInstanceOf(ApprovalSelfDecisionError);
    expect(error.code).toBe('approval_self');
    expect(strict.get(pending.id)?.state).toBe('pending');
    expect(decisions().at(-1)).toMatchObject({ outcome: 'denied', details: { refusal: 'approval_self' } });

    const relaxed = service({ approvers: [REQUESTER, ALICE], allowSelfApproval: true });
    expect((await relaxed.decide(pending.id, REQUESTER, 'approve')).state).toBe('approved');
  });

  it('a critical action needs two distinct approvers', async () => {
    const approvals = service();
    const pending = approvals.request(isolate({ tool: 'secure_firewall.deploy_policy', args: { policy: 'block-185.220.101.5' }, argsSummary: { policy: 'block-185.220.101.5' } }));
    const afterFirst = await approvals.decide(pending.id, ALICE, 'approve', 'looks right');
    expect(afterFirst).toMatchObject({ state: 'pending', decidedAt: null, votes: [{ approver: ALICE, decision: 'approve' }] });
    expect(decisions().at(-1)).toMatchObject({ outcome: 'awaiting_approval', details: { state: 'pending', required_approvals: 2 } });

    const duplicate = await refusal(approvals.decide(pending.id, ALICE, 'approve'));
    expect(duplicate).toBeInstanceOf(ApprovalDuplicateApproverError);
    expect(duplicate.code).toBe('approval_duplicate_approver');
    // A second vote of the other kind by the same person is refused too.
    expect((await refusal(approvals.decide(pending.id, ALICE, 'deny', 'changed my mind'))).code).toBe('approval_duplicate_approver');
    expect(approvals.get(pending.id)).toMatchObject({ state: 'pending', votes: [{ approver: ALICE }] });

    clock.advance(1_000);
    const approved = await approvals.decide(pending.id, BOB, 'approve');
    expect(approved).toMatchObject({ state: 'approved', decidedBy: BOB, votes: [{ approver: ALICE }, { approver: BOB }] });
    expect(decisions().at(-1)).toMatchObject({ outcome: 'approved', details: { votes: [{ approver: ALICE }, { approver: BOB }] } });
  });

  it('a deny from any approver denies at once, even after a first approve on a critical action', async () => {
    const approvals = service();
    const pending = approvals.request(isolate({ critical: true }));
    await approvals.decide(pending.id, ALICE, 'approve');
    const denied = await approvals.decide(pending.id, CAROL, 'deny', 'wrong host');
    expect(denied).toMatchObject({ state: 'denied', decidedBy: CAROL, decisionReason: 'wrong host' });
    expect(decisions().at(-1)).toMatchObject({ outcome: 'rejected', details: { decision: 'deny', reason: 'wrong host' } });
    const late = await refusal(approvals.decide(pending.id, BOB, 'approve'));
    expect(late).toBeInstanceOf(ApprovalNotPendingError);
    expect(late).toMatchObject({ code: 'approval_not_pending', state: 'denied' });
    expect(approvals.consume(pending.id)).toBe(false);
  });

  it('after expiry a decision is refused and the approval reads as expired (expiry means denied)', async () => {
    const approvals = service();
    const pending = approvals.request(isolate());
    clock.advance(HOUR);
    const error = await refusal(approvals.decide(pending.id, ALICE, 'approve'));
    expect(error).toBeInstanceOf(ApprovalExpiredError);
    expect(error.code).toBe('approval_expired');
    expect(approvals.get(pending.id)).toMatchObject({ state: 'expired', decidedBy: 'system', votes: [] });
    expect(approvals.consume(pending.id)).toBe(false);
    const trail = decisions().filter((record) => record.details.approval_id === pending.id);
    expect(trail.map((record) => [record.action, record.outcome])).toEqual([
      ['approval.request', 'awaiting_approval'],
      ['approval.expire', 'expired'],
      ['approval.decide', 'denied'],
    ]);
    // Reading it again does not expire (or audit) it twice.
    approvals.get(pending.id);
    approvals.list();
    expect(decisions().filter((record) => record.action === 'approval.expire')).toHaveLength(1);
  });

  it('two deciders at once (two services on two connections) apply exactly one decision', async () => {
    const other = openStore({ file: join(directory, 'defenseclaw.db') });
    try {
      const first = service();
      const second = new ApprovalService({
        db: other.db,
        clock,
        audit: new AuditLedger({ sqlite: other.sqlite, clock, redactor: createRedactor() }),
        settings: { approvers: [ALICE, BOB], expiryMs: HOUR, allowSelfApproval: false, criticalTools: [] },
      });
      const pending = first.request(isolate());
      // decide() awaits the approver check, so both pass their checks before either transaction runs.
      const results = await Promise.allSettled([first.decide(pending.id, ALICE, 'approve'), second.decide(pending.id, BOB, 'deny', 'no')]);
      const fulfilled = results.filter((result) => result.status === 'fulfilled');
      const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected.map((result) => (result.reason as ApprovalRefusedError).code)).toEqual(['approval_not_pending']);
      expect(first.get(pending.id)?.votes).toHaveLength(1);
      expect(ledger.verify().ok).toBe(true);
    } finally {
      other.close();
    }
  });

  it('an unknown id is bad input (exit 2), not a refusal', async () => {
    const error = await service().decide('apr_0000000000000000', ALICE, 'approve').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApprovalNotFoundError);
    expect(error).toMatchObject({ code: 'approval_not_found', exitCode: 2 });
  });

  it('every decision and refusal lands in a ledger that still verifies', async () => {
    const approvals = service({ approvers: [ALICE, BOB, REQUESTER] });
    const one = approvals.request(isolate());
    await refusal(approvals.decide(one.id, 'U0MALLORY', 'approve'));
    await refusal(approvals.decide(one.id, REQUESTER, 'approve'));
    await approvals.decide(one.id, ALICE, 'approve');
    await refusal(approvals.decide(one.id, BOB, 'deny', 'too late'));
    const outcomes = decisions()
      .filter((record) => record.action === 'approval.decide')
      .map((record) => [record.details.approver, record.outcome, record.details.refusal ?? null]);
    expect(outcomes).toEqual([
      ['U0MALLORY', 'denied', 'approval_not_approver'],
      [REQUESTER, 'denied', 'approval_self'],
      [ALICE, 'approved', null],
      [BOB, 'denied', 'approval_not_pending'],
    ]);
    expect(ledger.verify().ok).toBe(true);
  });
});

describe('ApprovalService.consume, expiry, listing and hooks', () => {
  it('consume succeeds exactly once, and only for an approved approval', async () => {
    const approvals = service();
    const pending = approvals.request(isolate());
    expect(approvals.consume(pending.id)).toBe(false);
    await approvals.decide(pending.id, ALICE, 'approve');
    expect(approvals.consume(pending.id)).toBe(true);
    expect(approvals.consume(pending.id)).toBe(false);
    expect(approvals.get(pending.id)?.executedAt).toBe('2026-11-23T10:00:00.000Z');
    expect(approvals.consume('apr_unknown')).toBe(false);
  });

  it('expireDue expires only overdue pending approvals, once', async () => {
    const approvals = service();
    const old = approvals.request(isolate());
    const approved = approvals.request(isolate({ runId: 'run_2' }));
    await approvals.decide(approved.id, ALICE, 'approve');
    clock.advance(HOUR / 2);
    const fresh = approvals.request(isolate({ runId: 'run_3' }));
    clock.advance(HOUR / 2);
    expect(approvals.expireDue().map((approval) => approval.id)).toEqual([old.id]);
    expect(approvals.expireDue()).toEqual([]);
    expect(approvals.get(fresh.id)?.state).toBe('pending');
    expect(approvals.get(approved.id)?.state).toBe('approved');
  });

  it('lists newest first, pending only on request, with a limit', async () => {
    const approvals = service();
    const first = approvals.request(isolate({ runId: 'run_a' }));
    clock.advance(1_000);
    const second = approvals.request(isolate({ runId: 'run_b' }));
    clock.advance(1_000);
    const third = approvals.request(isolate({ runId: 'run_c' }));
    await approvals.decide(second.id, ALICE, 'deny', 'no');
    expect(approvals.list().map((approval) => approval.id)).toEqual([third.id, second.id, first.id]);
    expect(approvals.list({ pending: true }).map((approval) => approval.id)).toEqual([third.id, first.id]);
    expect(approvals.list({ limit: 1 }).map((approval) => approval.id)).toEqual([third.id]);
  });

  it('onDecided tells listeners after each committed decision; unsubscribe stops it', async () => {
    const approvals = service();
    const seen: string[] = [];
    const unsubscribe = approvals.onDecided((approval) => seen.push(`${approval.id}:${approval.state}`));
    const critical = approvals.request(isolate({ critical: true }));
    await approvals.decide(critical.id, ALICE, 'approve');
    await approvals.decide(critical.id, BOB, 'approve');
    await refusal(approvals.decide(critical.id, CAROL, 'approve'));
    approvals.onDecided(() => {
      throw new Error('a broken listener does not undo the decision');
    });
    const other = approvals.request(isolate({ runId: 'run_2' }));
    expect((await approvals.decide(other.id, ALICE, 'deny', 'no')).state).toBe('denied');
    unsubscribe();
    const third = approvals.request(isolate({ runId: 'run_3' }));
    await approvals.decide(third.id, ALICE, 'approve');
    expect(seen).toEqual([`${critical.id}:pending`, `${critical.id}:approved`, `${other.id}:denied`]);
  });

  it('setMessage remembers the Slack message; an unknown id is not found', () => {
    const approvals = service();
    const pending = approvals.request(isolate());
    expect(approvals.setMessage(pending.id, 'C0SECOPS', '1732356000.000100')).toMatchObject({ channel: 'C0SECOPS', messageTs: '1732356000.000100' });
    expect(() => approvals.setMessage('apr_unknown', 'C0SECOPS', '1')).toThrow(ApprovalNotFoundError);
  });

  it('pending approvals survive a restart (a new service on a reopened store)', () => {
    const pending = service().request(isolate());
    store.close();
    store = openStore({ file: join(directory, 'defenseclaw.db') });
    ledger = new AuditLedger({ sqlite: store.sqlite, clock, redactor: createRedactor() });
    expect(service().get(pending.id)).toMatchObject({ id: pending.id, state: 'pending' });
    expect(service().request(isolate()).id).toBe(pending.id);
  });
});
