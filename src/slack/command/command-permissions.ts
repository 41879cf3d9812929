import type { Clock } from '../../core/clock.js';
import type { SubCommand } from './parse-command.js';

export type PermissionDecision = { allowed: true; reason: string } | { allowed: false; reason: string };

export interface CommandPermissionsOptions {
  /** config `slack.permissions`: sub-command (or `*`) → user ids (U…/W…) and user-group ids (S…). */
  rules: Readonly<Record<string, readonly string[]>>;
  /** Members of a user group (usergroups.users.list). */
  groupMembers: (groupId: string) => Promise<readonly string[]>;
  clock: Clock;
  /** How long a group's member list is trusted (default 5 minutes). */
  groupTtlMs?: number;
}

const DEFAULT_GROUP_TTL_MS = 5 * 60_000;

/**
 * Who may run which sub-command. A sub-command's own entry wins over `*`; with neither, anyone in
 * the workspace may. A listed user is allowed directly or through a listed user group. Fail
 * closed: a group that cannot be resolved allows no one through it.
 */
export class CommandPermissions {
  readonly #options: CommandPermissionsOptions;
  readonly #groups = new Map<string, { members: ReadonlySet<string>; until: number }>();
  readonly #inFlight = new Map<string, Promise<ReadonlySet<string> | undefined>>();

  constructor(options: CommandPermissionsOptions) {
    this.#options = options;
  }

  #rule(subCommand: SubCommand): { key: string; principals: readonly string[] } | undefined {
    const own = this.#options.rules[subCommand];
    if (own !== undefined) return { key: subCommand, principals: own };
    const any = this.#options.rules['*'];
    return any === undefined ? undefined : { key: '*', principals: any };
  }

  /** The decision when it needs no Slack call, or `needs_groups` when a group must be looked up first. */
  decideNow(user: string, subCommand: SubCommand): PermissionDecision | 'needs_groups' {
    const rule = this.#rule(subCommand);
    if (rule === undefined) return { allowed: true, reason: 'no permission rule for this sub-command' };
    if (rule.principals.includes(user)) return { allowed: true, reason: `listed in slack.permissions.${rule.key}` };
    const groups = rule.principals.filter((principal) => principal.startsWith('S'));
    const now = this.#options.clock.now().getTime();
    let unknown = false;
    for (const group of groups) {
      const cached = this.#groups.get(group);
      if (cached === undefined || cached.until <= now) unknown = true;
      else if (cached.members.has(user)) return { allowed: true, reason: `member of ${group} (slack.permissions.${rule.key})` };
    }
    return unknown ? 'needs_groups' : { allowed: false, reason: `not listed in slack.permissions.${rule.key}` };
  }

  /** The decision, resolving (and caching) user groups as needed. */
  async decide(user: string, subCommand: SubCommand): Promise<PermissionDecision> {
    const now = this.decideNow(user, subCommand);
    if (now !== 'needs_groups') return now;
    const rule = this.#rule(subCommand)!;
    const failed: string[] = [];
    for (const group of rule.principals.filter((principal) => principal.startsWith('S'))) {
      const members = await this.#members(group);
      if (members === undefined) failed.push(group);
      else if (members.has(user)) return { allowed: true, reason: `member of ${group} (slack.permissions.${rule.key})` };
    }
    return { allowed: false, reason: `not listed in slack.permissions.${rule.key}${failed.length === 0 ? '' : ` (could not resolve ${failed.join(', ')})`}` };
  }

  async #members(group: string): Promise<ReadonlySet<string> | undefined> {
    const now = this.#options.clock.now().getTime();
    const cached = this.#groups.get(group);
    if (cached !== undefined && cached.until > now) return cached.members;
    let pending = this.#inFlight.get(group);
    if (pending === undefined) {
      pending = this.#options
        .groupMembers(group)
        .then((members) => {
          const set = new Set(members);
          this.#groups.set(group, { members: set, until: this.#options.clock.now().getTime() + (this.#options.groupTtlMs ?? DEFAULT_GROUP_TTL_MS) });
          return set as ReadonlySet<string>;
        })
        .catch(() => undefined)
        .finally(() => this.#inFlight.delete(group));
      this.#inFlight.set(group, pending);
    }
    return pending;
  }
}
