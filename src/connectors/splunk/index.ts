import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../core/errors/index.js';
import { healthFromHeaders, type ConnectorDependencies, type ConnectorInstance, type ConnectorModule, httpDependencies, withTlsVerification } from '../connector.js';
import { HttpClient, staticHeader, type AuthStrategy, type HttpClientOptions } from '../http/index.js';
import { SplunkClient } from './client.js';
import { splunkSessionAuth } from './session-auth.js';
import { splunkTools } from './tools.js';

export { SplunkClient, withGeneratingCommand, type HecEnvelope, type SplunkRow, type JobStatus, type SearchOptions } from './client.js';
export { splunkSessionAuth } from './session-auth.js';
export { splunkTools, type SplunkToolOptions } from './tools.js';
export { normalizeSearchRow, normalizeSearchRows, splunkTime } from './normalize.js';

const PRODUCT = 'splunk';

function shared(dependencies: ConnectorDependencies): Omit<HttpClientOptions, 'product' | 'baseUrl' | 'auth'> {
  return {
    ...httpDependencies(dependencies),
  };
}

/**
 * Builds the Splunk client from `integrations.splunk.*`: REST with a Bearer token, else a
 * session from username/password; HEC only when both `hec_url` and `hec_token` are set.
 */
export function createSplunkClient(config: Config, given: ConnectorDependencies): SplunkClient {
  const settings = config.integrations.splunk;
  // Self-signed management and HEC certificates are common: `verify_tls: false` accepts them.
  const dependencies = withTlsVerification(given, settings.verify_tls);
  if (settings.url === undefined) throw new ConfigError({ path: 'integrations.splunk.url', message: 'required to use the Splunk connector' });
  let auth: AuthStrategy;
  if (settings.token !== undefined) {
    auth = staticHeader('authorization', `Bearer ${settings.token}`);
  } else if (settings.username !== undefined && settings.password !== undefined) {
    auth = splunkSessionAuth({
      product: PRODUCT,
      baseUrl: settings.url,
      username: settings.username,
      password: settings.password,
      ...(dependencies.fetch === undefined ? {} : { fetch: dependencies.fetch }),
      ...(dependencies.timeoutMs === undefined ? {} : { timeoutMs: dependencies.timeoutMs }),
    });
  } else {
    throw new ConfigError({ path: 'integrations.splunk.token', message: 'set token, or username and password, to use the Splunk connector' });
  }
  const rest = new HttpClient({ product: PRODUCT, baseUrl: settings.url, auth, ...shared(dependencies) });
  const hec =
    settings.hec_url !== undefined && settings.hec_token !== undefined
      ? new HttpClient({ product: 'splunk-hec', baseUrl: settings.hec_url, auth: staticHeader('authorization', `Splunk ${settings.hec_token}`), ...shared(dependencies) })
      : undefined;
  return new SplunkClient({ rest, ...(hec === undefined ? {} : { hec }), ...(dependencies.sleep === undefined ? {} : { sleep: dependencies.sleep }) });
}

/** Splunk Enterprise / Cloud (`verify_tls: false` for self-signed management and HEC certificates). */
export const splunkConnector: ConnectorModule = {
  id: 'splunk',
  integration: 'splunk',
  endpoints: (config) => [config.integrations.splunk.url, config.integrations.splunk.hec_url].filter((url): url is string => url !== undefined),
  create(config, dependencies): ConnectorInstance {
    const client = createSplunkClient(config, dependencies);
    return {
      id: 'splunk',
      tools: splunkTools(client, { defaultIndex: config.integrations.splunk.index }),
      async healthCheck(signal) {
        const response = await client.serverInfo(signal);
        return healthFromHeaders(response.headers, `Splunk ${response.data.version ?? '(version unknown)'} on ${response.data.serverName ?? 'unknown server'}`);
      },
    };
  },
};
