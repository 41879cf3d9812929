import { Command, Option } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { ApprovalNotFoundError, type Approval, type ApprovalDecision } from '../../approvals/index.js';
import { UsageError } from '../../core/errors/index.js';
import type { CommandContext } from '../context.js';
import { resumeRunsWaitingOn } from '../run-progress.js';
import { printJson, printLine, printNote, renderTable } from '../output.js';
import { parsePositiveInteger } from '../time-options.js';

/** `defenseclaw approvals …`: list, show, approve, deny. */
export function approvalsCommand(context: CommandContext): Command {
  const command = new Command('approvals').description('list and decide approval requests for risky tool calls');

  command
    .command('list')
    .description('list approvals, newest first (overdue pending ones are expired first)')
    .option('--pending', 'only pending approvals')
    .option('--limit <n>', 'at most N approvals', '50')
    .option('--json', 'print as JSON')
    .action(async (options: { pending?: boolean; limit: string; json?: boolean }) => {
      const runtime = context.runtime();
      const limit = parsePositiveInteger(options.limit, '--limit');
      if (runtime.databaseExists()) {
        // Expiry is a decision (denied): a run parked on an approval this expires ends now, as after any decision.
        for (const expired of runtime.approvals().expireDue()) await resumeRunsWaitingOn(runtime, expired.id);
      }
      const list = runtime.databaseExists() ? runtime.approvals().list({ pending: options.pending === true, limit }) : [];
      if (options.json === true) {
        printJson(context.io, list.map(toJson));
        return;
      }
      if (list.length === 0) {
        printNote(context.io, options.pending === true ? 'no pending approvals' : 'no approvals');
        return;
      }
      context.io.stdout.write(
        renderTable(
          ['id', 'state', 'tool', 'requester', 'votes', 'expires', 'reason'],
          list.map((approval) => [approval.id, approval.state, approval.tool, approval.requester, votesLabel(approval), approval.expiresAt, approval.reason]),
        ),
      );
    });

  command
    .command('show')
    .description('one approval with its arguments (redacted) and votes')
    .argument('<id>', 'approval id, e.g. apr_0123456789abcdef')
    .option('--json', 'print as JSON')
    .action((id: string, options: { json?: boolean }) => {
      const approval = lookup(context.runtime(), id);
      if (options.json === true) {
        printJson(context.io, toJson(approval));
        return;
      }
      const lines: [string, string][] = [
        ['id', approval.id],
        ['state', approval.state],
        ['tool', approval.tool],
        ['arguments', JSON.stringify(approval.argsSummary)],
        ['args hash', approval.argsHash],
        ['requester', approval.requester],
        ['actor', approval.actor],
        ['run', approval.runId ?? '-'],
        ['reason', approval.reason ?? '-'],
        ['risk', `${approval.risk}${approval.critical ? ' (critical: two approvers)' : ''}`],
        ['votes', votesLabel(approval)],
        ['created', approval.createdAt],
        ['expires', approval.expiresAt],
        ['decided', approval.decidedAt === null ? '-' : `${approval.decidedAt} by ${approval.decidedBy ?? '-'}${approval.decisionReason === null ? '' : `: ${approval.decisionReason}`}`],
        ['executed', approval.executedAt ?? '-'],
      ];
      for (const [label, value] of lines) printLine(context.io, `${`${label}:`.padEnd(11)}${value}`);
      for (const vote of approval.votes) printLine(context.io, `  ${vote.at} ${vote.approver} ${vote.decision}${vote.reason === null ? '' : `: ${vote.reason}`}`);
    });

  command
    .command('approve')
    .description('approve as config approvals.cli_identity (critical approvals need a second, different approver)')
    .argument('<id>', 'approval id, e.g. apr_0123456789abcdef')
    .option('--reason <text>', 'why (recorded in the audit ledger)')
    .option('--json', 'print the approval as JSON')
    .action((id: string, options: { reason?: string; json?: boolean }) => decide(context, id, 'approve', options));

  command
    .command('deny')
    .description('deny as config approvals.cli_identity')
    .argument('<id>', 'approval id, e.g. apr_0123456789abcdef')
    .addOption(new Option('--reason <text>', 'why (required; recorded in the audit ledger)').makeOptionMandatory())
    .option('--json', 'print the approval as JSON')
    .action((id: string, options: { reason: string; json?: boolean }) => decide(context, id, 'deny', options));

  return command;
}

async function decide(context: CommandContext, id: string, decision: ApprovalDecision, options: { reason?: string; json?: boolean }): Promise<void> {
  if (decision === 'deny' && options.reason?.trim() === '') throw new UsageError('--reason: a denial needs a reason');
  const runtime = context.runtime();
  const identity = runtime.config().effective.approvals.cli_identity;
  if (identity === undefined) {
    throw new UsageError('approvals.cli_identity is not set: set the Slack user id you decide as with `defenseclaw config set approvals.cli_identity U…`');
  }
  // Refuse an unknown id before opening (and so creating) the database.
  if (!runtime.databaseExists()) throw new ApprovalNotFoundError(id);
  const approval = await runtime.approvals().decide(id, identity, decision, options.reason, { actor: `${runtime.actor} as ${identity}` });
  // A run waiting on this approval continues here when no live process holds it (e.g. after a restart).
  const resumed = approval.state === 'pending' ? [] : await resumeRunsWaitingOn(runtime, approval.id);
  // An investigation's proposal runs now, once (the gateway marks the approval executed).
  const ran = approval.state === 'approved' && approval.runId?.startsWith('inv-') === true ? await runtime.investigations().runApproved(approval) : undefined;
  if (options.json === true) {
    printJson(context.io, {
      ...toJson(approval),
      resumed_runs: resumed.map((outcome) => ({ run_id: outcome.runId, status: outcome.status })),
      ...(ran === undefined ? {} : { executed: { tool: ran.proposal.tool, outcome: ran.result.outcome, ...(ran.result.outcome === 'failed' ? { error: ran.result.error.message } : {}) } }),
    });
    return;
  }
  if (approval.state === 'pending') {
    printLine(context.io, `recorded ${decision} on ${approval.id} (${approval.tool}): ${votesLabel(approval)}; it needs another approver`);
  } else {
    printLine(context.io, `${approval.state} ${approval.id} (${approval.tool}) as ${identity}`);
  }
  for (const outcome of resumed) printLine(context.io, `resumed run ${outcome.runId}: ${outcome.status}${outcome.error === undefined ? '' : ` (${outcome.error})`}`);
  if (ran !== undefined) printLine(context.io, `ran ${ran.proposal.tool} of investigation ${approval.runId}: ${ran.result.outcome}${ran.result.outcome === 'failed' ? ` (${ran.result.error.message})` : ''}`);
}

function lookup(runtime: Runtime, id: string): Approval {
  const approval = runtime.databaseExists() ? runtime.approvals().get(id) : undefined;
  if (approval === undefined) throw new ApprovalNotFoundError(id);
  return approval;
}

/** `1/2`, plus `, denied by U…` when someone denied. */
function votesLabel(approval: Approval): string {
  const approvals = approval.votes.filter((vote) => vote.decision === 'approve').length;
  const denials = approval.votes.filter((vote) => vote.decision === 'deny').map((vote) => vote.approver);
  return `${approvals}/${approval.requiredApprovals}${denials.length === 0 ? '' : `, denied by ${denials.join(', ')}`}`;
}

/** The JSON shape printed by --json (snake_case, like every other command). */
function toJson(approval: Approval): Record<string, unknown> {
  return {
    id: approval.id,
    state: approval.state,
    tool: approval.tool,
    args_hash: approval.argsHash,
    args_summary: approval.argsSummary,
    requester: approval.requester,
    actor: approval.actor,
    run_id: approval.runId,
    reason: approval.reason,
    risk: approval.risk,
    critical: approval.critical,
    required_approvals: approval.requiredApprovals,
    votes: approval.votes,
    created_at: approval.createdAt,
    expires_at: approval.expiresAt,
    decided_at: approval.decidedAt,
    decided_by: approval.decidedBy,
    decision_reason: approval.decisionReason,
    executed_at: approval.executedAt,
    channel: approval.channel,
    message_ts: approval.messageTs,
  };
}
