import { z } from 'zod';
import type { AuthStrategy } from '../http/index.js';
import { ConnectorAuthError } from '../http/index.js';
import { callTokenEndpoint, untilAborted } from '../http/token-endpoint.js';
import { joinUrl } from '../http/index.js';
import { CredentialCache } from '../http/credential-cache.js';

export const SPLUNK_LOGIN_PATH = '/services/auth/login';

export interface SplunkSessionAuthOptions {
  product: string;
  /** Management URL, e.g. `https://splunk.example.com:8089` (may carry a path prefix). */
  baseUrl: string;
  username: string;
  password: string;
  fetch?: typeof fetch;
  /** Timeout of the login request, in milliseconds. Default 15 000. */
  timeoutMs?: number;
}

const loginSchema = z.object({ sessionKey: z.string().min(1) }).loose();

/**
 * Splunk session login: POST /services/auth/login (form username, password, output_mode=json)
 * returns a sessionKey sent as `Authorization: Splunk <sessionKey>`. Session keys idle-expire
 * with no stated lifetime, so the key is kept until a 401, when HttpClient calls `invalidate`
 * and the next request logs in again. Concurrent callers share one login.
 */
export function splunkSessionAuth(options: SplunkSessionAuthOptions): AuthStrategy {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  let cache: CredentialCache<string> | undefined;
  const secretValues = (): readonly string[] => {
    const sessionKey = cache?.peek();
    return sessionKey === undefined ? [options.password] : [options.password, sessionKey];
  };

  async function login(): Promise<string> {
    const url = joinUrl(options.baseUrl, SPLUNK_LOGIN_PATH);
    const response = await callTokenEndpoint({
      product: options.product,
      url,
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }),
      body: new URLSearchParams({ username: options.username, password: options.password, output_mode: 'json' }).toString(),
      fetch: fetchFunction,
      timeoutMs: options.timeoutMs ?? 15_000,
      okStatuses: [200],
      secrets: secretValues(),
    });
    let parsed: z.infer<typeof loginSchema> | undefined;
    try {
      parsed = loginSchema.parse(JSON.parse(response.bodyText));
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      throw new ConnectorAuthError(`${options.product} POST ${url.pathname}: the login response carried no sessionKey`, { product: options.product, status: response.status });
    }
    return parsed.sessionKey;
  }

  // Session keys have no stated lifetime: kept until a 401 makes HttpClient invalidate them.
  cache = new CredentialCache<string>(() => login());
  const keys = cache;

  return {
    name: 'splunk-session',
    async authorize(request, signal) {
      request.headers.set('authorization', `Splunk ${await untilAborted(keys.get(), signal)}`);
    },
    invalidate() {
      keys.invalidate();
    },
    secretValues,
  };
}
