import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../src/core/clock.js';
import { ConnectorAuthError, HttpClient, oauth2ClientCredentials, type OAuth2ClientCredentialsOptions } from '../../../../src/connectors/http/index.js';
import { capturingLogger, rejectionOf } from './helpers.js';
import { recordingSleep, startScriptedServer, type RecordedRequest, type ScriptedReply, type ScriptedServer } from './scripted-server.js';

const CLIENT_ID = 'client-0f1e2d3c';
const CLIENT_SECRET = 'sup3r-s3cret-client-password';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/**
 * An OAuth server plus an API: issues `token-<n>` valid for `expiresIn` seconds of the scripted
 * clock, and the API answers 401 to anything but the newest token.
 */
async function startOAuthProduct(options: { tokenStatus?: number; expiresIn?: number; tokenReply?: (request: RecordedRequest) => ScriptedReply | undefined } = {}) {
  let issued = 0;
  const server = await startScriptedServer((request) => {
    if (request.path === '/iroh/oauth2/token') {
      const scripted = options.tokenReply?.(request);
      if (scripted !== undefined) return scripted;
      issued += 1;
      return { status: options.tokenStatus ?? 200, json: { access_token: `token-${issued}`, token_type: 'bearer', expires_in: options.expiresIn ?? 600, scope: 'enrich:read' } };
    }
    return request.headers.authorization === `Bearer token-${issued}` ? { status: 200, json: { data: [] } } : { status: 401, json: { error: 'invalid_token', error_description: 'expired' } };
  });
  servers.push(server);
  return { server, tokenRequests: () => server.requestsTo('/iroh/oauth2/token'), apiRequests: () => server.journal.filter((entry) => entry.path !== '/iroh/oauth2/token') };
}

function authFor(server: ScriptedServer, overrides: Partial<OAuth2ClientCredentialsOptions> = {}) {
  return oauth2ClientCredentials({
    product: 'xdr',
    tokenUrl: `${server.url}/iroh/oauth2/token`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    credentials: 'basic',
    ...overrides,
  });
}

describe('oauth2ClientCredentials', () => {
  it('posts grant_type=client_credentials with Basic credentials, caches and reuses the token', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    const { server, tokenRequests, apiRequests } = await startOAuthProduct();
    const client = new HttpClient({ product: 'xdr', baseUrl: `${server.url}/iroh`, auth: authFor(server, { clock, scope: 'enrich:read inspect:read' }), clock });
    await client.get('/enrich/observe/observables');
    await client.get('/enrich/observe/observables');
    clock.advance(500_000);
    await client.get('/enrich/observe/observables');
    expect(tokenRequests()).toHaveLength(1);
    const [tokenRequest] = tokenRequests();
    expect(tokenRequest?.method).toBe('POST');
    expect(tokenRequest?.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(tokenRequest?.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe('enrich:read inspect:read');
    expect(form.has('client_secret')).toBe(false);
    expect(apiRequests().map((entry) => entry.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1']);
  });

  it('refreshes early: earlyRefreshSeconds before expires_in by the injected clock', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    const { server, tokenRequests } = await startOAuthProduct({ expiresIn: 600 });
    const auth = authFor(server, { clock, earlyRefreshSeconds: 60 });
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth, clock });
    await client.get('/api');
    clock.advance(539_000);
    await client.get('/api');
    expect(tokenRequests()).toHaveLength(1);
    clock.advance(1_000);
    await client.get('/api');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('assumes a short lifetime (300 s) for a token response without expires_in, which OAuth2 only recommends', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    let issued = 0;
    const server = await startScriptedServer((request) => {
      if (request.path === '/iroh/oauth2/token') return { status: 200, json: { access_token: `token-${(issued += 1)}`, token_type: 'Bearer' } };
      return { status: 200, json: {} };
    });
    servers.push(server);
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth: authFor(server, { clock, earlyRefreshSeconds: 60 }), clock });
    await client.get('/api');
    clock.advance(239_000);
    await client.get('/api');
    expect(issued).toBe(1);
    clock.advance(1_000);
    await client.get('/api');
    expect(issued).toBe(2);
  });

  it('shares one token request between concurrent callers', async () => {
    const { server, tokenRequests, apiRequests } = await startOAuthProduct();
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth: authFor(server) });
    await Promise.all(Array.from({ length: 5 }, () => client.get('/api')));
    expect(tokenRequests()).toHaveLength(1);
    expect(apiRequests()).toHaveLength(5);
  });

  it('on a 401 drops the token, fetches a new one and succeeds', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    let revoked = false;
    let issued = 0;
    const server = await startScriptedServer((request) => {
      if (request.path === '/iroh/oauth2/token') {
        issued += 1;
        return { status: 200, json: { access_token: `token-${issued}`, token_type: 'bearer', expires_in: 600 } };
      }
      if (revoked && request.headers.authorization === 'Bearer token-1') return { status: 401, json: {} };
      return { status: 200, json: { ok: true } };
    });
    servers.push(server);
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth: authFor(server, { clock }), clock });
    await client.get('/api');
    revoked = true;
    const response = await client.post('/response/respond/trigger', { json: {} });
    expect(response.data).toEqual({ ok: true });
    expect(server.requestsTo('/iroh/oauth2/token')).toHaveLength(2);
    expect(server.requestsTo('/response/respond/trigger').map((entry) => entry.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('accepts a CrowdStrike-style 201 token with credentials in the form body and extra form fields', async () => {
    let issued = 0;
    const server = await startScriptedServer((request): ScriptedReply => {
      if (request.path === '/oauth2/token') {
        issued += 1;
        return { status: 201, json: { access_token: `cs-token-${issued}`, token_type: 'bearer', expires_in: 1799 }, headers: { 'X-Cs-Region': 'us-2' } };
      }
      return { status: 200, json: { meta: {}, resources: ['device-1'], errors: [] }, headers: { 'X-Cs-Traceid': 'trace-9' } };
    });
    servers.push(server);
    const auth = oauth2ClientCredentials({
      product: 'crowdstrike',
      tokenUrl: `${server.url}/oauth2/token`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      credentials: 'body',
      extraForm: { member_cid: 'child-cid' },
    });
    const client = new HttpClient({ product: 'crowdstrike', baseUrl: server.url, auth });
    const response = await client.get('/devices/queries/devices/v1');
    expect(response.requestId).toBe('trace-9');
    const [tokenRequest] = server.requestsTo('/oauth2/token');
    expect(tokenRequest?.headers.authorization).toBeUndefined();
    const form = new URLSearchParams(tokenRequest?.body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, member_cid: 'child-cid' });
    expect(server.requestsTo('/devices/queries/devices/v1')[0]?.headers.authorization).toBe('Bearer cs-token-1');
  });

  it('token endpoint 401 is ConnectorAuthError naming the endpoint, without the secret, and the API is never called', async () => {
    const { server, apiRequests } = await startOAuthProduct({
      tokenReply: () => ({ status: 401, json: { error: 'invalid_client', error_description: `bad secret ${CLIENT_SECRET}` } }),
    });
    const capture = capturingLogger();
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth: authFor(server), logger: capture.logger, sleep: recordingSleep().sleep });
    const error = await rejectionOf(client.get('/api'));
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as ConnectorAuthError).status).toBe(401);
    expect((error as ConnectorAuthError).retryable).toBe(false);
    expect((error as Error).message).toBe('xdr POST /iroh/oauth2/token: token request refused with HTTP 401: invalid_client: bad secret [REDACTED]');
    expect(apiRequests()).toHaveLength(0);
    expect(capture.lines.join('')).not.toContain(CLIENT_SECRET);
  });

  it('token endpoint 400 is ConnectorAuthError too', async () => {
    const { server } = await startOAuthProduct({ tokenReply: () => ({ status: 400, json: { error: 'invalid_scope' } }) });
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth: authFor(server) });
    const error = await rejectionOf(client.get('/api'));
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).toBe('xdr POST /iroh/oauth2/token: token request refused with HTTP 400: invalid_scope');
  });

  it('a token response without access_token names the field, never the body', async () => {
    const { server } = await startOAuthProduct({ tokenReply: () => ({ status: 200, json: { token: 'leaky-token-value', expires_in: 600 } }) });
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth: authFor(server) });
    const error = await rejectionOf(client.get('/api'));
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).toBe('xdr POST /iroh/oauth2/token: token response invalid at access_token');
  });

  it('a failing token endpoint (503) is retried for any method, since the request itself was never sent', async () => {
    let calls = 0;
    const { server, apiRequests } = await startOAuthProduct({ tokenReply: () => (calls++ === 0 ? { status: 503, json: {} } : undefined) });
    const recorder = recordingSleep();
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth: authFor(server), sleep: recorder.sleep });
    await client.post('/api', { json: {} });
    expect(recorder.waits).toHaveLength(1);
    expect(apiRequests()).toHaveLength(1);
  });

  it('never puts the secret or any issued token in an error message', async () => {
    const { server } = await startOAuthProduct();
    const upstream = await startScriptedServer(() => ({ status: 500, json: { error: { message: 'echo: Bearer token-1', detail: CLIENT_SECRET } } }));
    servers.push(upstream);
    const auth = authFor(server);
    const client = new HttpClient({ product: 'xdr', baseUrl: upstream.url, auth, retry: { maxAttempts: 1 } });
    const error = await rejectionOf(client.get('/api'));
    expect((error as Error).message).not.toContain('token-1');
    expect((error as Error).message).not.toContain(CLIENT_SECRET);
    expect((error as Error).message).toContain('echo: Bearer [REDACTED]');
  });
});
