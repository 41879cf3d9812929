export {
  ConnectorError,
  ConnectorAuthError,
  ConnectorForbiddenError,
  ConnectorNotFoundError,
  ConnectorRateLimitedError,
  ConnectorUpstreamError,
  ConnectorTimeoutError,
  ConnectorTransportError,
  ConnectorInvalidResponseError,
  ConnectorUnavailableError,
  isConnectorError,
  type ConnectorErrorOptions,
} from './errors.js';
export {
  basicAuth,
  basicCredentials,
  staticHeader,
  noAuth,
  oauth2ClientCredentials,
  fmcTokenAuth,
  type AuthStrategy,
  type AuthRequest,
  type AuthResponse,
  type OAuth2ClientCredentialsOptions,
  type FmcTokenAuth,
  type FmcTokenAuthOptions,
} from './auth.js';
export { FMC_GENERATE_TOKEN_PATH, FMC_REFRESH_TOKEN_PATH, FMC_TOKEN_LIFETIME_MS, FMC_MAX_REFRESHES } from './fmc-token-auth.js';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
export { createConnectorQueue, type ConnectorQueueOptions } from './rate-limit.js';
export {
  HttpClient,
  formatIssuePath,
  type HttpClientOptions,
  type HttpMethod,
  type HttpResponse,
  type RequestOptions,
  type RetryOptions,
} from './http-client.js';
export { errorForStatus, summarizeErrorEnvelope, describeRequest, SUMMARY_MAX_CHARS, type RequestDescription, type ResponseFailure } from './error-mapping.js';
export { parseRetryAfter, retryAfterFromHeaders, backoffDelayMs, isRetryableStatus, isSafeToRepeat, type BackoffOptions } from './retry-policy.js';
export { readRequestId, REQUEST_ID_HEADERS } from './request-id.js';
export { joinUrl, type QueryValue } from './url.js';
export { unverifiedTlsFetch } from './unverified-tls-fetch.js';
