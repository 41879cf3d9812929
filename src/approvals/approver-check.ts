import type { GroupMemberResolver } from './approval-settings.js';

/** Whether someone may decide, and how that was established. */
export type ApproverCheck =
  | { allowed: true; via: 'direct' | `group:${string}` }
  | { allowed: false; /** Why group lookups failed, when they did. */ errors: readonly { group: string; message: string }[] };

/** Slack user-group ids start with S; user ids with U or W. */
export function isUserGroupId(id: string): boolean {
  return id.startsWith('S');
}

/**
 * Is `approver` (a Slack user id) allowed to decide: listed directly, or a member of a listed
 * user group. Fails closed: a group that cannot be resolved (no resolver, or it throws) grants
 * nothing, and a group id is never itself an approver.
 */
export async function checkApprover(approver: string, approvers: readonly string[], resolveGroupMembers?: GroupMemberResolver): Promise<ApproverCheck> {
  if (approver === '' || isUserGroupId(approver)) return { allowed: false, errors: [] };
  if (approvers.includes(approver)) return { allowed: true, via: 'direct' };
  const errors: { group: string; message: string }[] = [];
  for (const group of approvers.filter(isUserGroupId)) {
    if (resolveGroupMembers === undefined) {
      errors.push({ group, message: 'no user-group resolver is configured' });
      continue;
    }
    try {
      const members = await resolveGroupMembers(group);
      if (members.includes(approver)) return { allowed: true, via: `group:${group}` };
    } catch (error) {
      errors.push({ group, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { allowed: false, errors };
}
