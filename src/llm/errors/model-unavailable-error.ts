import { ModelError, type ModelErrorOptions } from './model-error.js';

/** Why the provider could not be reached or did not answer usefully. */
export type ModelUnavailableReason = 'connection' | 'timeout' | 'server_error';

/** Transport failure, timeout or 5xx, after the client's own retries. */
export class ModelUnavailableError extends ModelError {
  readonly reason: ModelUnavailableReason;

  constructor(message: string, options: Omit<ModelErrorOptions, 'code'> & { reason: ModelUnavailableReason }) {
    super(message, { ...options, code: 'model_unavailable' });
    this.reason = options.reason;
  }
}
