import { ModelError, type ModelErrorOptions } from './model-error.js';

/**
 * The provider rejected the request itself (400, 404, 413, 422, …): a bug in what we sent
 * (bad tool_result id, unknown model, prompt too long). Retrying the same request will not help.
 */
export class ModelRequestError extends ModelError {
  constructor(message: string, options: Omit<ModelErrorOptions, 'code'> = {}) {
    super(message, { ...options, code: 'model_request_invalid' });
  }
}
