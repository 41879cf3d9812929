import { ModelError, type ModelErrorOptions } from './model-error.js';

/** The provider is overloaded (HTTP 529 `overloaded_error`), after the client's own retries. */
export class ModelOverloadedError extends ModelError {
  constructor(message: string, options: Omit<ModelErrorOptions, 'code'> = {}) {
    super(message, { ...options, code: 'model_overloaded' });
  }
}
