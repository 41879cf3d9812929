import type { LabContext } from './lab-context.js';
import type { LabRequest, LabResponse } from './lab-http.js';
import type { ProductRouter } from './lab-router.js';

/** One simulated product: its path prefix, its routes and its error envelope. */
export interface LabProductModule {
  /** Name used in the journal and in faults, e.g. `secure_endpoint`. */
  product: string;
  /** Path prefix in the lab, e.g. `/secure-endpoint`. */
  prefix: string;
  /**
   * The base path below the prefix of each API family the product serves from a separate host in
   * real life (PagerDuty Events and REST, Entra / ARM / Log Analytics), for clients that configure
   * one base URL per family. Absent: the prefix is the one base URL.
   */
  endpoints?: Record<string, string>;
  register(router: ProductRouter, context: LabContext): void;
  /** The product's own error envelope (used for injected faults and unknown paths too). */
  errorResponse(status: number, message: string, request: LabRequest): LabResponse;
  /**
   * The product's own rate-limit headers on an injected 429 (e.g. CrowdStrike's epoch
   * `X-RateLimit-RetryAfter`), given the seconds the fault asks clients to wait, when it says.
   */
  rateLimitHeaders?(retryAfterSeconds: number | undefined, request: LabRequest, context: LabContext): Record<string, string>;
}
