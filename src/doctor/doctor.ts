import type { Config, LoadedConfig } from '../config/index.js';
import { integrationStatuses } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { ConnectorModule, HealthReport } from '../connectors/connector.js';
import { ConnectorAuthError, ConnectorForbiddenError, isConnectorError } from '../connectors/http/index.js';
import { checkReachability, checkTls, type CheckResult, type CheckStatus } from './network-checks.js';

export type HealthStatus = 'pass' | 'warn' | 'fail' | 'not_configured' | 'disabled';

export interface IntegrationHealth {
  integration: string;
  status: HealthStatus;
  /** The first failing (or warning) check's detail, or a summary. */
  reason: string;
  checks: CheckResult[];
  durationMs: number;
}

/** A non-connector integration (Slack, Anthropic) checked by doctor. */
export interface ExtraIntegration {
  integration: string;
  endpoints(config: Config): string[];
  healthCheck(config: Config, signal: AbortSignal): Promise<HealthReport>;
}

export interface DoctorOptions {
  loaded: LoadedConfig;
  modules: readonly ConnectorModule[];
  extras?: readonly ExtraIntegration[];
  /** Builds the connector instance of a module (with its queue, breaker, fetch, clock). */
  create(module: ConnectorModule): ReturnType<ConnectorModule['create']>;
  clock: Clock;
  /** Only this integration. */
  only?: string;
  timeoutMs?: number;
}

const SKEW_WARN_MS = 30_000;
const SKEW_FAIL_MS = 300_000;

/**
 * Checks each configured integration: TCP reachability and TLS of every endpoint, then one
 * authenticated read (authentication + read), clock skew from the product's Date header and
 * rate-limit headroom where the product reports it. Integrations run in parallel.
 */
export async function runDoctor(options: DoctorOptions): Promise<IntegrationHealth[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const statuses = integrationStatuses(options.loaded).filter((status) => options.only === undefined || status.name === options.only);
  return Promise.all(
    statuses.map(async (status): Promise<IntegrationHealth> => {
      if (!status.enabled) return { integration: status.name, status: 'disabled', reason: 'not in cisco.products', checks: [], durationMs: 0 };
      if (!status.configured) return { integration: status.name, status: 'not_configured', reason: `missing ${status.missing.join(', ')}`, checks: [], durationMs: 0 };
      const module = options.modules.find((candidate) => candidate.integration === status.name);
      const extra = options.extras?.find((candidate) => candidate.integration === status.name);
      const started = performance.now();
      if (module === undefined && extra === undefined) {
        return { integration: status.name, status: 'warn', reason: 'configured, but this build has no connector for it', checks: [], durationMs: 0 };
      }
      const config = options.loaded.config;
      const checks: CheckResult[] = [];
      try {
        const endpoints = module?.endpoints(config) ?? extra?.endpoints(config) ?? [];
        for (const endpoint of [...new Set(endpoints)]) {
          const url = new URL(endpoint);
          const reach = await checkReachability(url, timeoutMs);
          checks.push(reach);
          if (reach.status === 'fail') continue;
          checks.push(await checkTls(url, timeoutMs, { verify: verifyTls(config, status.name), now: options.clock.now() }));
        }
        if (!checks.some((check) => check.name === 'reachability' && check.status === 'fail')) {
          checks.push(...(await authenticatedRead(() => (module !== undefined ? options.create(module).healthCheck(AbortSignal.timeout(timeoutMs * 2)) : extra!.healthCheck(config, AbortSignal.timeout(timeoutMs * 2))), options.clock)));
        }
      } catch (error) {
        checks.push({ name: 'read', status: 'fail', detail: (error as Error).message.split('\n')[0] ?? 'failed' });
      }
      return summarise(status.name, checks, performance.now() - started);
    }),
  );
}

async function authenticatedRead(read: () => Promise<HealthReport>, clock: Clock): Promise<CheckResult[]> {
  const before = clock.now().getTime();
  let report: HealthReport;
  try {
    report = await read();
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'failed';
    if (error instanceof ConnectorAuthError) return [{ name: 'authentication', status: 'fail', detail: message }];
    if (error instanceof ConnectorForbiddenError) return [{ name: 'authentication', status: 'pass', detail: 'credentials accepted' }, { name: 'read', status: 'fail', detail: message }];
    return [{ name: isConnectorError(error) && error.status === 401 ? 'authentication' : 'read', status: 'fail', detail: message }];
  }
  const results: CheckResult[] = [
    { name: 'authentication', status: 'pass', detail: 'credentials accepted' },
    { name: 'read', status: 'pass', detail: report.detail },
  ];
  if (report.serverDate !== undefined) {
    const skew = Date.parse(report.serverDate) - (before + clock.now().getTime()) / 2;
    const magnitude = Math.abs(skew);
    // The Date header has one-second resolution.
    const status: CheckStatus = magnitude > SKEW_FAIL_MS ? 'fail' : magnitude > SKEW_WARN_MS ? 'warn' : 'pass';
    results.push({ name: 'clock_skew', status, detail: `${Math.round(skew / 1000)} s against the product's clock` });
  } else {
    results.push({ name: 'clock_skew', status: 'skip', detail: 'the product sent no Date header' });
  }
  const limit = report.rateLimit;
  if (limit?.remaining !== undefined) {
    const share = limit.limit === undefined || limit.limit === 0 ? undefined : limit.remaining / limit.limit;
    results.push({
      name: 'rate_limit',
      status: share !== undefined && share < 0.1 ? 'warn' : 'pass',
      detail: `${limit.remaining}${limit.limit === undefined ? '' : ` of ${limit.limit}`} requests left in the window`,
    });
  } else {
    results.push({ name: 'rate_limit', status: 'skip', detail: 'the product reports no headroom' });
  }
  return results;
}

function summarise(integration: string, checks: CheckResult[], durationMs: number): IntegrationHealth {
  const failed = checks.find((check) => check.status === 'fail');
  const warned = checks.find((check) => check.status === 'warn');
  const status: HealthStatus = failed !== undefined ? 'fail' : warned !== undefined ? 'warn' : 'pass';
  const reason = failed !== undefined ? `${failed.name}: ${failed.detail}` : warned !== undefined ? `${warned.name}: ${warned.detail}` : (checks.find((check) => check.name === 'read')?.detail ?? 'ok');
  return { integration, status, reason, checks, durationMs: Math.round(durationMs) };
}

function verifyTls(config: Config, integration: string): boolean {
  if (integration === 'secure-firewall') return config.cisco.secure_firewall.verify_tls;
  if (integration === 'splunk') return config.integrations.splunk.verify_tls;
  return true;
}
