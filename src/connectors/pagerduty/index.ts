import type { Config } from '../../config/schema.js';
import { healthFromHeaders, type ConnectorInstance, type ConnectorModule, httpDependencies } from '../connector.js';
import { PagerDutyClient } from './client.js';
import { pagerdutyTools } from './tools.js';

export { PagerDutyClient, PAGERDUTY_ACCEPT, type PagerDutyIncident, type PagerDutyTrigger, type ListIncidentsOptions } from './client.js';
export { incidentToEvent } from './normalize.js';
export { pagerdutyTools, derivedDedupKey } from './tools.js';

export const pagerdutyConnector: ConnectorModule = {
  id: 'pagerduty',
  integration: 'pagerduty',
  endpoints: (config) => [config.integrations.pagerduty.base_url, config.integrations.pagerduty.events_url],
  create(config: Config, dependencies): ConnectorInstance {
    const settings = config.integrations.pagerduty;
    // Keys are read when first used: a deployment may configure only the Events routing key or only
    // the REST token, and reading an unset `${VAR}` throws.
    const client = new PagerDutyClient({
      restUrl: settings.base_url,
      eventsUrl: settings.events_url,
      apiToken: () => settings.api_token,
      routingKey: () => settings.routing_key,
      ...(settings.from_email === undefined ? {} : { fromEmail: settings.from_email }),
      ...httpDependencies(dependencies),
    });
    return {
      id: 'pagerduty',
      tools: pagerdutyTools(client),
      async healthCheck(signal) {
        if (!client.hasRestApi) {
          // The Events API has no read endpoint; sending a test event would page someone.
          return { detail: 'events routing key configured (no REST token, nothing to read)' };
        }
        const response = await client.probe(signal);
        return healthFromHeaders(response.headers, `listed ${response.data.incidents.length} incident(s)`, ['ratelimit-limit'], ['ratelimit-remaining']);
      },
    };
  },
};
