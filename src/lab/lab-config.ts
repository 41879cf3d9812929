import { LAB_CREDENTIALS } from './credentials.js';

/**
 * The config.yaml `lab init` writes: every connector and Slack pointed at the lab at `url`, with
 * the lab's own credentials written as plain values (they open nothing but the simulators).
 * The LLM key stays a ${VAR}: without it investigations run the deterministic triage.
 */
export function labConfigYaml(url: string): string {
  const base = url.replace(/\/+$/, '');
  const credentials = LAB_CREDENTIALS;
  return `# DefenseClaw configuration for the embedded lab at ${base}
# Written by \`defenseclaw lab init\`. The credentials below are the lab's own: they open nothing
# but the simulators on loopback. Replace this file with \`defenseclaw config init\` for real products.

cisco:
  client_id: ${credentials.xdr.clientId}
  client_secret: ${credentials.xdr.clientSecret}
  region: us
  products: [xdr, umbrella, secure_endpoint, secure_firewall]
  xdr:
    base_url: ${base}/xdr
    private_intel_url: ${base}/xdr
    conure_url: ${base}/xdr
  umbrella:
    api_key: ${credentials.umbrella.apiKey}
    api_secret: ${credentials.umbrella.apiSecret}
    base_url: ${base}/umbrella
    block_list_id: "15755711"
  secure_endpoint:
    client_id: ${credentials.secureEndpoint.clientId}
    api_key: ${credentials.secureEndpoint.apiKey}
    base_url: ${base}/secure-endpoint
  secure_firewall:
    base_url: ${base}/fmc
    username: ${credentials.secureFirewall.username}
    password: ${credentials.secureFirewall.password}
    domain_uuid: ${credentials.secureFirewall.domainUuid}
    verify_tls: true

agent:
  runtime: secure
  max_concurrent: 4

log_level: info
audit_all_actions: true
max_concurrent: 5

integrations:
  splunk:
    url: ${base}/splunk
    token: ${credentials.splunk.token}
    hec_url: ${base}/splunk
    hec_token: ${credentials.splunk.hecToken}
    index: security
  pagerduty:
    api_token: ${credentials.pagerduty.apiToken}
    routing_key: ${credentials.pagerduty.routingKey}
    from_email: ${credentials.pagerduty.fromEmail}
    base_url: ${base}/pagerduty/api
    events_url: ${base}/pagerduty/events
  crowdstrike:
    client_id: ${credentials.crowdstrike.clientId}
    client_secret: ${credentials.crowdstrike.clientSecret}
    base_url: ${base}/crowdstrike
  sentinel:
    tenant_id: ${credentials.sentinel.tenantId}
    client_id: ${credentials.sentinel.clientId}
    client_secret: ${credentials.sentinel.clientSecret}
    subscription_id: ${credentials.sentinel.subscriptionId}
    resource_group: ${credentials.sentinel.resourceGroup}
    workspace_name: ${credentials.sentinel.workspaceName}
    workspace_id: ${credentials.sentinel.workspaceId}
    login_url: ${base}/sentinel/login
    management_url: ${base}/sentinel/management
    log_analytics_url: ${base}/sentinel/loganalytics
  servicenow:
    instance_url: ${base}/servicenow
    username: ${credentials.servicenow.username}
    password: ${credentials.servicenow.password}

inventory:
  scan_interval: 6h
  auto_tag: true
  tag_rules_file: tag-rules.yaml

slack:
  bot_token: ${credentials.slack.botToken}
  signing_secret: ${credentials.slack.signingSecret}
  api_url: ${base}/slack/api/
  port: 3000
  approvals_in_thread: false
  digest: {}
  permissions: {}

approvals:
  approvers: [U0LABAPR01, U0LABAPR02, S0LABAPPRV]
  cli_identity: U0LABAPR01          # who "defenseclaw approvals approve" decides as in the lab
  expiry: 1h
  allow_self_approval: false
  critical_tools: []

llm:
  api_key: \${ANTHROPIC_API_KEY}
  base_url: \${ANTHROPIC_BASE_URL:-https://api.anthropic.com}
  model: claude-sonnet-4-6
  max_steps: 12
  max_tokens: 4096
  budget_tokens: 200000
  time_budget: 5m

audit:
  durability: normal

guards:
  internal_cidrs: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 127.0.0.0/8, 169.254.0.0/16, 100.64.0.0/10, fc00::/7, fe80::/10, ::1/128]
  # The lab's crown jewel (the inventory will report its tags too).
  asset_tags:
    srv-db-01: [crown-jewel, pci, production]
`;
}
