import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../core/errors/index.js';
import { healthFromHeaders, type ConnectorDependencies, type ConnectorInstance, type ConnectorModule, httpDependencies, withTlsVerification } from '../connector.js';
import { HttpClient, fmcTokenAuth } from '../http/index.js';
import { SecureFirewallClient } from './client.js';
import { secureFirewallTools } from './tools.js';

export { SecureFirewallClient } from './client.js';
export { secureFirewallTools, type SecureFirewallToolOptions } from './tools.js';
export * from './normalize.js';

const PRODUCT = 'secure_firewall';

function required(value: string | undefined, key: string): string {
  if (value === undefined || value === '') throw new ConfigError({ path: key, message: 'required to use the Secure Firewall connector' });
  return value;
}

/** Builds the FMC client from `cisco.secure_firewall.*` (on-prem FMC has no default host). */
export function createSecureFirewallClient(config: Config, given: ConnectorDependencies): SecureFirewallClient {
  const settings = config.cisco.secure_firewall;
  // Self-signed FMC certificates are common: `verify_tls: false` accepts the appliance's certificate.
  const dependencies = withTlsVerification(given, settings.verify_tls);
  const baseUrl = required(settings.base_url, 'cisco.secure_firewall.base_url');
  const auth = fmcTokenAuth({
    product: PRODUCT,
    baseUrl,
    username: required(settings.username, 'cisco.secure_firewall.username'),
    password: required(settings.password, 'cisco.secure_firewall.password'),
    clock: dependencies.clock,
    ...(dependencies.fetch === undefined ? {} : { fetch: dependencies.fetch }),
    ...(dependencies.timeoutMs === undefined ? {} : { timeoutMs: dependencies.timeoutMs }),
  });
  const http = new HttpClient({
    product: PRODUCT,
    baseUrl,
    auth,
    ...httpDependencies(dependencies),
  });
  return new SecureFirewallClient({ http, auth, ...(settings.domain_uuid === undefined ? {} : { domainUuid: settings.domain_uuid }) });
}

/** Cisco Secure Firewall Management Center (`verify_tls: false` for a self-signed appliance certificate). */
export const secureFirewallConnector: ConnectorModule = {
  id: 'secure_firewall',
  integration: 'secure-firewall',
  endpoints: (config) => (config.cisco.secure_firewall.base_url === undefined ? [] : [config.cisco.secure_firewall.base_url]),
  create(config, dependencies): ConnectorInstance {
    const client = createSecureFirewallClient(config, dependencies);
    return {
      id: 'secure_firewall',
      tools: secureFirewallTools(client, dependencies.sleep === undefined ? {} : { sleep: dependencies.sleep }),
      async healthCheck(signal) {
        const response = await client.probe(signal);
        return healthFromHeaders(response.headers, `${response.data.count} network object(s) in domain ${await client.domainUuid(signal)}`);
      },
    };
  },
};
