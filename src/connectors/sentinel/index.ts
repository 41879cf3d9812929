import type { Config } from '../../config/schema.js';
import { healthFromHeaders, type ConnectorDependencies, type ConnectorInstance, type ConnectorModule } from '../connector.js';
import { SentinelClient } from './client.js';
import { sentinelTools } from './tools.js';

export {
  SentinelClient,
  LOG_ANALYTICS_SCOPE,
  MANAGEMENT_SCOPE,
  SENTINEL_API_VERSION,
  type SentinelClientOptions,
  type IncidentListOptions,
  type IncidentChanges,
} from './client.js';
export { sentinelTools } from './tools.js';
export { incidentRecordToEvent, incidentToEvent, recordsToEvents, securityEventRecordToEvent, signinRecordToEvent, tableRecords, type LogAnalyticsRecord } from './normalize.js';
export type { LogAnalyticsResponse, LogAnalyticsTable, SentinelIncident } from './schemas.js';

const REQUIRED = ['tenant_id', 'client_id', 'client_secret', 'subscription_id', 'resource_group', 'workspace_name', 'workspace_id'] as const;

/** Microsoft Sentinel: Log Analytics KQL and ARM incidents. */
export const sentinelConnector: ConnectorModule = {
  id: 'sentinel',
  integration: 'sentinel',
  endpoints: (config) => [config.integrations.sentinel.login_url, config.integrations.sentinel.management_url, config.integrations.sentinel.log_analytics_url],
  create(config: Config, dependencies: ConnectorDependencies): ConnectorInstance {
    const settings = config.integrations.sentinel;
    const missing = REQUIRED.filter((key) => settings[key] === undefined);
    if (missing.length > 0) throw new TypeError(`sentinel: integrations.sentinel.${missing.join(', ')} required`);
    const client = new SentinelClient({
      tenantId: settings.tenant_id!,
      clientId: settings.client_id!,
      clientSecret: settings.client_secret!,
      subscriptionId: settings.subscription_id!,
      resourceGroup: settings.resource_group!,
      workspaceName: settings.workspace_name!,
      workspaceId: settings.workspace_id!,
      loginUrl: settings.login_url,
      managementUrl: settings.management_url,
      logAnalyticsUrl: settings.log_analytics_url,
      dependencies,
    });
    return {
      id: 'sentinel',
      tools: sentinelTools(client),
      async healthCheck(signal) {
        const response = await client.listIncidentsPage({ pageSize: 1, ...(signal === undefined ? {} : { signal }) });
        const count = response.data.value.length;
        return healthFromHeaders(
          response.headers,
          `listed ${count} incident${count === 1 ? '' : 's'}${response.data.nextLink ? ' (more available)' : ''}`,
          [],
          ['x-ms-ratelimit-remaining-subscription-reads'],
        );
      },
    };
  },
};
