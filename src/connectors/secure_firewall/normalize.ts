import type { FmcAccessRule, FmcNetworkObject } from './client.js';

/*
 * FMC objects and rules as plain typed records. They are configuration, not events, so they do
 * not become SecurityEvents; FMC connection events reach us through Splunk (sourcetype
 * cisco:ftd) and are normalised by the Splunk connector.
 */

/** A network or host object. */
export interface FirewallNetworkObject {
  id: string;
  kind: 'network' | 'host' | 'range' | 'fqdn' | 'other';
  name: string;
  /** CIDR, address, range or FQDN as FMC stores it. */
  value: string;
  description?: string;
  /** ISO-8601 time of the last change, when FMC reported one. */
  updatedAt?: string;
}

/** One side (source or destination) of an access rule: object names and literal values. */
export interface FirewallRuleEndpoint {
  objects: Array<{ id: string; name: string; type: string }>;
  literals: string[];
}

export interface FirewallAccessRule {
  id: string;
  name: string;
  policyId: string;
  policyName: string;
  action: string;
  enabled: boolean;
  /** 1-based position in the policy, when FMC reported it. */
  index?: number;
  section?: string;
  source: FirewallRuleEndpoint;
  destination: FirewallRuleEndpoint;
  /** `tcp/443`-style port literals and port object names. */
  destinationPorts: string[];
}

const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp' };

export function normalizeNetworkObject(object: FmcNetworkObject): FirewallNetworkObject {
  const type = object.type.toLowerCase();
  const kind = type === 'network' ? 'network' : type === 'host' ? 'host' : type === 'range' ? 'range' : type === 'fqdn' ? 'fqdn' : 'other';
  const description = object.description?.trim();
  const timestamp = object.metadata?.timestamp;
  return {
    id: object.id,
    kind,
    name: object.name,
    value: object.value ?? '',
    ...(description === undefined || description === '' ? {} : { description }),
    ...(timestamp === undefined ? {} : { updatedAt: new Date(timestamp).toISOString() }),
  };
}

function endpoint(list: FmcAccessRule['sourceNetworks']): FirewallRuleEndpoint {
  return {
    objects: (list?.objects ?? []).map((object) => ({ id: object.id, name: object.name ?? object.id, type: object.type ?? 'Network' })),
    literals: (list?.literals ?? []).flatMap((literal) => (literal.value === undefined ? [] : [literal.value])),
  };
}

export function normalizeAccessRule(rule: FmcAccessRule, policy: { id: string; name: string }): FirewallAccessRule {
  const ports = [
    ...(rule.destinationPorts?.literals ?? []).map((literal) => `${PROTOCOLS[literal.protocol ?? ''] ?? literal.protocol ?? 'any'}/${literal.port ?? 'any'}`),
    ...(rule.destinationPorts?.objects ?? []).map((object) => object.name ?? object.id),
  ];
  return {
    id: rule.id,
    name: rule.name,
    policyId: policy.id,
    policyName: policy.name,
    action: rule.action ?? 'UNKNOWN',
    enabled: rule.enabled ?? true,
    ...(rule.metadata?.ruleIndex === undefined ? {} : { index: rule.metadata.ruleIndex }),
    ...(rule.metadata?.section === undefined ? {} : { section: rule.metadata.section }),
    source: endpoint(rule.sourceNetworks),
    destination: endpoint(rule.destinationNetworks),
    destinationPorts: ports,
  };
}

/** Whether a rule blocks traffic (any BLOCK* action). */
export function isBlockRule(rule: FirewallAccessRule): boolean {
  return rule.action.startsWith('BLOCK');
}
