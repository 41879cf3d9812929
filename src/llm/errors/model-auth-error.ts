import { ModelError, type ModelErrorOptions } from './model-error.js';

/** The API key is missing, wrong or not allowed to do this (401, 403). Retrying will not help. */
export class ModelAuthError extends ModelError {
  constructor(message: string, options: Omit<ModelErrorOptions, 'code'> = {}) {
    super(message, { ...options, code: 'model_auth_failed' });
  }
}
