/**
 * The config.yaml written by `config init`. Secrets and credentials are `${VAR}` references to
 * the environment (.env.example lists them); a reference whose variable is unset only fails when
 * that key is used, so an unconfigured integration simply shows as "not configured".
 */
export const CONFIG_TEMPLATE = `# DefenseClaw configuration (config.yaml in DEFENSECLAW_HOME, default ~/.defenseclaw).
# Any value may reference the environment: \${NAME} or \${NAME:-default}.
# An unset variable is an error only when its key is used.
# Keep secrets in the environment, not in this file. \`defenseclaw config show\` masks them.

cisco:
  # Cisco XDR API client (Administration > API Clients).
  client_id: \${CISCO_CLIENT_ID}
  client_secret: \${CISCO_CLIENT_SECRET}
  region: us                 # us | eu | apjc
  products: [xdr, umbrella, secure_endpoint, secure_firewall]
  xdr: {}                    # base_url / private_intel_url / conure_url override the regional hosts
  umbrella:
    api_key: \${UMBRELLA_API_KEY}
    api_secret: \${UMBRELLA_API_SECRET}
    base_url: https://api.umbrella.com
  secure_endpoint:
    client_id: \${SECURE_ENDPOINT_CLIENT_ID}
    api_key: \${SECURE_ENDPOINT_API_KEY}
    # base_url: https://api.amp.cisco.com   # overrides the regional host (api.eu / api.apjc.amp.cisco.com)
  secure_firewall:
    base_url: \${FMC_URL}
    username: \${FMC_USERNAME}
    password: \${FMC_PASSWORD}
    verify_tls: true

agent:
  runtime: secure            # secure: every write/execute needs approval | standard: as the agent YAML says
  max_concurrent: 4          # agent and workflow runs at once

log_level: info              # fatal | error | warn | info | debug | trace | silent
audit_all_actions: true      # every tool call is audited (false is not honoured: the ledger is the record)
max_concurrent: 16           # tool calls running at once in this process, across agents, investigations, CLI and Slack

integrations:
  splunk:
    url: \${SPLUNK_URL}              # management API, e.g. https://splunk.example.com:8089
    token: \${SPLUNK_TOKEN}
    hec_url: \${SPLUNK_HEC_URL}      # HTTP Event Collector, e.g. https://splunk.example.com:8088
    hec_token: \${SPLUNK_HEC_TOKEN}
    index: security
  pagerduty:
    api_token: \${PAGERDUTY_API_TOKEN}
    routing_key: \${PAGERDUTY_ROUTING_KEY}
    base_url: https://api.pagerduty.com          # REST API
    events_url: https://events.pagerduty.com     # Events API v2
  crowdstrike:
    client_id: \${CROWDSTRIKE_CLIENT_ID}
    client_secret: \${CROWDSTRIKE_CLIENT_SECRET}
    base_url: https://api.crowdstrike.com
  sentinel:
    tenant_id: \${AZURE_TENANT_ID}
    client_id: \${AZURE_CLIENT_ID}
    client_secret: \${AZURE_CLIENT_SECRET}
    subscription_id: \${AZURE_SUBSCRIPTION_ID}
    resource_group: \${SENTINEL_RESOURCE_GROUP}
    workspace_name: \${SENTINEL_WORKSPACE_NAME}
    workspace_id: \${SENTINEL_WORKSPACE_ID}
    login_url: https://login.microsoftonline.com
    management_url: https://management.azure.com
    log_analytics_url: https://api.loganalytics.io
  servicenow:
    instance_url: \${SERVICENOW_INSTANCE_URL}
    username: \${SERVICENOW_USERNAME}
    password: \${SERVICENOW_PASSWORD}

inventory:
  scan_interval: 6h
  auto_tag: true
  tag_rules_file: tag-rules.yaml   # relative to DEFENSECLAW_HOME

slack:
  bot_token: \${SLACK_BOT_TOKEN}
  signing_secret: \${SLACK_SIGNING_SECRET}
  app_token: \${SLACK_APP_TOKEN}    # set to use Socket Mode instead of the HTTP receiver
  api_url: \${SLACK_API_URL:-https://slack.com/api/}
  port: 3000
  approvals_in_thread: false
  digest: {}                        # cron: "0 8 * * 1-5", channel: C0123456789
  permissions: {}                   # e.g. investigate: [U0123ABCD, S0456EFGH]

approvals:
  approvers: []                     # Slack user ids (U…) and user-group ids (S…)
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

investigate:
  tools: ['*']                      # tool ids the investigation may call; '*' = every tool of a granted scope
  permissions: { read: true, write: false, execute: true }   # write/execute are only ever proposals (approval-gated)
  window: 24h                       # how far back every source is searched
  tool_output_cap_bytes: 12000      # largest tool output the model sees

policy:
  directory: policies              # your own policies (YAML) besides the built-ins; relative to this home

smtp:                               # e-mail notifications of policy schedules (--notify someone@example.com)
  host: \${SMTP_HOST}
  port: 587
  secure: false                     # true: TLS from the start (465); false: STARTTLS when offered
  username: \${SMTP_USERNAME}
  password: \${SMTP_PASSWORD}
  from: defenseclaw@example.com

audit:
  durability: normal                # normal: survives a crash | full: also survives power loss (slower)

guards:
  # Block actions never target these (tools/*.yaml: deny_if_ip_in: [internal_cidrs]).
  internal_cidrs: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 127.0.0.0/8, 169.254.0.0/16, 100.64.0.0/10, fc00::/7, fe80::/10, ::1/128]
  # Host tags the guards must know, e.g. srv-db-01: [crown-jewel]; the inventory adds what it learns.
  asset_tags: {}
  # Values tools may be given where tools/*.yaml has allow_if_arg_in (the configured index, block list… are always allowed).
  allow_lists: {} # e.g. splunk_indexes: [security, notable], umbrella_destination_lists: [15755711], servicenow_assignment_groups: [<group sys_id>]
`;
