import { DefenseClawError } from '../../core/errors/index.js';

export interface ModelErrorOptions {
  /** Stable machine-readable code, e.g. `model_rate_limited`. */
  code: string;
  /** HTTP status of the answer that caused the error; absent for transport failures. */
  status?: number;
  /** `request-id` of the answer, for support tickets and the audit log. */
  requestId?: string;
  /** The provider's error type (`rate_limit_error`, `invalid_request_error`, …), when it sent one. */
  providerErrorType?: string;
  cause?: unknown;
}

/**
 * Base class of every error a `ModelClient` raises. Callers branch on the subclass or on `code`;
 * a refusal by the model is not an error (it is `stopReason: 'refusal'`).
 */
export class ModelError extends DefenseClawError {
  /** HTTP status of the answer that caused the error; absent for transport failures. */
  readonly status: number | undefined;
  /** `request-id` of the answer, when there was one. */
  readonly requestId: string | undefined;
  /** The provider's error type, when it sent one. */
  readonly providerErrorType: string | undefined;

  constructor(message: string, options: ModelErrorOptions) {
    super(message, { code: options.code, exitCode: 1, cause: options.cause });
    this.status = options.status;
    this.requestId = options.requestId;
    this.providerErrorType = options.providerErrorType;
  }
}
