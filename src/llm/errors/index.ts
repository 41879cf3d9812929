export { ModelError, type ModelErrorOptions } from './model-error.js';
export { ModelAuthError } from './model-auth-error.js';
export { ModelRateLimitedError } from './model-rate-limited-error.js';
export { ModelOverloadedError } from './model-overloaded-error.js';
export { ModelRequestError } from './model-request-error.js';
export { ModelUnavailableError, type ModelUnavailableReason } from './model-unavailable-error.js';
export { ModelAbortedError } from './model-aborted-error.js';
