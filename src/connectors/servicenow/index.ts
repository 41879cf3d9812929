import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../core/errors/index.js';
import { healthFromHeaders, type ConnectorInstance, type ConnectorModule, httpDependencies } from '../connector.js';
import { ServiceNowClient } from './client.js';
import { serviceNowTools } from './tools.js';

export { ServiceNowClient, fieldText, encodedQueryValue, serviceNowDateTime, type ServiceNowRecord, type ListRecordsOptions } from './client.js';
export { incidentToEvent, isoFromServiceNow, INCIDENT_STATES } from './normalize.js';
export { serviceNowTools } from './tools.js';

export const servicenowConnector: ConnectorModule = {
  id: 'servicenow',
  integration: 'servicenow',
  endpoints: (config) => (config.integrations.servicenow.instance_url === undefined ? [] : [config.integrations.servicenow.instance_url]),
  create(config: Config, dependencies): ConnectorInstance {
    const settings = config.integrations.servicenow;
    const missing = (['instance_url', 'username', 'password'] as const).filter((key) => settings[key] === undefined || settings[key] === '');
    if (missing.length > 0) {
      // OAuth (client_id/client_secret) is accepted by config but this connector speaks Basic only.
      throw new ConfigError(missing.map((key) => ({ path: `integrations.servicenow.${key}`, message: 'is required for the ServiceNow connector (Basic auth)' })));
    }
    const client = new ServiceNowClient({
      instanceUrl: settings.instance_url!,
      username: settings.username!,
      password: settings.password!,
      ...httpDependencies(dependencies),
    });
    return {
      id: 'servicenow',
      tools: serviceNowTools(client),
      async healthCheck(signal) {
        const response = await client.probe(signal);
        const total = response.headers.get('x-total-count');
        return healthFromHeaders(response.headers, `incident table readable${total === null ? '' : ` (${total} records)`}`, ['x-ratelimit-limit'], ['x-ratelimit-remaining']);
      },
    };
  },
};
