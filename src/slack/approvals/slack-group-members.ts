import type { WebClient } from '@slack/web-api';
import type { GroupMemberResolver } from '../../approvals/index.js';
import type { Clock } from '../../core/clock.js';

/** How long a user group's members are trusted before asking Slack again. */
export const GROUP_MEMBERS_TTL_MS = 5 * 60_000;

/**
 * Members of a Slack user group from `usergroups.users.list` (scope usergroups:read), cached per
 * group for `ttlMs`. Concurrent look-ups of one group share one request. A failed look-up is not
 * cached and throws, so the approval service counts the group as granting nothing (fail closed).
 */
export function slackGroupMemberResolver(options: { client: WebClient; clock: Clock; ttlMs?: number }): GroupMemberResolver {
  const ttlMs = options.ttlMs ?? GROUP_MEMBERS_TTL_MS;
  const cache = new Map<string, { members: readonly string[]; fetchedAtMs: number }>();
  const inFlight = new Map<string, Promise<readonly string[]>>();
  return async (groupId: string) => {
    const nowMs = options.clock.now().getTime();
    const cached = cache.get(groupId);
    if (cached !== undefined && nowMs - cached.fetchedAtMs < ttlMs && nowMs >= cached.fetchedAtMs) return cached.members;
    let pending = inFlight.get(groupId);
    if (pending === undefined) {
      pending = (async () => {
        const response = await options.client.usergroups.users.list({ usergroup: groupId });
        const members = Array.isArray(response.users) ? response.users.filter((user): user is string => typeof user === 'string') : [];
        cache.set(groupId, { members, fetchedAtMs: options.clock.now().getTime() });
        return members;
      })().finally(() => inFlight.delete(groupId));
      inFlight.set(groupId, pending);
    }
    return pending;
  };
}
