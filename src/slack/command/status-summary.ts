import type { Runtime } from '../../app/runtime.js';
import { integrationStatuses } from '../../config/index.js';
import { escapeMrkdwn } from '../blocks/block-limits.js';
import type { JobQueueFigures } from '../jobs/job-queue.js';

/** `/defenseclaw status`: version, audit ledger head, integrations and their last doctor result (no network). */
export function statusLines(runtime: Runtime, queue: JobQueueFigures): string[] {
  const head = runtime.ledger().head();
  const health = new Map(runtime.integrationHealth().list().map((row) => [row.integration, row]));
  const lines = [
    `*DefenseClaw ${runtime.version}*`,
    `audit ledger: ${runtime.ledger().count()} records${head === undefined ? '' : `, head seq ${head.seq} \`${head.hash.slice(0, 16)}…\``}`,
    `slack jobs: ${queue.running} running, ${queue.waiting} waiting, ${queue.finished} finished since start`,
    investigationsLine(runtime),
    '*integrations*',
  ];
  for (const integration of integrationStatuses(runtime.config())) {
    const last = health.get(integration.name);
    const state = !integration.enabled ? 'disabled' : integration.configured ? 'configured' : `not configured (missing ${integration.missing.join(', ')})`;
    const doctor = last === undefined || !integration.configured ? '' : ` · last doctor ${last.checkedAt}: ${last.status}${last.status === 'pass' ? '' : ` (${last.reason})`}`;
    lines.push(`• ${escapeMrkdwn(integration.name)}: ${escapeMrkdwn(state + doctor)}`);
  }
  return lines;
}

/** `/defenseclaw approvals`: pending approvals, newest first (at most 20). */
export function pendingApprovalLines(runtime: Runtime): string[] {
  const pending = runtime.approvals().list({ pending: true, limit: 20 });
  if (pending.length === 0) return ['No pending approvals.'];
  return [
    `*${pending.length === 20 ? 'The 20 newest' : pending.length} pending approval(s)*`,
    ...pending.map(
      (approval) =>
        `• \`${approval.id}\` ${escapeMrkdwn(approval.tool)} for ${escapeMrkdwn(approval.requester)} · ${approval.votes.length}/${approval.requiredApprovals} vote(s) · expires ${approval.expiresAt}${approval.reason === null ? '' : ` · ${escapeMrkdwn(approval.reason.slice(0, 120))}`}`,
    ),
  ];
}

/** Investigations of the last 24 h with their LLM usage and estimated cost. */
function investigationsLine(runtime: Runtime): string {
  const totals = runtime.investigationStore().totals(new Date(runtime.clock.now().getTime() - 86_400_000).toISOString());
  if (totals.count === 0) return 'investigations: none in the last 24 h';
  const input = totals.inputTokens + totals.cacheCreationTokens + totals.cacheReadTokens;
  const share = input === 0 ? 0 : Math.round((totals.cacheReadTokens / input) * 100);
  return `investigations: ${totals.count} in the last 24 h · LLM tokens ${input} in (${share}% from cache) / ${totals.outputTokens} out · est. $${totals.costUsd.toFixed(4)}`;
}
