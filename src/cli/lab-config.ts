import { parseDocument } from 'yaml';
import { CONFIG_TEMPLATE } from '../config/index.js';
import { LAB_CREDENTIALS } from '../lab/credentials.js';

const HEADER = ` DefenseClaw configuration for the embedded lab at %URL%
 Written by \`defenseclaw lab init\`: \`config init\`'s template with every connector and Slack
 pointed at the lab. The credentials are the lab's own: they open nothing but the simulators on
 loopback. Run \`defenseclaw config init\` for real products.`;

/** Whether a config file's text is one `lab init` wrote (its header says so): pointing it at another lab loses nothing. */
export function isLabConfig(text: string): boolean {
  return /^# Written by `defenseclaw lab init`/m.test(text.split('\n').slice(0, 6).join('\n'));
}

/**
 * The config.yaml `lab init` writes: the `config init` template (so both stay one file with the
 * same keys and comments) with every connector and Slack pointed at the lab at `url` and the lab's
 * credentials written as plain values. The LLM key stays a ${VAR}: without it investigations run
 * the deterministic triage.
 */
export function labConfigYaml(url: string): string {
  const base = url.replace(/\/+$/, '');
  const credentials = LAB_CREDENTIALS;
  const values: Array<[path: string, value: unknown]> = [
    ['cisco.client_id', credentials.xdr.clientId],
    ['cisco.client_secret', credentials.xdr.clientSecret],
    ['cisco.xdr', { base_url: `${base}/xdr`, private_intel_url: `${base}/xdr`, conure_url: `${base}/xdr` }],
    ['cisco.umbrella.api_key', credentials.umbrella.apiKey],
    ['cisco.umbrella.api_secret', credentials.umbrella.apiSecret],
    ['cisco.umbrella.base_url', `${base}/umbrella`],
    ['cisco.umbrella.block_list_id', '15755711'],
    ['cisco.secure_endpoint.client_id', credentials.secureEndpoint.clientId],
    ['cisco.secure_endpoint.api_key', credentials.secureEndpoint.apiKey],
    ['cisco.secure_endpoint.base_url', `${base}/secure-endpoint`],
    ['cisco.secure_firewall.base_url', `${base}/fmc`],
    ['cisco.secure_firewall.username', credentials.secureFirewall.username],
    ['cisco.secure_firewall.password', credentials.secureFirewall.password],
    ['cisco.secure_firewall.domain_uuid', credentials.secureFirewall.domainUuid],
    ['integrations.splunk.url', `${base}/splunk`],
    ['integrations.splunk.token', credentials.splunk.token],
    ['integrations.splunk.hec_url', `${base}/splunk`],
    ['integrations.splunk.hec_token', credentials.splunk.hecToken],
    ['integrations.pagerduty.api_token', credentials.pagerduty.apiToken],
    ['integrations.pagerduty.routing_key', credentials.pagerduty.routingKey],
    ['integrations.pagerduty.from_email', credentials.pagerduty.fromEmail],
    ['integrations.pagerduty.base_url', `${base}/pagerduty/api`],
    ['integrations.pagerduty.events_url', `${base}/pagerduty/events`],
    ['integrations.crowdstrike.client_id', credentials.crowdstrike.clientId],
    ['integrations.crowdstrike.client_secret', credentials.crowdstrike.clientSecret],
    ['integrations.crowdstrike.base_url', `${base}/crowdstrike`],
    ['integrations.sentinel.tenant_id', credentials.sentinel.tenantId],
    ['integrations.sentinel.client_id', credentials.sentinel.clientId],
    ['integrations.sentinel.client_secret', credentials.sentinel.clientSecret],
    ['integrations.sentinel.subscription_id', credentials.sentinel.subscriptionId],
    ['integrations.sentinel.resource_group', credentials.sentinel.resourceGroup],
    ['integrations.sentinel.workspace_name', credentials.sentinel.workspaceName],
    ['integrations.sentinel.workspace_id', credentials.sentinel.workspaceId],
    ['integrations.sentinel.login_url', `${base}/sentinel/login`],
    ['integrations.sentinel.management_url', `${base}/sentinel/management`],
    ['integrations.sentinel.log_analytics_url', `${base}/sentinel/loganalytics`],
    ['integrations.servicenow.instance_url', `${base}/servicenow`],
    ['integrations.servicenow.username', credentials.servicenow.username],
    ['integrations.servicenow.password', credentials.servicenow.password],
    ['slack.bot_token', credentials.slack.botToken],
    ['slack.signing_secret', credentials.slack.signingSecret],
    ['slack.api_url', `${base}/slack/api/`],
    ['approvals.approvers', ['U0LABAPR01', 'U0LABAPR02', 'S0LABAPPRV']],
    // Who `defenseclaw approvals approve` decides as in the lab.
    ['approvals.cli_identity', 'U0LABAPR01'],
    // The lab's crown jewel (the inventory reports its tags too).
    ['guards.asset_tags', { 'srv-db-01': ['crown-jewel', 'pci', 'production'] }],
  ];
  const document = parseDocument(CONFIG_TEMPLATE);
  document.commentBefore = HEADER.replace('%URL%', base);
  for (const [path, value] of values) document.setIn(path.split('.'), value);
  // The lab's Slack takes HTTP requests; an app token would switch to Socket Mode.
  document.deleteIn(['slack', 'app_token']);
  return document.toString({ lineWidth: 0 });
}
