import type { Config } from '../../config/schema.js';
import { healthFromHeaders, type ConnectorDependencies, type ConnectorInstance, type ConnectorModule, httpDependencies } from '../connector.js';
import { HttpClient, basicAuth } from '../http/index.js';
import { SecureEndpointClient } from './client.js';
import { secureEndpointTools } from './tools.js';

export { SecureEndpointClient, type SecureEndpointComputer, type SecureEndpointEvent } from './client.js';
export { computerToAsset, eventToSecurityEvent } from './normalize.js';
export { secureEndpointTools } from './tools.js';

const REGION_HOSTS: Record<Config['cisco']['region'], string> = {
  us: 'https://api.amp.cisco.com',
  eu: 'https://api.eu.amp.cisco.com',
  apjc: 'https://api.apjc.amp.cisco.com',
};

/** Builds the Secure Endpoint v1 client from config (Basic client_id:api_key). */
export function createSecureEndpointClient(config: Config, dependencies: ConnectorDependencies, pageSize?: number): SecureEndpointClient {
  const settings = config.cisco.secure_endpoint;
  const http = new HttpClient({
    product: 'secure_endpoint',
    baseUrl: baseUrl(config),
    auth: basicAuth(settings.client_id ?? '', settings.api_key ?? ''),
    ...httpDependencies(dependencies),
  });
  return new SecureEndpointClient(http, pageSize);
}

function baseUrl(config: Config): string {
  return config.cisco.secure_endpoint.base_url ?? REGION_HOSTS[config.cisco.region];
}

export const secureEndpointConnector: ConnectorModule = {
  id: 'secure_endpoint',
  integration: 'secure-endpoint',
  endpoints: (config) => [baseUrl(config)],
  create(config: Config, dependencies: ConnectorDependencies): ConnectorInstance {
    const client = createSecureEndpointClient(config, dependencies);
    return {
      id: 'secure_endpoint',
      tools: secureEndpointTools(client),
      async healthCheck(signal) {
        const response = await client.version(signal);
        return healthFromHeaders(response.headers, 'API v1 reachable and credentials accepted', ['x-ratelimit-limit'], ['x-ratelimit-remaining']);
      },
    };
  },
};
