import { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock.js';
import type { AuthStrategy } from './auth.js';
import { basicCredentials } from './auth.js';
import { ConnectorAuthError } from './errors.js';
import { describeRequest } from './error-mapping.js';
import { callTokenEndpoint, untilAborted } from './token-endpoint.js';
import { CredentialCache } from './credential-cache.js';

export interface OAuth2ClientCredentialsOptions {
  product: string;
  /** Full token endpoint URL, e.g. `https://visibility.amp.cisco.com/iroh/oauth2/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, e.g. Entra's `https://api.loganalytics.io/.default`. */
  scope?: string;
  /** `basic`: Basic base64(id:secret) header (XDR, Umbrella). `body`: client_id/client_secret form fields (CrowdStrike, Entra). */
  credentials: 'basic' | 'body';
  /** Extra form fields, e.g. CrowdStrike `member_cid`. */
  extraForm?: Record<string, string>;
  /** Fetch a new token this many seconds before it expires. Default 60 (capped at half the lifetime). */
  earlyRefreshSeconds?: number;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Timeout of the token request, in milliseconds. Default 15 000. */
  timeoutMs?: number;
}

/** Minimal token response; extra fields (scope, ext_expires_in) are ignored. */
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  // Some servers send expires_in as a numeric string; OAuth2 only recommends it (RFC 6749 §5.1).
  expires_in: z.coerce.number().positive().optional(),
});

/** Lifetime assumed for a token whose response names none, in seconds: short, and a 401 re-authorizes anyway. */
const ASSUMED_LIFETIME_SECONDS = 300;

interface CachedToken {
  accessToken: string;
  /** When to stop using it, in epoch milliseconds (expiry minus the early refresh). */
  refreshAtMs: number;
}

/**
 * OAuth2 client-credentials grant (XDR, Umbrella, CrowdStrike, Entra ID, ServiceNow). Caches the
 * token by the injected clock, shares one token request between concurrent callers, and sets
 * `Authorization: Bearer <token>`. Token endpoint failures are ConnectorAuthError without secrets.
 */
export function oauth2ClientCredentials(options: OAuth2ClientCredentialsOptions): AuthStrategy {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const earlyRefreshSeconds = options.earlyRefreshSeconds ?? 60;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const tokenUrl = new URL(options.tokenUrl);
  const issuedTokens: string[] = [];

  const secretValues = (): readonly string[] => [options.clientSecret, basicCredentials(options.clientId, options.clientSecret), ...issuedTokens];

  async function fetchToken(): Promise<CachedToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope !== undefined) form.set('scope', options.scope);
    const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
    if (options.credentials === 'basic') {
      headers.set('authorization', `Basic ${basicCredentials(options.clientId, options.clientSecret)}`);
    } else {
      form.set('client_id', options.clientId);
      form.set('client_secret', options.clientSecret);
    }
    for (const [key, value] of Object.entries(options.extraForm ?? {})) form.set(key, value);
    const response = await callTokenEndpoint({
      product: options.product,
      url: tokenUrl,
      headers,
      body: form.toString(),
      fetch: fetchFunction,
      timeoutMs,
      okStatuses: [200, 201],
      secrets: secretValues(),
    });
    const parsed = tokenResponseSchema.safeParse(parseJson(response.bodyText));
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') || '(root)';
      throw new ConnectorAuthError(
        `${describeRequest({ product: options.product, method: 'POST', path: tokenUrl.pathname })}: token response invalid at ${field}`,
        { product: options.product, status: response.status },
      );
    }
    const { access_token: accessToken } = parsed.data;
    const expiresInSeconds = parsed.data.expires_in ?? ASSUMED_LIFETIME_SECONDS;
    issuedTokens.push(accessToken);
    if (issuedTokens.length > 3) issuedTokens.shift();
    const earlySeconds = Math.min(earlyRefreshSeconds, expiresInSeconds / 2);
    return { accessToken, refreshAtMs: clock.now().getTime() + (expiresInSeconds - earlySeconds) * 1000 };
  }

  const cache = new CredentialCache<CachedToken>(fetchToken, (token) => clock.now().getTime() < token.refreshAtMs);

  return {
    name: 'oauth2-client-credentials',
    async authorize(request, signal) {
      const token = await untilAborted(cache.get(), signal);
      request.headers.set('authorization', `Bearer ${token.accessToken}`);
    },
    invalidate() {
      cache.invalidate();
    },
    secretValues,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
