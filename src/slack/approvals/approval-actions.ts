import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import {
  ApprovalDuplicateApproverError,
  ApprovalExpiredError,
  ApprovalNotAllowedError,
  ApprovalNotFoundError,
  ApprovalNotPendingError,
  ApprovalRefusedError,
  ApprovalSelfDecisionError,
  type Approval,
  type ApprovalDecision,
} from '../../approvals/index.js';
import { resumeRunsWaitingOn } from '../../cli/run-progress.js';
import { approvedActionMessage, watchedByInvestigationJob } from '../jobs/investigation-job.js';
import type { SlackServices } from '../slack-services.js';
import { APPROVE_ACTION_ID, DENY_ACTION_ID } from './approval-message.js';
import { ApprovalPoster } from './approval-poster.js';
import { escapeMrkdwn, principalText, slackDate } from './block-kit-text.js';
import type { JobThreadLocator } from './job-thread.js';
import { slackGroupMemberResolver } from './slack-group-members.js';

export interface ApprovalActionsOptions {
  /** The poster whose bookkeeping the handler keeps current (default: a private one that is not started). */
  poster?: ApprovalPoster;
  /** Where a job's thread is (only used when no poster is given). */
  locateThread?: JobThreadLocator;
  /** Install a user-group resolver (usergroups.users.list, cached 5 min) on the runtime (default true). */
  resolveGroups?: boolean;
}

/** Approval ids as the service makes them; anything else in a button value names no approval. */
const APPROVAL_ID = /^apr_[0-9a-f]{16}$/;

interface Click {
  approvalId: string;
  user: string;
  decision: ApprovalDecision;
  /** Where the clicked message is (for the ephemeral answer, and when the approval does not say). */
  channel: string | undefined;
  messageTs: string | undefined;
  threadTs: string | undefined;
}

/**
 * The Approve / Deny buttons. The listener acks at once, then asks the approval service to decide
 * (it enforces the approver list and user groups, no self-approval, two approvers for critical
 * actions, and exactly-once), so this file holds no rule of its own. A refusal is answered with
 * an ephemeral message to the clicker and changes nothing; a decision rewrites the message
 * (buttons gone), tells the job's thread, and resumes the run that waited for it.
 * Returns a function that makes the listeners inert (Bolt cannot remove listeners).
 */
export function registerApprovalActions(app: App, services: SlackServices, options: ApprovalActionsOptions = {}): () => void {
  const poster = options.poster ?? new ApprovalPoster(services, options.locateThread === undefined ? {} : { locateThread: options.locateThread });
  if (options.resolveGroups !== false) services.runtime.setGroupMemberResolver(slackGroupMemberResolver({ client: services.client, clock: services.clock }));
  let active = true;

  const listener = async ({ ack, body, action }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction }): Promise<void> => {
    await ack();
    if (!active) return;
    const container = body.container as { channel_id?: unknown; message_ts?: unknown; thread_ts?: unknown } | undefined;
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    const click: Click = {
      approvalId: action.value ?? '',
      user: body.user.id,
      decision: action.action_id === APPROVE_ACTION_ID ? 'approve' : 'deny',
      channel: body.channel?.id ?? (typeof container?.channel_id === 'string' ? container.channel_id : undefined),
      messageTs: message?.ts ?? (typeof container?.message_ts === 'string' ? container.message_ts : undefined),
      threadTs: message?.thread_ts ?? (typeof container?.thread_ts === 'string' ? container.thread_ts : undefined),
    };
    try {
      await handleClick(services, poster, click);
    } catch (error) {
      services.logger.error({ err: error, approval_id: click.approvalId, user: click.user }, 'approval click failed');
      await answer(services, click, 'Something went wrong while recording your decision; check `defenseclaw approvals list` before trying again.');
    }
  };

  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION_ID, listener);
  app.action<BlockAction<ButtonAction>>(DENY_ACTION_ID, listener);
  return () => {
    active = false;
  };
}

async function handleClick(services: SlackServices, poster: ApprovalPoster, click: Click): Promise<void> {
  const approvals = services.runtime.approvals();
  if (!APPROVAL_ID.test(click.approvalId)) {
    await answer(services, click, 'This button names no approval; nothing changed.');
    return;
  }
  const before = approvals.get(click.approvalId);
  if (before !== undefined && isOwnSlackRequest(services, before, click.user)) {
    // Slack jobs request as `slack:<user>` while clicks decide as `<user>`: the service's
    // requester check compares the two strings and would let this through. Refuse here, with
    // the same audit record the service writes for its own refusals.
    services.runtime.ledger().append({
      actor: `slack:${click.user}`,
      action: 'approval.decide',
      target: before.tool,
      outcome: 'denied',
      details: { approval_id: before.id, approver: click.user, decision: click.decision, reason: null, state: before.state, refusal: 'approval_self', requester: before.requester },
    });
    await answer(services, click, refusalText(new ApprovalSelfDecisionError({ approvalId: before.id, approver: click.user }), before));
    return;
  }
  let decided: Approval;
  try {
    decided = await approvals.decide(click.approvalId, click.user, click.decision, undefined, { actor: `slack:${click.user}` });
  } catch (error) {
    if (!(error instanceof ApprovalRefusedError) && !(error instanceof ApprovalNotFoundError)) throw error;
    const current = approvals.get(click.approvalId);
    await answer(services, click, refusalText(error, current));
    // The message may be stale (decided from the CLI, or expired): show the real state.
    if (current !== undefined && (error instanceof ApprovalNotPendingError || error instanceof ApprovalExpiredError)) {
      await poster.update(current, fallbackMessage(click)).catch((updateError: unknown) => services.logger.warn({ err: updateError, approval_id: current.id }, 'could not update the approval message'));
    }
    return;
  }

  await poster.update(decided, fallbackMessage(click)).catch((error: unknown) => services.logger.warn({ err: error, approval_id: decided.id }, 'could not update the approval message'));
  if (decided.state === 'pending') {
    const approvalsSoFar = decided.votes.filter((vote) => vote.decision === 'approve').length;
    await answer(services, click, `Your approval is recorded (${approvalsSoFar} of ${decided.requiredApprovals}); a second, different approver must approve too.`);
    return;
  }
  await poster.replyDecision(decided).catch((error: unknown) => services.logger.warn({ err: error, approval_id: decided.id }, 'could not reply in the job thread'));
  // The waiting run continues here; the runner's lease and the approval's one-time consume make
  // sure the approved call runs once, whoever else resumes it.
  await resumeRunsWaitingOn(services.runtime, decided.id);
  await runApprovedInvestigationAction(services, poster, decided);
}

/**
 * An investigation's proposal approved here runs now, once, unless the investigation job that
 * proposed it is alive in this process (it runs its own, and tells its thread). So a click still
 * works after a restart, or in another replica than the one that ran the job.
 */
async function runApprovedInvestigationAction(services: SlackServices, poster: ApprovalPoster, approval: Approval): Promise<void> {
  if (approval.state !== 'approved' || approval.runId?.startsWith('inv-') !== true || watchedByInvestigationJob(services.runtime, approval.id)) return;
  let ran: Awaited<ReturnType<ReturnType<SlackServices['runtime']['investigations']>['runApproved']>>;
  try {
    ran = await services.runtime.investigations().runApproved(approval);
  } catch (error) {
    services.logger.error({ err: error, approval_id: approval.id }, 'an approved investigation action could not run');
    return;
  }
  if (ran === undefined) return;
  const message = approvedActionMessage(ran.proposal, approval, ran.result);
  await poster.replyText(approval, message.text).catch((error: unknown) => services.logger.warn({ err: error, approval_id: approval.id }, 'could not tell the thread about an approved action'));
}

/** The requester is this Slack user under the `slack:` prefix, and self-approval is off. */
function isOwnSlackRequest(services: SlackServices, approval: Approval, user: string): boolean {
  if (approval.requester !== `slack:${user}`) return false;
  return services.runtime.config().effective.approvals.allow_self_approval !== true;
}

function fallbackMessage(click: Click): { channel: string; ts: string } | undefined {
  return click.channel === undefined || click.messageTs === undefined ? undefined : { channel: click.channel, ts: click.messageTs };
}

/** An ephemeral answer to the clicker, in the clicked message's channel (and thread). */
async function answer(services: SlackServices, click: Click, text: string): Promise<void> {
  if (click.channel === undefined) return;
  try {
    await services.client.chat.postEphemeral({ channel: click.channel, user: click.user, text, ...(click.threadTs === undefined ? {} : { thread_ts: click.threadTs }) });
  } catch (error) {
    services.logger.warn({ err: error, user: click.user }, 'could not send the ephemeral answer');
  }
}

/** What the clicker is told when the service refused the decision. */
export function refusalText(error: ApprovalRefusedError | ApprovalNotFoundError, current: Approval | undefined): string {
  if (error instanceof ApprovalNotFoundError) return `There is no approval \`${escapeMrkdwn(error.approvalId)}\`; nothing changed.`;
  if (error instanceof ApprovalNotAllowedError) return 'You are not an approver for DefenseClaw actions (approvals.approvers); nothing changed.';
  if (error instanceof ApprovalSelfDecisionError) return 'You requested this action, so a different approver must decide it; nothing changed.';
  if (error instanceof ApprovalDuplicateApproverError) return 'You already voted on this approval; it needs a second, different approver. Nothing changed.';
  if (error instanceof ApprovalExpiredError) return `This approval expired at ${slackDate(error.expiresAt)} (expired means denied); nothing changed.`;
  if (error instanceof ApprovalNotPendingError) {
    const state = current?.state ?? error.state;
    if (state === 'expired') return `This approval already expired${current?.decidedAt ? ` at ${slackDate(current.decidedAt)}` : ''} (expired means denied); nothing changed.`;
    const by = current?.decidedBy === null || current?.decidedBy === undefined ? '' : ` by ${principalText(current.decidedBy)}`;
    const when = current?.decidedAt === null || current?.decidedAt === undefined ? '' : ` at ${slackDate(current.decidedAt)}`;
    return `Already ${state}${by}${when}; nothing changed.`;
  }
  return `Your decision was refused (${escapeMrkdwn(error.code)}); nothing changed.`;
}
