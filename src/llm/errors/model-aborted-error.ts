import { ModelError, type ModelErrorOptions } from './model-error.js';

/** The caller's `AbortSignal` fired (cancelled investigation, time budget spent) before the model answered. */
export class ModelAbortedError extends ModelError {
  constructor(message = 'the model call was aborted', options: Omit<ModelErrorOptions, 'code'> = {}) {
    super(message, { ...options, code: 'model_aborted' });
  }
}
