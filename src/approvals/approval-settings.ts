/** Who may decide approvals and how, as the service receives it (app/ maps config `approvals.*`). */
export interface ApprovalSettings {
  /** Slack user ids (U…/W…) and user-group ids (S…) allowed to decide. Empty: nobody can. */
  approvers: readonly string[];
  /** How long a request stays pending before it expires (which means denied). */
  expiryMs: number;
  /** Whether the requester may decide their own request. */
  allowSelfApproval: boolean;
  /** Tools that always need two distinct approvers. */
  criticalTools: readonly string[];
}

/** Members of a Slack user group (user ids). Slack supplies it; tests pass a table. */
export type GroupMemberResolver = (groupId: string) => Promise<readonly string[]> | readonly string[];
