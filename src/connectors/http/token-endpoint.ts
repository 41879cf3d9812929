import { ConnectorAuthError, ConnectorTimeoutError, type ConnectorError } from './errors.js';
import { describeRequest, summarizeErrorEnvelope, transportError } from './error-mapping.js';
import { readRequestId } from './request-id.js';
import { isRetryableStatus } from './retry-policy.js';

export interface TokenEndpointCall {
  product: string;
  url: URL;
  headers: Headers;
  body?: string;
  fetch: typeof fetch;
  /** Timeout of the token request, in milliseconds. */
  timeoutMs: number;
  /** Statuses that count as success. */
  okStatuses: readonly number[];
  /** Secret values to keep out of messages. */
  secrets: readonly string[];
}

export interface TokenEndpointResponse {
  status: number;
  headers: Headers;
  bodyText: string;
}

/**
 * POSTs to a token endpoint. Any failure becomes a ConnectorAuthError (retryable when transient:
 * transport other than a refused certificate, timeout, 408/429/5xx) whose message names product, method and path, plus the
 * product's error summary scrubbed of the credentials; never the response body itself.
 * Not tied to any one caller's signal: the token request may be shared by several callers.
 */
export async function callTokenEndpoint(call: TokenEndpointCall): Promise<TokenEndpointResponse> {
  const description = { product: call.product, method: 'POST', path: call.url.pathname };
  let response: Response;
  let bodyText: string;
  try {
    response = await call.fetch(call.url, {
      method: 'POST',
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    bodyText = await response.text();
  } catch (error) {
    const underlying: ConnectorError =
      error instanceof DOMException && error.name === 'TimeoutError'
        ? new ConnectorTimeoutError(`${describeRequest(description)} timed out after ${call.timeoutMs} ms`, {
            product: call.product,
            timeoutMs: call.timeoutMs,
            cause: error,
          })
        : transportError(error, description);
    throw new ConnectorAuthError(`${describeRequest(description)}: token request failed: ${underlying.message}`, {
      product: call.product,
      // Transient (retry) unless the product's certificate was refused: asking again meets the same one.
      retryable: underlying.retryable,
      cause: underlying,
    });
  }
  if (!call.okStatuses.includes(response.status)) {
    const summary = summarizeErrorEnvelope(bodyText, call.secrets);
    const requestId = readRequestId(response.headers);
    throw new ConnectorAuthError(
      `${describeRequest(description)}: token request refused with HTTP ${response.status}${summary === undefined ? '' : `: ${summary}`}`,
      {
        product: call.product,
        status: response.status,
        ...(requestId === undefined ? {} : { requestId }),
        retryable: isRetryableStatus(response.status) && response.status !== 409,
      },
    );
  }
  return { status: response.status, headers: response.headers, bodyText };
}

/** Waits for a shared promise, but lets one caller give up early through its own signal. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
