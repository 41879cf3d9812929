/** The request an auth strategy decorates: set headers on it (the URL is for strategies that sign it). */
export interface AuthRequest {
  headers: Headers;
  url: URL;
}

/** What the client tells a strategy about each response, e.g. for products that rotate tokens in headers. */
export interface AuthResponse {
  status: number;
  headers: Headers;
  url: URL;
}

/**
 * How one product authenticates. `HttpClient` calls `authorize` before every attempt, and on a 401
 * calls `invalidate` then `authorize` again and re-sends once. Strategies without `invalidate`
 * (static credentials) are not re-sent: the same credentials would be refused again.
 */
export interface AuthStrategy {
  /** Short name for logs, e.g. `oauth2-client-credentials`. */
  readonly name: string;
  /** Sets the credentials on the outgoing request, fetching or refreshing a token if needed. */
  authorize(request: AuthRequest, signal?: AbortSignal): Promise<void>;
  /** Drops any cached token, so the next `authorize` fetches a new one. */
  invalidate?(): void;
  /** Extra response hook (every response of every attempt), for strategies that read response headers. */
  onResponse?(response: AuthResponse): void;
  /** Secret values (credentials, current tokens) the client scrubs from error summaries. */
  secretValues?(): readonly string[];
}

/** HTTP Basic (`Authorization: Basic base64(user:password)`), e.g. Secure Endpoint v1, ServiceNow. */
export function basicAuth(username: string, password: string): AuthStrategy {
  const value = `Basic ${basicCredentials(username, password)}`;
  return {
    name: 'basic',
    authorize: async (request) => {
      request.headers.set('authorization', value);
    },
    secretValues: () => [password, value.slice('Basic '.length)],
  };
}

/**
 * One fixed header, e.g. `Authorization: Splunk <token>`, `Authorization: Bearer <token>`,
 * PagerDuty `Authorization: Token token=<key>`. The whole value is treated as secret.
 */
export function staticHeader(name: string, value: string): AuthStrategy {
  const secret = value.replace(/^(Bearer|Splunk|Token token=|Basic)\s*/i, '');
  return {
    name: 'static-header',
    authorize: async (request) => {
      request.headers.set(name, value);
    },
    secretValues: () => [value, secret],
  };
}

/** No credentials on the request (e.g. PagerDuty Events, where the routing key is in the body). */
export function noAuth(): AuthStrategy {
  return { name: 'none', authorize: async () => undefined };
}

/** base64(`username:password`) for a Basic header. */
export function basicCredentials(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

export { oauth2ClientCredentials, type OAuth2ClientCredentialsOptions } from './oauth2-client-credentials.js';
export { fmcTokenAuth, type FmcTokenAuth, type FmcTokenAuthOptions } from './fmc-token-auth.js';
