import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../core/errors/index.js';
import { healthFromHeaders, type ConnectorDependencies, type ConnectorInstance, type ConnectorModule } from '../connector.js';
import { CiscoXdrClient, XDR_RATE_LIMIT_HEADER, XDR_RATE_REMAINING_HEADER } from './client.js';
import { xdrBaseUrls } from './hosts.js';
import { ciscoXdrTools } from './tools.js';

export { CiscoXdrClient, type CiscoXdrClientOptions } from './client.js';
export { xdrBaseUrls, type XdrBaseUrls } from './hosts.js';
export { normalizeIncident, normalizeSighting } from './normalize.js';
export { ciscoXdrTools } from './tools.js';

/** Options only tests and the lab need (smaller CTIA pages). */
export interface CiscoXdrConnectorOptions {
  pageSize?: number;
}

/** Builds the XDR client from config; missing credentials are a ConfigError naming the key. */
export function createCiscoXdrClient(config: Config, dependencies: ConnectorDependencies, options: CiscoXdrConnectorOptions = {}): CiscoXdrClient {
  const { client_id: clientId, client_secret: clientSecret } = config.cisco;
  const missing = [clientId === undefined ? 'cisco.client_id' : undefined, clientSecret === undefined ? 'cisco.client_secret' : undefined].filter(
    (key): key is string => key !== undefined,
  );
  if (clientId === undefined || clientSecret === undefined) {
    throw new ConfigError(missing.map((path) => ({ path, message: 'required for Cisco XDR' })));
  }
  return new CiscoXdrClient(
    { baseUrls: xdrBaseUrls(config), clientId, clientSecret, ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) },
    dependencies,
  );
}

/** Builds a connector instance around an existing client (tests pass one with small pages). */
export function ciscoXdrInstance(client: CiscoXdrClient): ConnectorInstance {
  return {
    id: 'cisco_xdr',
    tools: ciscoXdrTools(client),
    async healthCheck(signal) {
      const response = await client.probe(signal);
      const total = response.headers.get('x-total-hits');
      return healthFromHeaders(response.headers, `incident search answered${total === null ? '' : ` (${total} incidents)`}`, [XDR_RATE_LIMIT_HEADER], [XDR_RATE_REMAINING_HEADER]);
    },
  };
}

/** Cisco XDR: incidents and sightings (CTIA), enrichment, inspect and response actions (IROH). */
export const ciscoXdrConnector: ConnectorModule = {
  id: 'cisco_xdr',
  integration: 'cisco-xdr',
  endpoints(config) {
    const urls = xdrBaseUrls(config);
    return [...new Set([urls.iroh, urls.privateIntel, urls.conure])];
  },
  create(config, dependencies) {
    return ciscoXdrInstance(createCiscoXdrClient(config, dependencies));
  },
};
