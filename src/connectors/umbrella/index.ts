import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../core/errors/index.js';
import { healthFromHeaders, type ConnectorDependencies, type ConnectorInstance, type ConnectorModule } from '../connector.js';
import { UmbrellaClient, type UmbrellaClientOptions } from './client.js';
import { umbrellaTools } from './tools.js';

export { UmbrellaClient, type UmbrellaClientOptions } from './client.js';
export { normalizeDnsActivity } from './normalize.js';
export { umbrellaTools } from './tools.js';

/** Page sizes only tests change. */
export type UmbrellaPageOptions = Pick<UmbrellaClientOptions, 'reportPageSize' | 'policyPageSize'>;

/** Builds the Umbrella client from config; missing keys are a ConfigError naming the key. */
export function createUmbrellaClient(config: Config, dependencies: ConnectorDependencies, pages: UmbrellaPageOptions = {}): UmbrellaClient {
  const settings = config.cisco.umbrella;
  if (settings.api_key === undefined || settings.api_secret === undefined) {
    throw new ConfigError(
      [settings.api_key === undefined ? 'cisco.umbrella.api_key' : undefined, settings.api_secret === undefined ? 'cisco.umbrella.api_secret' : undefined]
        .filter((path): path is string => path !== undefined)
        .map((path) => ({ path, message: 'required for Cisco Umbrella' })),
    );
  }
  return new UmbrellaClient({ baseUrl: settings.base_url, apiKey: settings.api_key, apiSecret: settings.api_secret, ...pages }, dependencies);
}

/** The configured block list id as a number; a ConfigError when it is not one. */
export function blockListIdOf(config: Config): number | undefined {
  const value = config.cisco.umbrella.block_list_id;
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new ConfigError({ path: 'cisco.umbrella.block_list_id', message: `expected a destination list id (a number), got "${value}"` });
  return Number(value.trim());
}

/** Builds a connector instance around an existing client (tests pass one with small pages). */
export function umbrellaInstance(client: UmbrellaClient, blockListId?: number): ConnectorInstance {
  return {
    id: 'umbrella',
    tools: umbrellaTools(client, blockListId === undefined ? {} : { blockListId }),
    async healthCheck(signal) {
      const response = await client.probe(signal);
      // Umbrella documents no rate-limit headers (429 is the only signal), so none are read.
      return healthFromHeaders(response.headers, 'destination lists readable with this API key');
    },
  };
}

/** Cisco Umbrella: investigate, DNS activity reports and destination-list blocks. */
export const umbrellaConnector: ConnectorModule = {
  id: 'umbrella',
  integration: 'umbrella',
  endpoints: (config) => [config.cisco.umbrella.base_url],
  create(config: Config, dependencies: ConnectorDependencies) {
    return umbrellaInstance(createUmbrellaClient(config, dependencies), blockListIdOf(config));
  },
};
