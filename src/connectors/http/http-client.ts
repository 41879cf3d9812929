import type PQueue from 'p-queue';
import type { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { AuthStrategy } from './auth.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import {
  ConnectorError,
  ConnectorAuthError,
  ConnectorInvalidResponseError,
  ConnectorTimeoutError,
  ConnectorUnavailableError,
} from './errors.js';
import { describeRequest, errorForStatus, transportError, type RequestDescription } from './error-mapping.js';
import { readRequestId } from './request-id.js';
import { backoffDelayMs, isSafeToRepeat, retryAfterFromHeaders } from './retry-policy.js';
import { untilAborted } from './token-endpoint.js';
import { joinUrl, type QueryValue } from './url.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. A 401 re-send after re-authorizing does not count. */
  maxAttempts?: number;
  /** Backoff cap of the first retry, in milliseconds; doubles per retry. Default 250. */
  baseDelayMs?: number;
  /** Largest backoff cap, in milliseconds. Default 8000. */
  maxDelayMs?: number;
  /** Time budget for one request and all its retries, in milliseconds. Default 30 000. */
  maxTotalMs?: number;
}

export interface HttpClientOptions {
  /** Product name used in errors and logs, e.g. `crowdstrike`. */
  product: string;
  /** Base URL, possibly with a path prefix, e.g. `http://127.0.0.1:4000/xdr`. */
  baseUrl: string;
  auth: AuthStrategy;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Waits between retries; inject one that resolves at once in tests. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Gets one debug line per attempt; never headers, bodies or tokens. */
  logger?: Pick<Logger, 'debug'>;
  /** Per-attempt timeout, in milliseconds. Default 15 000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  breaker?: CircuitBreaker;
  /** Shared limiter (see `createConnectorQueue`); every attempt, retries included, goes through it. */
  queue?: PQueue;
  /** Headers on every request (e.g. PagerDuty's versioned Accept); per-request headers win. */
  defaultHeaders?: Record<string, string>;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
}

export interface RequestOptions<T = unknown> {
  method: HttpMethod;
  /** Joined to the base URL's path. */
  path: string;
  /** Undefined values are dropped; arrays repeat the key (`statuses[]=a&statuses[]=b`). */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON body (sets `Content-Type: application/json`). At most one of json, form, body. */
  json?: unknown;
  /** Form body (sets `Content-Type: application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  /** Raw body; set the content type in `headers`. */
  body?: string;
  /** The request is safe to send again (e.g. a POST search). GET and HEAD always are. */
  idempotent?: boolean;
  /** How to read a success body. Default `json`; empty bodies give `undefined`. */
  responseType?: 'json' | 'text' | 'none';
  /** Validates the parsed body; a mismatch is a ConnectorInvalidResponseError naming the path. */
  schema?: z.ZodType<T>;
  /**
   * Validates the parsed body like `schema` but returns it as received, never zod's copy: for large
   * listings (thousands of records), where the copy costs more than the check. Typically a
   * strip-mode object of the fields the caller reads. Ignored when `schema` is given.
   */
  check?: z.ZodType;
  /** Per-attempt timeout for this request, in milliseconds. */
  timeoutMs?: number;
  /** Statuses treated as success in addition to 2xx (e.g. `[404]` for "absent is fine"). */
  okStatuses?: number[];
  /** Caller's cancellation; aborting rejects with the signal's reason and never retries. */
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
  /** Vendor request/trace id, when the product sent one. */
  requestId?: string;
}

/** What one attempt produced, for the retry loop to decide on. */
type AttemptOutcome<T> =
  | { kind: 'success'; response: HttpResponse<T> }
  | {
      kind: 'failure';
      error: ConnectorError;
      /** Whether the request may have reached the product (decides whether a mutating call may be re-sent). */
      mayHaveReachedServer: boolean;
      /** The product answered 401 to the request itself (not the token endpoint). */
      unauthorized: boolean;
      /** Wait the product asked for on 429/503, in milliseconds. */
      retryAfterMs?: number;
    };

interface PreparedRequest<T> {
  options: RequestOptions<T>;
  url: URL;
  description: RequestDescription;
  body: string | undefined;
  contentType: string | undefined;
}

const defaultSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * The one HTTP client behind every product connector: auth, per-attempt timeout, retries that
 * never re-send a mutating call once the product may have seen it, Retry-After, a circuit
 * breaker, a shared rate-limit queue, and status-to-error mapping in one place.
 */
export class HttpClient {
  readonly product: string;
  readonly baseUrl: string;
  private readonly auth: AuthStrategy;
  private readonly fetchFunction: typeof fetch;
  private readonly clock: Clock;
  private readonly sleep: (milliseconds: number) => Promise<void>;
  private readonly logger: Pick<Logger, 'debug'> | undefined;
  private readonly timeoutMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly queue: PQueue | undefined;
  private readonly defaultHeaders: Record<string, string>;
  private readonly random: () => number;

  constructor(options: HttpClientOptions) {
    this.product = options.product;
    this.baseUrl = options.baseUrl;
    this.auth = options.auth;
    this.fetchFunction = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? defaultSleep;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retry = {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 4),
      baseDelayMs: options.retry?.baseDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 8000,
      maxTotalMs: options.retry?.maxTotalMs ?? 30_000,
    };
    this.breaker = options.breaker;
    this.queue = options.queue;
    this.defaultHeaders = { ...options.defaultHeaders };
    this.random = options.random ?? Math.random;
    // Fail at construction, not on the first call, when the base URL is malformed.
    new URL(this.baseUrl);
  }

  async request<T = unknown>(options: RequestOptions<T>): Promise<HttpResponse<T>> {
    const prepared = this.prepare(options);
    const repeatable = isSafeToRepeat(options.method, options.idempotent);
    const startedMs = this.nowMs();
    let attemptsUsed = 0;
    let attemptNumber = 0;
    let reauthorized = false;
    for (;;) {
      attemptNumber += 1;
      const outcome = await this.enqueue(() => this.attempt(prepared, attemptNumber), options.signal);
      if (outcome.kind === 'success') return outcome.response;
      const { error } = outcome;
      // A 401 means the request was refused, so any method may be re-sent once with a fresh token.
      if (outcome.unauthorized && !reauthorized && this.auth.invalidate !== undefined) {
        reauthorized = true;
        this.auth.invalidate();
        continue;
      }
      attemptsUsed += 1;
      if (!error.retryable) throw error;
      if (outcome.mayHaveReachedServer && !repeatable) throw error;
      if (attemptsUsed >= this.retry.maxAttempts) throw error;
      const waitMs = outcome.retryAfterMs ?? backoffDelayMs(attemptsUsed - 1, this.retry, this.random);
      if (this.nowMs() - startedMs + waitMs > this.retry.maxTotalMs) throw error;
      await untilAborted(this.sleep(waitMs), options.signal);
    }
  }

  get<T = unknown>(path: string, options: Omit<RequestOptions<T>, 'method' | 'path'> = {}): Promise<HttpResponse<T>> {
    return this.request({ ...options, method: 'GET', path });
  }

  post<T = unknown>(path: string, options: Omit<RequestOptions<T>, 'method' | 'path'> = {}): Promise<HttpResponse<T>> {
    return this.request({ ...options, method: 'POST', path });
  }

  put<T = unknown>(path: string, options: Omit<RequestOptions<T>, 'method' | 'path'> = {}): Promise<HttpResponse<T>> {
    return this.request({ ...options, method: 'PUT', path });
  }

  patch<T = unknown>(path: string, options: Omit<RequestOptions<T>, 'method' | 'path'> = {}): Promise<HttpResponse<T>> {
    return this.request({ ...options, method: 'PATCH', path });
  }

  delete<T = unknown>(path: string, options: Omit<RequestOptions<T>, 'method' | 'path'> = {}): Promise<HttpResponse<T>> {
    return this.request({ ...options, method: 'DELETE', path });
  }

  private prepare<T>(options: RequestOptions<T>): PreparedRequest<T> {
    const url = joinUrl(this.baseUrl, options.path, options.query);
    const bodies = [options.json !== undefined, options.form !== undefined, options.body !== undefined].filter(Boolean).length;
    if (bodies > 1) throw new TypeError('HttpClient.request: pass at most one of json, form and body');
    let body: string | undefined;
    let contentType: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      contentType = 'application/json';
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form).toString();
      contentType = 'application/x-www-form-urlencoded';
    } else {
      body = options.body;
    }
    return { options, url, description: { product: this.product, method: options.method, path: url.pathname }, body, contentType };
  }

  private enqueue<T>(task: () => Promise<AttemptOutcome<T>>, signal: AbortSignal | undefined): Promise<AttemptOutcome<T>> {
    if (this.queue === undefined) return task();
    return this.queue.add(task, signal === undefined ? {} : { signal });
  }

  private async attempt<T>(prepared: PreparedRequest<T>, attemptNumber: number): Promise<AttemptOutcome<T>> {
    const { options, url, description } = prepared;
    const callerSignal = options.signal;
    callerSignal?.throwIfAborted();
    if (this.breaker !== undefined && !this.breaker.allow()) {
      const retryInMs = this.breaker.retryInMs();
      this.log(description, attemptNumber, { errorCode: 'connector_unavailable' });
      return {
        kind: 'failure',
        error: new ConnectorUnavailableError(`${describeRequest(description)} not sent: circuit open after repeated failures, retry in ${retryInMs} ms`, {
          product: this.product,
          retryInMs,
        }),
        mayHaveReachedServer: false,
        unauthorized: false,
      };
    }

    const headers = new Headers(this.defaultHeaders);
    if (!headers.has('accept') && (options.responseType ?? 'json') === 'json') headers.set('accept', 'application/json');
    if (prepared.contentType !== undefined) headers.set('content-type', prepared.contentType);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);

    try {
      await this.auth.authorize({ headers, url }, callerSignal);
    } catch (error) {
      if (callerSignal?.aborted === true) {
        this.breaker?.recordCancelled();
        throw callerSignal.reason;
      }
      const authError =
        error instanceof ConnectorError
          ? error
          : new ConnectorAuthError(`${describeRequest(description)} not sent: ${this.auth.name} authorization failed`, { product: this.product, cause: error });
      // The token endpoint being down says the product is unhealthy; refused credentials say nothing.
      if (authError.retryable) this.breaker?.recordFailure();
      else this.breaker?.recordCancelled();
      this.log(description, attemptNumber, { errorCode: authError.code });
      return { kind: 'failure', error: authError, mayHaveReachedServer: false, unauthorized: false };
    }

    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal === undefined ? timeoutSignal : AbortSignal.any([callerSignal, timeoutSignal]);
    const startedMs = this.nowMs();
    let response: Response;
    let bodyText: string;
    try {
      response = await this.fetchFunction(url, {
        method: options.method,
        headers,
        ...(prepared.body === undefined ? {} : { body: prepared.body }),
        signal,
        // Following a redirect would carry product credentials (e.g. X-auth-access-token) to another host.
        redirect: 'manual',
      });
      bodyText = await response.text();
    } catch (error) {
      const durationMs = this.nowMs() - startedMs;
      if (callerSignal?.aborted === true) {
        this.breaker?.recordCancelled();
        this.log(description, attemptNumber, { durationMs, errorCode: 'aborted' });
        throw callerSignal.reason;
      }
      this.breaker?.recordFailure();
      if (timeoutSignal.aborted) {
        this.log(description, attemptNumber, { durationMs, errorCode: 'connector_timeout' });
        return {
          kind: 'failure',
          error: new ConnectorTimeoutError(`${describeRequest(description)} timed out after ${timeoutMs} ms`, {
            product: this.product,
            timeoutMs,
            cause: error,
          }),
          mayHaveReachedServer: true,
          unauthorized: false,
        };
      }
      const failure = transportError(error, description);
      this.log(description, attemptNumber, { durationMs, errorCode: failure.transportCode ?? failure.code });
      return { kind: 'failure', error: failure, mayHaveReachedServer: failure.mayHaveReachedServer, unauthorized: false };
    }

    const status = response.status;
    const requestId = readRequestId(response.headers);
    this.log(description, attemptNumber, { status, durationMs: this.nowMs() - startedMs, ...(requestId === undefined ? {} : { requestId }) });
    this.auth.onResponse?.({ status, headers: response.headers, url });
    if (status >= 500) this.breaker?.recordFailure();
    else this.breaker?.recordSuccess();

    const ok = (status >= 200 && status < 300) || (options.okStatuses?.includes(status) ?? false);
    if (!ok) {
      const retryAfterMs = status === 429 || status === 503 ? retryAfterFromHeaders(response.headers, this.clock.now()) : undefined;
      const error = errorForStatus({
        ...description,
        status,
        ...(requestId === undefined ? {} : { requestId }),
        bodyText,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        secrets: this.auth.secretValues?.() ?? [],
      });
      return {
        kind: 'failure',
        error,
        mayHaveReachedServer: true,
        unauthorized: status === 401,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }

    try {
      const data = this.readBody(prepared, response, bodyText, requestId);
      return { kind: 'success', response: { status, headers: response.headers, data, ...(requestId === undefined ? {} : { requestId }) } };
    } catch (error) {
      if (!(error instanceof ConnectorInvalidResponseError)) throw error;
      return { kind: 'failure', error, mayHaveReachedServer: true, unauthorized: false };
    }
  }

  private readBody<T>(prepared: PreparedRequest<T>, response: Response, bodyText: string, requestId: string | undefined): T {
    const { options, description } = prepared;
    const responseType = options.responseType ?? 'json';
    const errorOptions = { product: this.product, status: response.status, ...(requestId === undefined ? {} : { requestId }) };
    let data: unknown;
    if (responseType === 'none') {
      data = undefined;
    } else if (responseType === 'text') {
      data = bodyText;
    } else if (bodyText.trim() === '') {
      data = undefined;
    } else {
      try {
        data = JSON.parse(bodyText);
      } catch (error) {
        const contentType = response.headers.get('content-type') ?? 'no content type';
        throw new ConnectorInvalidResponseError(`${describeRequest(description)} returned a body that is not JSON (${contentType.split(';')[0]})`, {
          ...errorOptions,
          path: '(root)',
          cause: error,
        });
      }
    }
    const validator = options.schema ?? options.check;
    if (validator === undefined) return data as T;
    const parsed = validator.safeParse(data);
    if (parsed.success) return options.schema === undefined ? (data as T) : (parsed.data as T);
    const issue = parsed.error.issues[0];
    const path = formatIssuePath(issue?.path ?? []);
    const detail = issue === undefined ? 'schema mismatch' : issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.code;
    throw new ConnectorInvalidResponseError(`${describeRequest(description)} returned an unexpected response at ${path}: ${detail}`, {
      ...errorOptions,
      path,
    });
  }

  private log(description: RequestDescription, attempt: number, fields: { status?: number; durationMs?: number; requestId?: string; errorCode?: string }): void {
    this.logger?.debug({ product: description.product, method: description.method, path: description.path, attempt, ...fields }, 'connector request');
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}

/** `resources[0].device_id` from zod's `['resources', 0, 'device_id']`; `(root)` for the whole body. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
