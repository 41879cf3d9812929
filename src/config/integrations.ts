import type { LoadedConfig } from './load.js';

/** Whether each product DefenseClaw talks to has what it needs in config (no network checks). */
export interface IntegrationStatus {
  name: string;
  /** False when a Cisco product is not in `cisco.products`. */
  enabled: boolean;
  configured: boolean;
  /** Keys (and unset variables) still missing for the simplest complete alternative. */
  missing: string[];
}

/** For each integration, alternative sets of keys; any one complete set means configured. */
const REQUIREMENTS: Array<{ name: string; product?: string; alternatives: string[][] }> = [
  { name: 'cisco-xdr', product: 'xdr', alternatives: [['cisco.client_id', 'cisco.client_secret']] },
  { name: 'umbrella', product: 'umbrella', alternatives: [['cisco.umbrella.api_key', 'cisco.umbrella.api_secret']] },
  {
    name: 'secure-endpoint',
    product: 'secure_endpoint',
    alternatives: [['cisco.secure_endpoint.client_id', 'cisco.secure_endpoint.api_key']],
  },
  {
    name: 'secure-firewall',
    product: 'secure_firewall',
    alternatives: [['cisco.secure_firewall.base_url', 'cisco.secure_firewall.username', 'cisco.secure_firewall.password']],
  },
  {
    name: 'splunk',
    alternatives: [
      ['integrations.splunk.url', 'integrations.splunk.token'],
      ['integrations.splunk.url', 'integrations.splunk.username', 'integrations.splunk.password'],
      ['integrations.splunk.hec_url', 'integrations.splunk.hec_token'],
    ],
  },
  { name: 'crowdstrike', alternatives: [['integrations.crowdstrike.client_id', 'integrations.crowdstrike.client_secret']] },
  {
    name: 'sentinel',
    alternatives: [
      [
        'integrations.sentinel.tenant_id',
        'integrations.sentinel.client_id',
        'integrations.sentinel.client_secret',
        'integrations.sentinel.workspace_id',
      ],
    ],
  },
  { name: 'pagerduty', alternatives: [['integrations.pagerduty.api_token'], ['integrations.pagerduty.routing_key']] },
  {
    name: 'servicenow',
    alternatives: [
      ['integrations.servicenow.instance_url', 'integrations.servicenow.username', 'integrations.servicenow.password'],
      ['integrations.servicenow.instance_url', 'integrations.servicenow.client_id', 'integrations.servicenow.client_secret'],
    ],
  },
  { name: 'slack', alternatives: [['slack.bot_token', 'slack.signing_secret'], ['slack.bot_token', 'slack.app_token']] },
  { name: 'anthropic', alternatives: [['llm.api_key']] },
];

/** Every integration name `status` and `doctor` know, in display order. */
export const INTEGRATION_NAMES: readonly string[] = REQUIREMENTS.map((requirement) => requirement.name);

export function integrationStatuses(loaded: LoadedConfig): IntegrationStatus[] {
  const products = loaded.effective.cisco.products as readonly string[];
  return REQUIREMENTS.map((requirement) => {
    const enabled = requirement.product === undefined || products.includes(requirement.product);
    let best: string[] | undefined;
    for (const keys of requirement.alternatives) {
      const missing = keys.flatMap((key) => missingFor(loaded, key));
      if (best === undefined || missing.length < best.length) best = missing;
    }
    const missing = best ?? [];
    return { name: requirement.name, enabled, configured: enabled && missing.length === 0, missing };
  });
}

function missingFor(loaded: LoadedConfig, key: string): string[] {
  const path = key.split('.');
  const unresolved = loaded.unresolved.find((entry) => entry.path.join('.') === key);
  if (unresolved !== undefined) return unresolved.variables.map((variable) => `${key} (\${${variable}} unset)`);
  let current: unknown = loaded.effective;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return [key];
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null || current === '' ? [key] : [];
}
