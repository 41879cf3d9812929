import type { App } from '@slack/bolt';
import type { SlackServices } from '../slack-services.js';
import { registerApprovalActions } from './approval-actions.js';
import { ApprovalPoster, type ApprovalPosterOptions } from './approval-poster.js';

export { APPROVE_ACTION_ID, DENY_ACTION_ID, approvalMessage, decidedMessage, decisionReplyText, messageForApproval, type ApprovalMessageOptions } from './approval-message.js';
export { ApprovalPoster, type ApprovalPosterOptions, type ApprovalSyncReport } from './approval-poster.js';
export { registerApprovalActions, refusalText, type ApprovalActionsOptions } from './approval-actions.js';
export { runTriggerThreadLocator, type JobThreadLocator, type SlackThread } from './job-thread.js';
export { GROUP_MEMBERS_TTL_MS, slackGroupMemberResolver } from './slack-group-members.js';
export type { MessageBlock, SlackMessage } from './block-kit-text.js';

/**
 * The approvals part of the bot, for SLACK_EXTENSIONS: the Approve / Deny listeners and the poster
 * that posts pending approvals and keeps their messages current. Returns the stop function.
 */
export function registerSlackApprovals(app: App, services: SlackServices, options: ApprovalPosterOptions = {}): () => void {
  const poster = new ApprovalPoster(services, options);
  const unsubscribe = registerApprovalActions(app, services, { poster });
  const stop = poster.start();
  return () => {
    stop();
    unsubscribe();
  };
}
