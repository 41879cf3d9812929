import { systemClock, type Clock } from '../../core/clock.js';
import type { AuthStrategy } from './auth.js';
import { basicCredentials } from './auth.js';
import { ConnectorAuthError } from './errors.js';
import { describeRequest } from './error-mapping.js';
import { callTokenEndpoint, untilAborted } from './token-endpoint.js';
import { joinUrl } from './url.js';
import { CredentialCache } from './credential-cache.js';

export const FMC_GENERATE_TOKEN_PATH = '/api/fmc_platform/v1/auth/generatetoken';
export const FMC_REFRESH_TOKEN_PATH = '/api/fmc_platform/v1/auth/refreshtoken';
/** FMC access tokens live 30 minutes. */
export const FMC_TOKEN_LIFETIME_MS = 30 * 60_000;
/** FMC allows three refreshes of a token; after that, generate a new one. */
export const FMC_MAX_REFRESHES = 3;

export interface FmcTokenAuthOptions {
  product: string;
  /** FMC origin, e.g. `https://fmc.example.com` (may carry a path prefix). */
  baseUrl: string;
  username: string;
  password: string;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Timeout of each token request, in milliseconds. Default 15 000. */
  timeoutMs?: number;
  /** Refresh this many seconds before the 30-minute lifetime ends. Default 60. */
  earlyRefreshSeconds?: number;
}

export interface FmcTokenAuth extends AuthStrategy {
  /** The `DOMAIN_UUID` FMC returned with the last token; undefined before the first `authorize`. */
  domainUuid(): string | undefined;
  /** Authenticates if needed and returns the domain UUID that prefixes every config path. */
  resolveDomainUuid(signal?: AbortSignal): Promise<string>;
}

interface FmcSession {
  accessToken: string;
  refreshToken: string;
  domainUuid: string | undefined;
  /** When to refresh, in epoch milliseconds. */
  refreshAtMs: number;
  /** Refreshes used on this session (at most FMC_MAX_REFRESHES). */
  refreshes: number;
}

/** The Global domain's UUID from the `DOMAINS` header (`[{"name":"Global","uuid":"…"}, …]`) or the `global` header. */
function globalDomainFrom(headers: Headers): string | undefined {
  try {
    const domains = JSON.parse(headers.get('domains') ?? '[]') as Array<{ name?: unknown; uuid?: unknown }>;
    const global = Array.isArray(domains) ? domains.find((domain) => domain.name === 'Global') : undefined;
    if (typeof global?.uuid === 'string' && global.uuid !== '') return global.uuid;
  } catch {
    // Not JSON: fall through to the `global` header.
  }
  return headers.get('global') ?? undefined;
}

/**
 * Secure Firewall Management Center token auth: POST generatetoken with Basic, read the tokens
 * from the 204's headers, send `X-auth-access-token` on every call; refresh up to three times
 * (sending both tokens), then generate a new token. Concurrent callers share one token request.
 */
export function fmcTokenAuth(options: FmcTokenAuthOptions): FmcTokenAuth {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const earlyRefreshMs = (options.earlyRefreshSeconds ?? 60) * 1000;
  // Declared before use by secretValues(); assigned once the token functions exist.
  let cache: CredentialCache<FmcSession> | undefined;
  const secretValues = (): readonly string[] => {
    const values = [options.password, basicCredentials(options.username, options.password)];
    const session = cache?.peek();
    if (session !== undefined) values.push(session.accessToken, session.refreshToken);
    return values;
  };

  function sessionFrom(headers: Headers, previous: FmcSession | undefined, refreshes: number, path: string): FmcSession {
    const accessToken = headers.get('x-auth-access-token');
    if (accessToken === null || accessToken === '') {
      throw new ConnectorAuthError(`${describeRequest({ product: options.product, method: 'POST', path })}: no X-auth-access-token in the response`, {
        product: options.product,
      });
    }
    return {
      accessToken,
      refreshToken: headers.get('x-auth-refresh-token') ?? previous?.refreshToken ?? '',
      domainUuid: headers.get('domain_uuid') ?? globalDomainFrom(headers) ?? previous?.domainUuid,
      refreshAtMs: clock.now().getTime() + FMC_TOKEN_LIFETIME_MS - earlyRefreshMs,
      refreshes,
    };
  }

  async function generate(): Promise<FmcSession> {
    const url = joinUrl(options.baseUrl, FMC_GENERATE_TOKEN_PATH);
    const response = await callTokenEndpoint({
      product: options.product,
      url,
      headers: new Headers({ authorization: `Basic ${basicCredentials(options.username, options.password)}` }),
      fetch: fetchFunction,
      timeoutMs,
      okStatuses: [200, 201, 204],
      secrets: secretValues(),
    });
    return sessionFrom(response.headers, undefined, 0, url.pathname);
  }

  async function refresh(current: FmcSession): Promise<FmcSession> {
    const url = joinUrl(options.baseUrl, FMC_REFRESH_TOKEN_PATH);
    try {
      const response = await callTokenEndpoint({
        product: options.product,
        url,
        headers: new Headers({ 'x-auth-access-token': current.accessToken, 'x-auth-refresh-token': current.refreshToken }),
        fetch: fetchFunction,
        timeoutMs,
        okStatuses: [200, 201, 204],
        secrets: secretValues(),
      });
      return sessionFrom(response.headers, current, current.refreshes + 1, url.pathname);
    } catch (error) {
      // A refused refresh (token already revoked, e.g. by another login) is recoverable: start over.
      if (error instanceof ConnectorAuthError && !error.retryable) return generate();
      throw error;
    }
  }

  cache = new CredentialCache<FmcSession>(
    (previous) => (previous !== undefined && previous.refreshes < FMC_MAX_REFRESHES ? refresh(previous) : generate()),
    (session) => clock.now().getTime() < session.refreshAtMs,
  );
  const sessions = cache;

  return {
    name: 'fmc-token',
    async authorize(request, signal) {
      const current = await untilAborted(sessions.get(), signal);
      request.headers.set('x-auth-access-token', current.accessToken);
    },
    invalidate() {
      sessions.invalidate();
    },
    domainUuid: () => sessions.peek()?.domainUuid,
    async resolveDomainUuid(signal) {
      const current = await untilAborted(sessions.get(), signal);
      if (current.domainUuid === undefined) {
        throw new ConnectorAuthError(`${options.product} POST ${FMC_GENERATE_TOKEN_PATH}: no DOMAIN_UUID in the token response`, {
          product: options.product,
        });
      }
      return current.domainUuid;
    },
    secretValues,
  };
}
