import { DefenseClawError } from '../../core/errors/index.js';

/** Fields every connector error carries. */
export interface ConnectorErrorOptions {
  /** Product name, e.g. `crowdstrike`; names the connector in messages and logs. */
  product: string;
  /** HTTP status of the response that failed, when one arrived. */
  status?: number;
  /** Vendor request/trace id from the response headers, for support tickets. */
  requestId?: string;
  /** Whether the failure is transient (transport, timeout, 408/409/429/5xx). Says nothing about method safety. */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Base class of every failure talking to a security product. Messages name the product, method
 * and path; never a query string, a header, a body or a secret.
 */
export class ConnectorError extends DefenseClawError {
  readonly product: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly retryable: boolean;

  constructor(message: string, code: string, options: ConnectorErrorOptions) {
    super(message, { code, exitCode: 1, cause: options.cause });
    this.product = options.product;
    if (options.status !== undefined) this.status = options.status;
    if (options.requestId !== undefined) this.requestId = options.requestId;
    this.retryable = options.retryable ?? false;
  }
}

/** 401 from the product, or the token endpoint refused or failed to issue a token. */
export class ConnectorAuthError extends ConnectorError {
  constructor(message: string, options: ConnectorErrorOptions) {
    super(message, 'connector_auth', options);
  }
}

/** 403: the credentials are valid but lack the scope or role for this call. */
export class ConnectorForbiddenError extends ConnectorError {
  constructor(message: string, options: ConnectorErrorOptions) {
    super(message, 'connector_forbidden', options);
  }
}

/** 404: the object or endpoint does not exist (or the host is for the wrong region). */
export class ConnectorNotFoundError extends ConnectorError {
  constructor(message: string, options: ConnectorErrorOptions) {
    super(message, 'connector_not_found', options);
  }
}

/** 429 from the product. */
export class ConnectorRateLimitedError extends ConnectorError {
  /** How long the product asked us to wait (Retry-After), in milliseconds, when it said. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: ConnectorErrorOptions & { retryAfterMs?: number }) {
    super(message, 'connector_rate_limited', { ...options, retryable: options.retryable ?? true });
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Any other 4xx/5xx; the message carries a short, secret-free summary of the product's error envelope. */
export class ConnectorUpstreamError extends ConnectorError {
  /** The summary of the product's error envelope (at most 200 characters), when one could be read. */
  readonly summary?: string;

  constructor(message: string, options: ConnectorErrorOptions & { summary?: string }) {
    super(message, 'connector_upstream', options);
    if (options.summary !== undefined) this.summary = options.summary;
  }
}

/** One attempt ran longer than its timeout. The request may have reached the product. */
export class ConnectorTimeoutError extends ConnectorError {
  /** The per-attempt timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, options: ConnectorErrorOptions & { timeoutMs: number }) {
    super(message, 'connector_timeout', { ...options, retryable: options.retryable ?? true });
    this.timeoutMs = options.timeoutMs;
  }
}

/** Connection refused or reset, DNS failure, TLS failure: no HTTP response arrived. */
export class ConnectorTransportError extends ConnectorError {
  /** System error code when known, e.g. `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`. */
  readonly transportCode?: string;
  /**
   * False only when nothing can have reached the server (connection refused, DNS), so even a
   * mutating request is safe to send again.
   */
  readonly mayHaveReachedServer: boolean;

  constructor(message: string, options: ConnectorErrorOptions & { transportCode?: string; mayHaveReachedServer: boolean }) {
    super(message, 'connector_transport', { ...options, retryable: options.retryable ?? true });
    if (options.transportCode !== undefined) this.transportCode = options.transportCode;
    this.mayHaveReachedServer = options.mayHaveReachedServer;
  }
}

/** The body was not JSON, or did not match the expected schema. Names the failing path, never the body. */
export class ConnectorInvalidResponseError extends ConnectorError {
  /** Dotted path of the first mismatch, e.g. `resources[0].device_id`; `(root)` for the whole body. */
  readonly path?: string;

  constructor(message: string, options: ConnectorErrorOptions & { path?: string }) {
    super(message, 'connector_invalid_response', options);
    if (options.path !== undefined) this.path = options.path;
  }
}

/** The circuit breaker is open: the product failed repeatedly, so calls fail fast without a request. */
export class ConnectorUnavailableError extends ConnectorError {
  /** Milliseconds until the breaker admits a probe request. */
  readonly retryInMs?: number;

  constructor(message: string, options: ConnectorErrorOptions & { retryInMs?: number }) {
    super(message, 'connector_unavailable', { ...options, retryable: options.retryable ?? false });
    if (options.retryInMs !== undefined) this.retryInMs = options.retryInMs;
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
