import type { Config } from '../../config/schema.js';
import { healthFromHeaders, type ConnectorDependencies, type ConnectorInstance, type ConnectorModule } from '../connector.js';
import { CROWDSTRIKE_DEFAULT_BASE_URL, CrowdStrikeClient } from './client.js';
import { crowdStrikeTools } from './tools.js';

export { CrowdStrikeClient, CROWDSTRIKE_DEFAULT_BASE_URL, DEVICE_OFFSET_WINDOW, fqlString, type CrowdStrikeClientOptions, type PageOptions, type QueryResult } from './client.js';
export { crowdStrikeTools } from './tools.js';
export { alertToEvent, deviceToAsset } from './normalize.js';
export type { FalconAlert, FalconDevice } from './schemas.js';

/** CrowdStrike Falcon: hosts, alerts, containment. */
export const crowdStrikeConnector: ConnectorModule = {
  id: 'crowdstrike',
  integration: 'crowdstrike',
  endpoints: (config) => [config.integrations.crowdstrike.base_url ?? CROWDSTRIKE_DEFAULT_BASE_URL],
  create(config: Config, dependencies: ConnectorDependencies): ConnectorInstance {
    const settings = config.integrations.crowdstrike;
    if (settings.client_id === undefined || settings.client_secret === undefined) {
      throw new TypeError('crowdstrike: integrations.crowdstrike.client_id and client_secret are required');
    }
    const client = new CrowdStrikeClient({
      baseUrl: settings.base_url ?? CROWDSTRIKE_DEFAULT_BASE_URL,
      clientId: settings.client_id,
      clientSecret: settings.client_secret,
      ...(settings.member_cid === undefined ? {} : { memberCid: settings.member_cid }),
      dependencies,
    });
    return {
      id: 'crowdstrike',
      tools: crowdStrikeTools(client),
      async healthCheck(signal) {
        const response = await client.queryDeviceIdsPage({ limit: 1, offset: 0, ...(signal === undefined ? {} : { signal }) });
        const total = response.data.meta?.pagination?.total ?? response.data.resources.length;
        return healthFromHeaders(response.headers, `${total} Falcon device${total === 1 ? '' : 's'}`, ['x-ratelimit-limit'], ['x-ratelimit-remaining']);
      },
    };
  },
};
