import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ToolCatalog } from './catalog/index.js';
import type { Config } from '../config/schema.js';
import type { ConnectorDependencies, ConnectorInstance, ConnectorModule } from './connector.js';
import { CircuitBreaker, createConnectorQueue } from './http/index.js';
import { ciscoXdrConnector } from './cisco_xdr/index.js';
import { crowdStrikeConnector } from './crowdstrike/index.js';
import { pagerdutyConnector } from './pagerduty/index.js';
import { secureEndpointConnector } from './secure_endpoint/index.js';
import { secureFirewallConnector } from './secure_firewall/index.js';
import { sentinelConnector } from './sentinel/index.js';
import { servicenowConnector } from './servicenow/index.js';
import { splunkConnector } from './splunk/index.js';
import { umbrellaConnector } from './umbrella/index.js';

/** Every product connector DefenseClaw ships. */
export const CONNECTOR_MODULES: readonly ConnectorModule[] = [
  ciscoXdrConnector,
  umbrellaConnector,
  secureEndpointConnector,
  secureFirewallConnector,
  splunkConnector,
  crowdStrikeConnector,
  sentinelConnector,
  pagerdutyConnector,
  servicenowConnector,
];

export interface SharedDependencies {
  clock: Clock;
  fetch?: typeof fetch;
  logger?: Logger;
  sleep?: (milliseconds: number) => Promise<void>;
  timeoutMs?: number;
}

/**
 * Dependencies of one connector: the shared I/O plus its own queue (rate limit from the catalog)
 * and circuit breaker. Build once per process and reuse, so limits hold across all callers.
 */
export function connectorDependencies(module: ConnectorModule, catalog: ToolCatalog, shared: SharedDependencies): ConnectorDependencies {
  const entry = catalog.connectors.get(module.id);
  const rateLimit = entry?.rate_limit ?? { concurrency: 4, interval_ms: 0 };
  return {
    clock: shared.clock,
    ...(shared.fetch === undefined ? {} : { fetch: shared.fetch }),
    ...(shared.logger === undefined ? {} : { logger: shared.logger.child({ connector: module.id }) }),
    ...(shared.sleep === undefined ? {} : { sleep: shared.sleep }),
    ...(shared.timeoutMs === undefined ? {} : { timeoutMs: shared.timeoutMs }),
    queue: createConnectorQueue({
      concurrency: rateLimit.concurrency,
      ...(rateLimit.interval_cap === undefined || rateLimit.interval_ms === 0 ? {} : { intervalCap: rateLimit.interval_cap, intervalMs: rateLimit.interval_ms }),
    }),
    breaker: new CircuitBreaker({ clock: shared.clock }),
  };
}

/**
 * The connector of a module for a config, built with its dependencies (queue, breaker) and with
 * each tool that has its own `rate_limit` in the catalog running through that tool's queue. Build
 * once per process and reuse, so limits hold across all callers.
 */
export function createConnector(module: ConnectorModule, config: Config, catalog: ToolCatalog, shared: SharedDependencies): ConnectorInstance {
  const instance = module.create(config, connectorDependencies(module, catalog, shared));
  return {
    ...instance,
    tools: instance.tools.map((tool) => {
      const limit = catalog.tools.get(tool.id)?.rate_limit;
      if (limit === undefined) return tool;
      const queue = createConnectorQueue({
        concurrency: limit.concurrency,
        ...(limit.interval_cap === undefined || limit.interval_ms === 0 ? {} : { intervalCap: limit.interval_cap, intervalMs: limit.interval_ms }),
      });
      return { ...tool, handler: (input, context) => queue.add(() => tool.handler(input, context), context.signal === undefined ? {} : { signal: context.signal }) };
    }),
  };
}

export function connectorModule(integrationOrId: string): ConnectorModule | undefined {
  return CONNECTOR_MODULES.find((module) => module.integration === integrationOrId || module.id === integrationOrId);
}
