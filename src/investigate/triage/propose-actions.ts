import type { Finding, FindingKind } from '../timeline/index.js';
import { isInternalIp } from '../timeline/index.js';

/** A response action the triage suggests; the gateway turns it into an approval request (or refuses it). */
export interface ActionPlan {
  tool: string;
  input: Record<string, unknown>;
  rationale: string;
}

/** Findings that mean the host itself is compromised: isolate it. */
const HOST_COMPROMISE: ReadonlySet<FindingKind> = new Set(['malware_execution', 'credential_dumping', 'lateral_movement']);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const MAX_ACTIONS = 10;

/**
 * Deterministic response proposals from findings (pure):
 * - a host named by malware execution, credential dumping or lateral movement → isolate it in
 *   Secure Endpoint (the crown-jewel guard may refuse it; that refusal is shown, not hidden);
 * - a public IP of command and control → block it on the Secure Firewall;
 * - a domain of command and control → block it in Umbrella.
 * One proposal per target, in finding order, at most ten. Internal IPs are never proposed.
 */
export function proposeActions(alertId: string, found: readonly Finding[]): ActionPlan[] {
  const plans: ActionPlan[] = [];
  const seen = new Set<string>();
  const add = (plan: ActionPlan, key: string) => {
    if (seen.has(key) || plans.length >= MAX_ACTIONS) return;
    seen.add(key);
    plans.push(plan);
  };
  for (const finding of found) {
    if (HOST_COMPROMISE.has(finding.kind)) {
      for (const host of finding.entities.hosts) {
        add(
          { tool: 'secure_endpoint.isolate_host', input: { hostname: host, comment: `${alertId}: ${finding.title}` }, rationale: `${finding.title}: ${finding.summary}` },
          `isolate:${host.toLowerCase()}`,
        );
      }
    }
    if (finding.kind === 'command_and_control') {
      for (const indicator of finding.entities.indicators) {
        if (IPV4.test(indicator)) {
          if (isInternalIp(indicator)) continue;
          add({ tool: 'secure_firewall.block_ip', input: { ip: indicator, direction: 'both', reason: alertId }, rationale: `${finding.title}: ${finding.summary}` }, `block-ip:${indicator}`);
        } else if (indicator.includes('.') && !/^[0-9a-f]{32,}$/i.test(indicator) && !indicator.includes('/')) {
          add({ tool: 'umbrella.block_domain', input: { domain: indicator.toLowerCase(), comment: alertId }, rationale: `${finding.title}: ${finding.summary}` }, `block-domain:${indicator.toLowerCase()}`);
        }
      }
    }
  }
  return plans;
}
