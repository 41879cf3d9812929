import type PQueue from 'p-queue';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { unverifiedTlsFetch, type CircuitBreaker } from './http/index.js';
import type { AnyTool, ConnectorId } from './tool.js';

/** I/O a connector is built with: all injected, so tests and the lab need no module mocking. */
export interface ConnectorDependencies {
  clock: Clock;
  fetch?: typeof fetch;
  logger?: Logger;
  /** Waits between retries (tests pass one that resolves at once). */
  sleep?: (milliseconds: number) => Promise<void>;
  /** The connector's shared queue (concurrency and interval cap from tools/<connector>.yaml). */
  queue?: PQueue;
  /** The connector's circuit breaker (one per connector, shared by all its HTTP clients). */
  breaker?: CircuitBreaker;
  /** Per-request timeout. */
  timeoutMs?: number;
}

/** What one cheap authenticated read told `doctor`. */
export interface HealthReport {
  /** e.g. "listed 1 computer", "search returned 3 rows". */
  detail: string;
  /** Rate-limit headroom when the product reports it. */
  rateLimit?: { limit?: number; remaining?: number };
  /** The product's Date header (ISO), for clock skew. */
  serverDate?: string;
}

/** A connector built for one configuration. */
export interface ConnectorInstance {
  id: ConnectorId;
  tools: AnyTool[];
  /** One authenticated read; throws a ConnectorError (auth, transport, timeout, …) on failure. */
  healthCheck(signal?: AbortSignal): Promise<HealthReport>;
}

/** A product connector: how to build it from config. */
export interface ConnectorModule {
  id: ConnectorId;
  /** The name `status` and `doctor` use, e.g. `secure-endpoint`. */
  integration: string;
  /**
   * Builds the connector. Reading a config key whose `${VAR}` is unset throws ConfigError, so
   * only build connectors whose integration `status` reports as configured.
   */
  create(config: Config, dependencies: ConnectorDependencies): ConnectorInstance;
  /** The base URLs this connector talks to for a config (doctor checks reachability and TLS of each). */
  endpoints(config: Config): string[];
}

/** Reads a response header as a number, or undefined. */
export function headerNumber(headers: Headers, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  }
  return undefined;
}

/** The HealthReport fields every connector derives from response headers. */
export function healthFromHeaders(headers: Headers, detail: string, limitNames: string[] = [], remainingNames: string[] = []): HealthReport {
  const limit = headerNumber(headers, ...limitNames);
  const remaining = headerNumber(headers, ...remainingNames);
  const date = headers.get('date');
  return {
    detail,
    ...(limit === undefined && remaining === undefined ? {} : { rateLimit: { ...(limit === undefined ? {} : { limit }), ...(remaining === undefined ? {} : { remaining }) } }),
    ...(date === null || Number.isNaN(Date.parse(date)) ? {} : { serverDate: new Date(date).toISOString() }),
  };
}

/** The dependencies an HttpClient takes (clock, fetch, sleep, logger, queue, breaker, timeout). */
export type HttpDependencies = Pick<ConnectorDependencies, 'clock' | 'fetch' | 'sleep' | 'logger' | 'queue' | 'breaker' | 'timeoutMs'>;

/**
 * The dependencies with the fetch a product's `verify_tls` asks for: the injected fetch when there
 * is one (tests, the lab), else, with verification off, one that accepts the product's certificate.
 */
export function withTlsVerification(dependencies: ConnectorDependencies, verifyTls: boolean): ConnectorDependencies {
  if (verifyTls || dependencies.fetch !== undefined) return dependencies;
  return { ...dependencies, fetch: unverifiedTlsFetch() };
}

/** The dependencies an HttpClient takes, from a connector's (one place, not a spread per client). */
export function httpDependencies(dependencies: ConnectorDependencies): HttpDependencies {
  return {
    clock: dependencies.clock,
    fetch: dependencies.fetch,
    sleep: dependencies.sleep,
    logger: dependencies.logger,
    queue: dependencies.queue,
    breaker: dependencies.breaker,
    timeoutMs: dependencies.timeoutMs,
  };
}
