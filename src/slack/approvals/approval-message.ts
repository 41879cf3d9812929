import type { Approval, ApprovalVote } from '../../approvals/index.js';
import {
  BLOCK_LIMITS,
  codeBlock,
  contextBlock,
  escapeMrkdwn,
  headerBlock,
  principalText,
  sectionBlock,
  slackDate,
  truncate,
  type MessageBlock,
  type SlackMessage,
} from './block-kit-text.js';

/** action_id of the Approve button (the listener in approval-actions.ts matches it). */
export const APPROVE_ACTION_ID = 'defenseclaw_approve';
/** action_id of the Deny button. */
export const DENY_ACTION_ID = 'defenseclaw_deny';

/** Votes listed by name; the rest are counted. */
const MAX_VOTES_LISTED = 10;
/**
 * Budgets that keep a whole message well below Slack's cumulative ~13k characters of block
 * text (msg_blocks_too_long), whatever the requester writes: the arguments get the most room.
 */
const MAX_PRINCIPAL = 200;
const MAX_REASON = 1_500;
const MAX_VOTES_TEXT = 1_000;

const RISK_LABEL: Record<Approval['risk'], string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

export interface ApprovalMessageOptions {
  /** For "expires in …"; the builder reads no clock itself. */
  now: Date;
}

/**
 * The message approvers act on: who asked (requester and audit actor), which tool, the redacted
 * arguments, why, the risk, votes so far, when it expires, and Approve / Deny buttons whose value
 * is the approval id and nothing else (the state lives in the database, so a button of an old
 * message still works after a restart, and a forged value can only name an approval).
 */
export function approvalMessage(approval: Approval, options: ApprovalMessageOptions): SlackMessage {
  const approvals = approveVotes(approval);
  const title = approval.critical ? `Critical approval needed: ${approval.tool}` : `Approval needed: ${approval.tool}`;
  const blocks: MessageBlock[] = [
    headerBlock(title),
    factsBlock(approval, [
      ['Votes', `${approvals} of ${approval.requiredApprovals} approvals${approval.critical ? ' (two distinct approvers)' : ''}`],
      ['Expires', `${slackDate(approval.expiresAt)} (${relativeTime(approval.expiresAt, options.now)})`],
    ]),
    ...reasonAndArgumentBlocks(approval),
  ];
  const votes = votesText(approval.votes);
  blocks.push(contextBlock(`${votes === '' ? '' : `${votes} · `}approval \`${approval.id}\`${runText(approval)}`));
  blocks.push({
    type: 'actions',
    block_id: `defenseclaw_approval:${approval.id}:${approval.votes.length}`,
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION_ID,
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        style: 'primary',
        value: approval.id,
        confirm: {
          title: { type: 'plain_text', text: 'Approve this action?' },
          text: { type: 'mrkdwn', text: truncate(`Run \`${escapeMrkdwn(approval.tool)}\` with the arguments shown.`, 300) },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
      { type: 'button', action_id: DENY_ACTION_ID, text: { type: 'plain_text', text: 'Deny', emoji: true }, style: 'danger', value: approval.id },
    ],
  });
  const text = `Approval needed: ${approval.tool} requested by ${approval.requester} (${approval.id}), ${approvals} of ${approval.requiredApprovals} approvals`;
  return { text: truncate(text, BLOCK_LIMITS.fallbackText), blocks };
}

/** The message once the approval is decided or expired: no buttons; who decided, when, the outcome. */
export function decidedMessage(approval: Approval): SlackMessage {
  const outcome = outcomeOf(approval);
  const blocks: MessageBlock[] = [
    headerBlock(`${outcome.emoji} ${outcome.label}: ${approval.tool}`),
    factsBlock(approval, [
      ['Votes', `${approveVotes(approval)} of ${approval.requiredApprovals} approvals`],
      ['Decided', approval.decidedAt === null ? 'not yet' : slackDate(approval.decidedAt)],
    ]),
    ...reasonAndArgumentBlocks(approval),
    sectionBlock(outcome.detail),
  ];
  const votes = votesText(approval.votes);
  blocks.push(contextBlock(`${votes === '' ? '' : `${votes} · `}approval \`${approval.id}\`${runText(approval)}`));
  const text = `${outcome.label}: ${approval.tool} (${approval.id})${approval.decidedBy !== null && approval.decidedBy !== 'system' ? ` by ${approval.decidedBy}` : ''}`;
  return { text: truncate(text, BLOCK_LIMITS.fallbackText), blocks };
}

/** The right message for the approval's current state. */
export function messageForApproval(approval: Approval, options: ApprovalMessageOptions): SlackMessage {
  return approval.state === 'pending' ? approvalMessage(approval, options) : decidedMessage(approval);
}

/** One line for the job's thread once the approval is decided. */
export function decisionReplyText(approval: Approval): string {
  const outcome = outcomeOf(approval);
  return truncate(`${outcome.emoji} ${outcome.detail} (\`${escapeMrkdwn(approval.tool)}\`, approval \`${approval.id}\`)`, BLOCK_LIMITS.sectionText);
}

function outcomeOf(approval: Approval): { emoji: string; label: string; detail: string } {
  const by = approval.decidedBy === null ? 'someone' : principalText(approval.decidedBy);
  const when = approval.decidedAt === null ? '' : ` at ${slackDate(approval.decidedAt)}`;
  const why = approval.decisionReason === null || approval.state === 'expired' ? '' : `: ${escapeMrkdwn(truncate(approval.decisionReason, 500))}`;
  switch (approval.state) {
    case 'approved': {
      const approvers = approval.votes.filter((vote) => vote.decision === 'approve').map((vote) => principalText(vote.approver));
      const names = approvers.length > 1 ? approvers.join(' and ') : by;
      return { emoji: ':white_check_mark:', label: 'Approved', detail: `Approved by ${names}${when}${why}` };
    }
    case 'denied':
      return { emoji: ':no_entry:', label: 'Denied', detail: `Denied by ${by}${when}${why}` };
    case 'expired':
      return {
        emoji: ':hourglass:',
        label: 'Expired',
        detail: `Expired at ${slackDate(approval.expiresAt)} without a decision; an expired approval means denied`,
      };
    case 'pending':
      return { emoji: ':hourglass_flowing_sand:', label: 'Pending', detail: 'Waiting for an approver' };
  }
}

function factsBlock(approval: Approval, extra: ReadonlyArray<readonly [string, string]>): MessageBlock {
  const facts: Array<readonly [string, string]> = [
    ['Requested by', principalText(truncate(approval.requester, MAX_PRINCIPAL))],
    ['Actor', `\`${escapeMrkdwn(truncate(approval.actor, MAX_PRINCIPAL))}\``],
    ['Tool', `\`${escapeMrkdwn(truncate(approval.tool, MAX_PRINCIPAL))}\``],
    ['Risk', `${RISK_LABEL[approval.risk]}${approval.critical ? ' (critical)' : ''}`],
    ...extra,
  ];
  return {
    type: 'section',
    fields: facts.map(([label, value]) => ({ type: 'mrkdwn' as const, text: truncate(`*${label}*\n${value}`, BLOCK_LIMITS.fieldText) })),
  };
}

function reasonAndArgumentBlocks(approval: Approval): MessageBlock[] {
  const blocks: MessageBlock[] = [];
  if (approval.reason !== null && approval.reason.trim() !== '') {
    const prefix = '*Why*\n';
    blocks.push(sectionBlock(`${prefix}${truncate(escapeMrkdwn(approval.reason), MAX_REASON)}`));
  }
  const prefix = '*Arguments* (secrets redacted)\n';
  blocks.push(sectionBlock(`${prefix}${codeBlock(argumentsText(approval.argsSummary), BLOCK_LIMITS.sectionText - prefix.length)}`));
  return blocks;
}

function argumentsText(summary: unknown): string {
  if (summary === null || summary === undefined) return '(none)';
  try {
    return JSON.stringify(summary, null, 2) ?? String(summary);
  } catch {
    return String(summary);
  }
}

function approveVotes(approval: Approval): number {
  return approval.votes.filter((vote) => vote.decision === 'approve').length;
}

function votesText(votes: readonly ApprovalVote[]): string {
  if (votes.length === 0) return '';
  const listed = votes
    .slice(0, MAX_VOTES_LISTED)
    .map((vote) => `${vote.decision === 'approve' ? ':white_check_mark:' : ':no_entry:'} ${principalText(vote.approver)} ${slackDate(vote.at, '{time}')}`);
  const more = votes.length > MAX_VOTES_LISTED ? ` and ${votes.length - MAX_VOTES_LISTED} more` : '';
  return truncate(`Votes: ${listed.join(', ')}${more}`, MAX_VOTES_TEXT);
}

function runText(approval: Approval): string {
  return approval.runId === null ? '' : ` · run \`${escapeMrkdwn(approval.runId)}\``;
}

/** "in 59 min", "in 2 h", "overdue" relative to `now`. */
function relativeTime(iso: string, now: Date): string {
  const milliseconds = Date.parse(iso) - now.getTime();
  if (Number.isNaN(milliseconds)) return 'unknown';
  if (milliseconds <= 0) return 'overdue';
  const minutes = Math.ceil(milliseconds / 60_000);
  if (minutes < 120) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}
