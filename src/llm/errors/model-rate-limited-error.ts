import { ModelError, type ModelErrorOptions } from './model-error.js';

/** The provider answered 429 (after the client's own retries, if any). */
export class ModelRateLimitedError extends ModelError {
  /** How long the provider asked us to wait (`retry-after-ms` or `retry-after`), in milliseconds; absent if it did not say. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: Omit<ModelErrorOptions, 'code'> & { retryAfterMs?: number } = {}) {
    super(message, { ...options, code: 'model_rate_limited' });
    this.retryAfterMs = options.retryAfterMs;
  }
}
