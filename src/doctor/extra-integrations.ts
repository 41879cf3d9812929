import Anthropic from '@anthropic-ai/sdk';
import type { Config } from '../config/index.js';
import { healthFromHeaders } from '../connectors/connector.js';
import { ConnectorAuthError, ConnectorUpstreamError } from '../connectors/http/index.js';
import type { ExtraIntegration } from './doctor.js';

/** Slack Web API: `auth.test` with the bot token (form-encoded, as Slack's own SDK sends it). */
export function slackIntegration(fetchFunction: typeof fetch = globalThis.fetch): ExtraIntegration {
  const apiUrl = (config: Config) => (config.slack.api_url ?? 'https://slack.com/api/').replace(/\/?$/, '/');
  return {
    integration: 'slack',
    endpoints: (config) => [apiUrl(config)],
    async healthCheck(config, signal) {
      const response = await fetchFunction(`${apiUrl(config)}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.slack.bot_token ?? ''}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        signal,
      });
      const body = (await response.json().catch(() => ({}))) as { ok?: boolean; error?: string; team?: string; user?: string };
      if (response.status === 401 || body.error === 'invalid_auth' || body.error === 'not_authed' || body.error === 'token_revoked') {
        throw new ConnectorAuthError(`slack: auth.test refused the bot token (${body.error ?? response.status})`, { product: 'slack', status: response.status });
      }
      if (!response.ok || body.ok !== true) throw new ConnectorUpstreamError(`slack: auth.test failed (${body.error ?? `HTTP ${response.status}`})`, { product: 'slack', status: response.status });
      return healthFromHeaders(response.headers, `auth.test ok as ${body.user ?? 'bot'} in ${body.team ?? 'workspace'}`);
    },
  };
}

/** Anthropic Messages API: list one model with the SDK (the same client investigations use). */
export function anthropicIntegration(fetchFunction?: typeof fetch): ExtraIntegration {
  const baseUrl = (config: Config) => config.llm.base_url ?? 'https://api.anthropic.com';
  return {
    integration: 'anthropic',
    endpoints: (config) => [baseUrl(config)],
    async healthCheck(config, signal) {
      const client = new Anthropic({ apiKey: config.llm.api_key ?? '', baseURL: baseUrl(config), maxRetries: 0, timeout: 15_000, ...(fetchFunction === undefined ? {} : { fetch: fetchFunction }) });
      try {
        const { data, response } = await client.models.list({ limit: 1 }, { signal }).withResponse();
        const first = data.data[0]?.id;
        return healthFromHeaders(response.headers, first === undefined ? 'models endpoint answered' : `models endpoint answered (${first})`);
      } catch (error) {
        if (error instanceof Anthropic.AuthenticationError || error instanceof Anthropic.PermissionDeniedError) {
          throw new ConnectorAuthError(`anthropic: API key refused (HTTP ${error.status})`, { product: 'anthropic', status: error.status });
        }
        if (error instanceof Anthropic.APIError) throw new ConnectorUpstreamError(`anthropic: HTTP ${error.status ?? 'error'} ${error.message.split('\n')[0]}`, { product: 'anthropic', ...(error.status === undefined ? {} : { status: error.status }) });
        throw error;
      }
    },
  };
}
