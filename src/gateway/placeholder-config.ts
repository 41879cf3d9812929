import { configSchema, type Config } from '../config/schema.js';

/**
 * A config with placeholder credentials for every connector: tools built from it are used for
 * their definitions only (ids, scopes, input schemas), for validating agents and listing tools to
 * the LLM. Its handlers are never called: the host `.invalid` cannot resolve.
 */
export function placeholderConfig(): Config {
  const url = 'https://placeholder.invalid';
  const secret = 'placeholder';
  return configSchema.parse({
    cisco: {
      client_id: secret,
      client_secret: secret,
      xdr: { base_url: url, private_intel_url: url, conure_url: url },
      umbrella: { api_key: secret, api_secret: secret, base_url: url, block_list_id: '1' },
      secure_endpoint: { client_id: secret, api_key: secret, base_url: url },
      secure_firewall: { base_url: url, username: secret, password: secret, domain_uuid: secret },
    },
    integrations: {
      splunk: { url, token: secret, hec_url: url, hec_token: secret },
      pagerduty: { api_token: secret, routing_key: secret, base_url: url, events_url: url, from_email: 'placeholder@example.com' },
      crowdstrike: { client_id: secret, client_secret: secret, base_url: url },
      sentinel: {
        tenant_id: secret,
        client_id: secret,
        client_secret: secret,
        subscription_id: secret,
        resource_group: secret,
        workspace_name: secret,
        workspace_id: secret,
        login_url: url,
        management_url: url,
        log_analytics_url: url,
      },
      servicenow: { instance_url: url, username: secret, password: secret },
    },
  });
}
