import { scrubSecrets } from '../../core/logger.js';
import {
  ConnectorAuthError,
  ConnectorForbiddenError,
  ConnectorNotFoundError,
  ConnectorRateLimitedError,
  ConnectorTransportError,
  ConnectorUpstreamError,
  type ConnectorError,
} from './errors.js';
import { isRetryableStatus } from './retry-policy.js';

/** Longest envelope summary kept in an error message. */
export const SUMMARY_MAX_CHARS = 200;

/** What a failing request was, for messages. `path` is the URL path only, never the query string. */
export interface RequestDescription {
  product: string;
  method: string;
  path: string;
}

export interface ResponseFailure extends RequestDescription {
  status: number;
  requestId?: string;
  /** Raw response body text; only a short summary of the product's error envelope is kept. */
  bodyText: string;
  /** For 429: how long the product asked us to wait, in milliseconds. */
  retryAfterMs?: number;
  /** Known secret values (credentials, tokens) scrubbed from the summary in case the product echoes them. */
  secrets?: readonly string[];
}

/**
 * The one place an HTTP status becomes an error class: 401 auth, 403 forbidden, 404 not found,
 * 429 rate limited, anything else upstream.
 */
export function errorForStatus(failure: ResponseFailure): ConnectorError {
  const summary = summarizeErrorEnvelope(failure.bodyText, failure.secrets ?? []);
  const message = `${describeRequest(failure)} failed with HTTP ${failure.status}${summary === undefined ? '' : `: ${summary}`}`;
  const options = {
    product: failure.product,
    status: failure.status,
    ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
    retryable: isRetryableStatus(failure.status),
  };
  switch (failure.status) {
    case 401:
      return new ConnectorAuthError(message, options);
    case 403:
      return new ConnectorForbiddenError(message, options);
    case 404:
      return new ConnectorNotFoundError(message, options);
    case 429:
      return new ConnectorRateLimitedError(message, {
        ...options,
        ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
      });
    default:
      return new ConnectorUpstreamError(message, { ...options, ...(summary === undefined ? {} : { summary }) });
  }
}

/** `crowdstrike GET /devices/queries/devices/v1`, the prefix of every connector message. */
export function describeRequest(request: RequestDescription): string {
  return `${request.product} ${request.method} ${request.path}`;
}

/**
 * A one-line summary of a product's JSON error envelope, at most 200 characters, or undefined when
 * the body is not JSON or has no recognised message. Shapes handled:
 * XDR/Entra `error_description`; CrowdStrike `errors[0].message`; Secure Endpoint
 * `errors[0].description`/`details`; FMC `error.messages[0].description`; ServiceNow and PagerDuty
 * `error.message`; Splunk `messages[0].text`; Umbrella/Conure `message`; HEC `text`.
 */
export function summarizeErrorEnvelope(bodyText: string, secrets: readonly string[] = []): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const found = envelopeMessage(body);
  if (found === undefined) return undefined;
  const oneLine = scrubSecrets(found.replace(/\s+/g, ' ').trim(), secrets);
  if (oneLine === '') return undefined;
  return oneLine.length > SUMMARY_MAX_CHARS ? `${oneLine.slice(0, SUMMARY_MAX_CHARS - 1)}…` : oneLine;
}

function envelopeMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  // XDR / IROH, Entra ID, OAuth token endpoints.
  if (typeof body.error_description === 'string') {
    return typeof body.error === 'string' ? `${body.error}: ${body.error_description}` : body.error_description;
  }
  // CrowdStrike `errors[{code,message}]`, Secure Endpoint `errors[{description,details}]`, PagerDuty Events `errors["..."]`.
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    const first: unknown = body.errors[0];
    if (isRecord(first)) {
      if (typeof first.message === 'string') return first.message;
      if (typeof first.description === 'string') {
        const details = Array.isArray(first.details) ? first.details.filter((item) => typeof item === 'string') : [];
        return details.length > 0 ? `${first.description}: ${details.join('; ')}` : first.description;
      }
    } else if (typeof first === 'string') {
      return typeof body.message === 'string' ? `${body.message}: ${first}` : first;
    }
  }
  if (isRecord(body.error)) {
    const error = body.error;
    // FMC `error.messages[0].description`.
    if (Array.isArray(error.messages) && isRecord(error.messages[0]) && typeof error.messages[0].description === 'string') {
      return error.messages[0].description;
    }
    // ServiceNow `error.message` (+ `detail`), PagerDuty REST `error.message` (+ `errors[0]`).
    if (typeof error.message === 'string') {
      if (typeof error.detail === 'string' && error.detail !== '') return `${error.message}: ${error.detail}`;
      if (Array.isArray(error.errors) && typeof error.errors[0] === 'string') return `${error.message}: ${error.errors[0]}`;
      if (typeof error.errors === 'string') return `${error.message}: ${error.errors}`;
      return error.message;
    }
  }
  // Splunk REST `messages[{type,text}]`.
  if (Array.isArray(body.messages) && isRecord(body.messages[0]) && typeof body.messages[0].text === 'string') {
    return body.messages[0].text;
  }
  if (typeof body.message === 'string') return body.message;
  if (typeof body.text === 'string') return body.text;
  if (typeof body.error === 'string') return body.error;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** System error codes that mean nothing reached the server, so any request may be sent again. */
const NOT_DELIVERED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Certificate verification failures: the TLS handshake ended before any request was sent, and
 * asking again gets the same certificate, so they are neither delivered nor worth a retry.
 */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Wraps a fetch rejection (TypeError "fetch failed" with a system error as cause) as a transport error. */
export function transportError(error: unknown, request: RequestDescription): ConnectorTransportError {
  const code = findSystemCode(error);
  const certificate = code !== undefined && CERTIFICATE_CODES.has(code);
  const reason = code === undefined ? 'connection failed' : certificate ? `TLS certificate not trusted (${code})` : code;
  return new ConnectorTransportError(`${describeRequest(request)} failed: ${reason}`, {
    product: request.product,
    retryable: !certificate,
    ...(code === undefined ? {} : { transportCode: code }),
    mayHaveReachedServer: code === undefined || !(NOT_DELIVERED_CODES.has(code) || certificate),
    cause: error,
  });
}

/** Walks `cause` chains and AggregateError members (happy-eyeballs tries several addresses) for a system code. */
function findSystemCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (Array.isArray(record.errors)) {
    for (const member of record.errors) {
      const code = findSystemCode(member, depth + 1);
      if (code !== undefined) return code;
    }
  }
  if (typeof record.code === 'string' && /^E[A-Z_]+$/.test(record.code)) return record.code;
  const nested = findSystemCode(record.cause, depth + 1);
  if (nested !== undefined) return nested;
  return typeof record.code === 'string' ? record.code : undefined;
}
