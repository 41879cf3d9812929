import { BlockList, isIP } from 'node:net';
import type { ToolGuards } from '../connectors/catalog/index.js';
import type { ToolSubjects } from '../connectors/tool.js';
import { checkAllowLists, type AllowListLookup } from './allow-lists.js';

/** Where guards get facts: configured internal ranges and the tags of a host. */
export interface GuardContext {
  internalCidrs: readonly string[];
  /** Tags of a host (short name, lower case); [] when unknown. Throwing means "cannot decide" → denied. */
  assetTags(hostname: string): Promise<readonly string[]> | readonly string[];
  /** Named allow-lists (config `guards.allow_lists`); a name it does not know allows nothing. */
  allowList?: AllowListLookup;
}

/**
 * Checks a call's subjects and arguments against the tool's argument guards. Returns the reason to
 * deny, or undefined when every guard passes. Deny-lists are checked first and an allow-list never
 * lifts them (deny beats allow); any error while deciding is a denial (fail closed).
 */
export async function checkGuards(guards: ToolGuards, subjects: ToolSubjects, context: GuardContext, args: Record<string, unknown> = {}): Promise<string | undefined> {
  try {
    const deniedTags = guards.deny_if_asset_tag ?? [];
    for (const host of deniedTags.length === 0 ? [] : (subjects.hosts ?? [])) {
      // Tags are known by host name: a host named by a product id (connector GUID, Falcon device
      // id, MAC) cannot be checked, so it is refused rather than let through (fail closed).
      if (PRODUCT_ID.test(host.trim())) return `host "${host.trim()}" is named by a product id; name it by its host name so the asset guards (${deniedTags.join(', ')}) can check it`;
      const name = host.trim().toLowerCase().split('.')[0] ?? '';
      const tags = await context.assetTags(name);
      const hit = deniedTags.find((tag) => tags.includes(tag));
      if (hit !== undefined) return `host ${name} is tagged ${hit}`;
    }
    if (guards.deny_if_ip_in !== undefined && (subjects.ips ?? []).length > 0) {
      const ranges = guards.deny_if_ip_in.flatMap((entry) => (entry === 'internal_cidrs' ? [...context.internalCidrs] : [entry]));
      const blocked = blockListOf(ranges);
      for (const ip of subjects.ips ?? []) {
        const family = isIP(ip.trim());
        if (family === 0) return `"${ip}" is not an IP address`;
        if (blocked.check(ip.trim(), family === 4 ? 'ipv4' : 'ipv6')) return `${ip} is inside a protected range (${ranges.join(', ')})`;
      }
    }
    const protectedDomains = guards.deny_if_domain_in ?? [];
    for (const domain of protectedDomains.length === 0 ? [] : (subjects.domains ?? [])) {
      const name = domain.trim().toLowerCase().replace(/\.$/, '');
      const protectedDomain = protectedDomains.find((entry) => name === entry.toLowerCase() || name.endsWith(`.${entry.toLowerCase()}`));
      if (protectedDomain !== undefined) return `${name} is inside the protected domain ${protectedDomain}`;
    }
    return guards.allow_if_arg_in === undefined ? undefined : checkAllowLists(guards.allow_if_arg_in, args, context.allowList);
  } catch (error) {
    return `guard check failed: ${(error as Error).message}`;
  }
}

/** A GUID, a 32-hex device id or a MAC address: ids, not host names. */
const PRODUCT_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}|(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2})$/i;

function blockListOf(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, prefixText] = range.split('/');
    const family = isIP(address ?? '');
    const prefix = Number(prefixText);
    if (family === 0 || !Number.isInteger(prefix)) throw new Error(`bad CIDR ${range}`);
    list.addSubnet(address!, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}
