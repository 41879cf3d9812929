import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../../../../src/core/clock.js';
import {
  CircuitBreaker,
  ConnectorAuthError,
  ConnectorForbiddenError,
  ConnectorInvalidResponseError,
  ConnectorNotFoundError,
  ConnectorRateLimitedError,
  ConnectorTimeoutError,
  ConnectorTransportError,
  ConnectorUnavailableError,
  ConnectorUpstreamError,
  HttpClient,
  basicAuth,
  noAuth,
  staticHeader,
  type HttpClientOptions,
} from '../../../../src/connectors/http/index.js';
import { capturingLogger, rejectionOf } from './helpers.js';
import { closedPort, inSequence, recordingSleep, startScriptedServer, type ScriptedHandler, type ScriptedServer } from './scripted-server.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: ScriptedHandler, options: { port?: number } = {}) {
  const server = await startScriptedServer(handler, options);
  servers.push(server);
  return server;
}

function clientFor(baseUrl: string, overrides: Partial<HttpClientOptions> = {}) {
  const recorder = recordingSleep();
  const client = new HttpClient({ product: 'testproduct', baseUrl, auth: noAuth(), sleep: recorder.sleep, random: () => 0.5, ...overrides });
  return { client, waits: recorder.waits };
}

describe('HttpClient: requests and responses', () => {
  it('joins a base path prefix, encodes repeated array query keys and sends a JSON body', async () => {
    const server = await serve(() => ({ status: 200, json: { ok: true } }));
    const { client } = clientFor(`${server.url}/xdr/`);
    const response = await client.request({
      method: 'POST',
      path: '/iroh/private-intel/incident/search',
      query: { 'statuses[]': ['triggered', 'acknowledged'], limit: 25, total: true, skipped: undefined },
      json: { query: 'x' },
      idempotent: true,
    });
    expect(response.data).toEqual({ ok: true });
    const [received] = server.journal;
    expect(received?.path).toBe('/xdr/iroh/private-intel/incident/search');
    expect(received?.query.getAll('statuses[]')).toEqual(['triggered', 'acknowledged']);
    expect(received?.query.get('limit')).toBe('25');
    expect(received?.query.get('total')).toBe('true');
    expect(received?.query.has('skipped')).toBe(false);
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers.accept).toBe('application/json');
    expect(JSON.parse(received?.body ?? '')).toEqual({ query: 'x' });
  });

  it('sends form bodies, default headers and static auth headers (per-request headers win)', async () => {
    const server = await serve(() => ({ status: 200, json: {} }));
    const { client } = clientFor(server.url, {
      auth: staticHeader('Authorization', 'Token token=pd-key-1234'),
      defaultHeaders: { Accept: 'application/vnd.pagerduty+json;version=2', From: 'a@example.com' },
    });
    await client.post('/x', { form: { a: '1', b: 'two words' }, headers: { From: 'b@example.com' } });
    const [received] = server.journal;
    expect(received?.headers.authorization).toBe('Token token=pd-key-1234');
    expect(received?.headers.accept).toBe('application/vnd.pagerduty+json;version=2');
    expect(received?.headers.from).toBe('b@example.com');
    expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received?.body).toBe('a=1&b=two+words');
  });

  it('sends Basic credentials', async () => {
    const server = await serve(() => ({ status: 200, json: {} }));
    const { client } = clientFor(server.url, { auth: basicAuth('client-id', 'api-key-secret') });
    await client.get('/v1/computers');
    expect(server.journal[0]?.headers.authorization).toBe(`Basic ${Buffer.from('client-id:api-key-secret').toString('base64')}`);
  });

  it('gives undefined data for 204 and empty bodies, text for responseType text', async () => {
    const server = await serve(inSequence({ status: 204 }, { status: 200, body: '' }, { status: 200, body: 'plain words' }));
    const { client } = clientFor(server.url);
    expect((await client.request({ method: 'DELETE', path: '/a' })).data).toBeUndefined();
    expect((await client.get('/b')).data).toBeUndefined();
    expect((await client.get('/c', { responseType: 'text' })).data).toBe('plain words');
  });

  it('reads the request id case-insensitively from vendor headers', async () => {
    const server = await serve(inSequence({ status: 200, json: {}, headers: { 'X-Cs-Traceid': 'cs-trace-1' } }, { status: 404, json: {}, headers: { 'X-Request-Id': 'se-req-2' } }));
    const { client } = clientFor(server.url);
    expect((await client.get('/a')).requestId).toBe('cs-trace-1');
    const error = await rejectionOf(client.get('/b'));
    expect(error).toBeInstanceOf(ConnectorNotFoundError);
    expect((error as ConnectorNotFoundError).requestId).toBe('se-req-2');
  });

  it('treats okStatuses as success', async () => {
    const server = await serve(() => ({ status: 404, json: { result: [] } }));
    const { client } = clientFor(server.url);
    const response = await client.get('/table/incident/abc', { okStatuses: [404] });
    expect(response.status).toBe(404);
  });

  it('maps statuses in one place: 403 forbidden, 404 not found, other 4xx upstream with the envelope summary', async () => {
    const server = await serve((request) => {
      if (request.path === '/forbidden') return { status: 403, json: { errors: [{ code: 403, message: 'access denied, authorization failed' }] } };
      if (request.path === '/missing') return { status: 404, json: { error: { message: 'No Record found', detail: 'ACL' }, status: 'failure' } };
      return { status: 400, json: { error: { category: 'FRAMEWORK', messages: [{ description: 'Duplicate Name detected for object: BLOCK-NET-1' }], severity: 'ERROR' } } };
    });
    const { client } = clientFor(server.url);
    const forbidden = await rejectionOf(client.get('/forbidden', { query: { filter: 'hostname:x' } }));
    expect(forbidden).toBeInstanceOf(ConnectorForbiddenError);
    expect((forbidden as ConnectorForbiddenError).code).toBe('connector_forbidden');
    expect((forbidden as Error).message).toBe('testproduct GET /forbidden failed with HTTP 403: access denied, authorization failed');
    expect(await rejectionOf(client.get('/missing'))).toBeInstanceOf(ConnectorNotFoundError);
    const upstream = await rejectionOf(client.post('/object/networks', { json: {} }));
    expect(upstream).toBeInstanceOf(ConnectorUpstreamError);
    expect((upstream as ConnectorUpstreamError).status).toBe(400);
    expect((upstream as ConnectorUpstreamError).retryable).toBe(false);
    expect((upstream as ConnectorUpstreamError).exitCode).toBe(1);
    expect((upstream as Error).message).toContain('Duplicate Name detected for object: BLOCK-NET-1');
  });

  it('rejects a non-JSON body when JSON was expected, without dumping it', async () => {
    const server = await serve(() => ({ status: 200, body: '<html>login page secret-ish</html>', headers: { 'content-type': 'text/html' } }));
    const { client } = clientFor(server.url);
    const error = await rejectionOf(client.get('/a'));
    expect(error).toBeInstanceOf(ConnectorInvalidResponseError);
    expect((error as Error).message).toBe('testproduct GET /a returned a body that is not JSON (text/html)');
  });

  it('schema mismatch is ConnectorInvalidResponseError naming the failing path, not the values', async () => {
    const server = await serve(() => ({ status: 200, json: { meta: {}, resources: [{ device_id: 'abc' }, { device_id: 42 }] } }));
    const { client } = clientFor(server.url);
    const schema = z.object({ resources: z.array(z.object({ device_id: z.string() })) });
    const error = await rejectionOf(client.get('/devices/entities/devices/v2', { schema }));
    expect(error).toBeInstanceOf(ConnectorInvalidResponseError);
    expect((error as ConnectorInvalidResponseError).path).toBe('resources[1].device_id');
    expect((error as Error).message).toBe('testproduct GET /devices/entities/devices/v2 returned an unexpected response at resources[1].device_id: expected string');
    expect((error as Error).message).not.toContain('42');
  });

  it('returns schema-parsed data, tolerant of extra fields', async () => {
    const server = await serve(() => ({ status: 200, json: { resources: ['a', 'b'], meta: { trace_id: 't' } } }));
    const { client } = clientFor(server.url);
    const response = await client.get('/q', { schema: z.object({ resources: z.array(z.string()) }) });
    expect(response.data.resources).toEqual(['a', 'b']);
  });

  it('check validates like schema but returns the body as received (unknown fields kept, nothing copied)', async () => {
    const server = await serve(inSequence(
      { status: 200, json: { resources: [{ device_id: 'a', extra: { nested: 1 } }], meta: { trace_id: 't' } } },
      { status: 200, json: { resources: [{ device_id: 7 }] } },
    ));
    const { client } = clientFor(server.url);
    // Strip mode would drop `extra` and `meta` from a parsed copy; a check keeps what the product sent.
    const check = z.object({ resources: z.array(z.object({ device_id: z.string() })) });
    const response = await client.get<{ resources: Array<Record<string, unknown>>; meta: unknown }>('/q', { check });
    expect(response.data).toEqual({ resources: [{ device_id: 'a', extra: { nested: 1 } }], meta: { trace_id: 't' } });
    const error = await rejectionOf(client.get('/q', { check }));
    expect(error).toBeInstanceOf(ConnectorInvalidResponseError);
    expect((error as ConnectorInvalidResponseError).path).toBe('resources[0].device_id');
  });

  it('does not follow redirects, so credentials never travel to another host', async () => {
    const other = await serve(() => ({ status: 200, json: {} }));
    const server = await serve(() => ({ status: 302, headers: { location: `${other.url}/steal` } }));
    const { client } = clientFor(server.url, { auth: staticHeader('X-auth-access-token', 'fmc-token-abcdef') });
    expect(await rejectionOf(client.get('/a'))).toBeInstanceOf(ConnectorUpstreamError);
    expect(other.journal).toHaveLength(0);
  });
});

describe('HttpClient: retries', () => {
  it('retries 5xx for GET with full-jitter exponential backoff', async () => {
    const server = await serve(inSequence({ status: 502, json: {} }, { status: 503, json: {} }, { status: 200, json: { ok: 1 } }));
    const { client, waits } = clientFor(server.url, { retry: { baseDelayMs: 100, maxDelayMs: 1000 } });
    const response = await client.get('/a');
    expect(response.data).toEqual({ ok: 1 });
    expect(server.journal).toHaveLength(3);
    // random() = 0.5: half of 100 then half of 200.
    expect(waits).toEqual([50, 100]);
  });

  it('retries 5xx for a POST marked idempotent', async () => {
    const server = await serve(inSequence({ status: 500, json: {} }, { status: 200, json: { ok: 1 } }));
    const { client } = clientFor(server.url);
    await client.post('/search', { json: { q: 1 }, idempotent: true });
    expect(server.journal).toHaveLength(2);
  });

  it('never re-sends a plain POST once a response arrived (500, 429, 408)', async () => {
    for (const status of [500, 429, 408]) {
      const server = await serve(() => ({ status, json: {}, headers: { 'retry-after': '0' } }));
      const { client, waits } = clientFor(server.url);
      const error = await rejectionOf(client.post('/incidents', { json: { title: 't' } }));
      expect((error as { status?: number }).status).toBe(status);
      expect(server.journal).toHaveLength(1);
      expect(waits).toEqual([]);
    }
  });

  it('never re-sends a POST whose 2xx reply could not be read (not JSON, or not the expected shape)', async () => {
    for (const reply of [{ status: 201, body: '<html>gateway</html>', headers: { 'content-type': 'text/html' } }, { status: 201, json: { result: 'not an object' } }]) {
      const server = await serve(() => reply);
      const { client, waits } = clientFor(server.url);
      const error = await rejectionOf(client.post('/api/now/table/incident', { json: { short_description: 't' }, schema: z.object({ result: z.object({ sys_id: z.string() }) }) }));
      expect(error).toBeInstanceOf(ConnectorInvalidResponseError);
      expect((error as ConnectorInvalidResponseError).status).toBe(201);
      expect(server.journal).toHaveLength(1);
      expect(waits).toEqual([]);
    }
  });

  it('never re-sends PUT, PATCH or DELETE without idempotent', async () => {
    const server = await serve(() => ({ status: 503, json: {} }));
    const { client } = clientFor(server.url);
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) await rejectionOf(client.request({ method, path: '/x' }));
    expect(server.journal).toHaveLength(3);
  });

  it('does not retry 4xx other than 408/409/429', async () => {
    const server = await serve(() => ({ status: 400, json: {} }));
    const { client } = clientFor(server.url);
    await rejectionOf(client.get('/a'));
    expect(server.journal).toHaveLength(1);
  });

  it('gives up after maxAttempts', async () => {
    const server = await serve(() => ({ status: 500, json: { messages: [{ type: 'FATAL', text: 'search head down' }] } }));
    const { client, waits } = clientFor(server.url, { retry: { maxAttempts: 3 } });
    const error = await rejectionOf(client.get('/services/search/jobs'));
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect((error as Error).message).toContain('search head down');
    expect(server.journal).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('honours Retry-After seconds on 429 instead of the backoff', async () => {
    const server = await serve(inSequence({ status: 429, json: { message: 'Too many requests' }, headers: { 'Retry-After': '3' } }, { status: 200, json: {} }));
    const { client, waits } = clientFor(server.url);
    await client.get('/a');
    expect(waits).toEqual([3000]);
    expect(server.journal).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date on 503, measured by the injected clock', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    const server = await serve(inSequence({ status: 503, json: {}, headers: { 'Retry-After': 'Sat, 01 Jun 2024 12:00:05 GMT' } }, { status: 200, json: {} }));
    const { client, waits } = clientFor(server.url, { clock });
    await client.get('/a');
    expect(waits).toEqual([5000]);
  });

  it('fails at once with retryAfterMs when the wait would exceed maxTotalMs', async () => {
    const server = await serve(() => ({ status: 429, json: { errors: [{ code: 429, message: 'API rate limit exceeded.' }] }, headers: { 'Retry-After': '3172' } }));
    const { client, waits } = clientFor(server.url, { retry: { maxTotalMs: 30_000 } });
    const error = await rejectionOf(client.get('/a'));
    expect(error).toBeInstanceOf(ConnectorRateLimitedError);
    expect((error as ConnectorRateLimitedError).retryAfterMs).toBe(3_172_000);
    expect((error as ConnectorRateLimitedError).code).toBe('connector_rate_limited');
    expect(server.journal).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('caps the total retry time by maxTotalMs as the clock advances', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    const server = await serve(() => ({ status: 503, json: {} }));
    const recorder = recordingSleep((milliseconds) => clock.advance(milliseconds));
    const client = new HttpClient({
      product: 'testproduct',
      baseUrl: server.url,
      auth: noAuth(),
      clock,
      sleep: recorder.sleep,
      random: () => 0.999,
      retry: { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 8000, maxTotalMs: 10_000 },
    });
    await rejectionOf(client.get('/a'));
    // Waits ~1000, ~2000, ~4000 (total ~7000); the next (~8000) would pass 10 000.
    expect(recorder.waits).toEqual([999, 1998, 3996]);
    expect(server.journal).toHaveLength(4);
  });

  it('retries a POST on connection refused, where nothing reached the server', async () => {
    const port = await closedPort();
    const recorder = recordingSleep(async () => {
      if (servers.length === 0) await serve(() => ({ status: 201, json: { created: true } }), { port });
    });
    const client = new HttpClient({ product: 'testproduct', baseUrl: `http://127.0.0.1:${port}`, auth: noAuth(), sleep: recorder.sleep });
    const response = await client.post('/incidents', { json: { title: 't' } });
    expect(response.status).toBe(201);
    expect(recorder.waits).toHaveLength(1);
    expect(servers[0]?.journal).toHaveLength(1);
  });

  it('connection refused on every attempt ends in ConnectorTransportError after maxAttempts', async () => {
    const port = await closedPort();
    const capture = capturingLogger();
    const recorder = recordingSleep();
    const client = new HttpClient({ product: 'testproduct', baseUrl: `http://127.0.0.1:${port}`, auth: noAuth(), sleep: recorder.sleep, logger: capture.logger });
    const error = await rejectionOf(client.post('/incidents', { json: {} }));
    expect(error).toBeInstanceOf(ConnectorTransportError);
    expect((error as ConnectorTransportError).transportCode).toBe('ECONNREFUSED');
    expect((error as ConnectorTransportError).mayHaveReachedServer).toBe(false);
    expect((error as Error).message).toBe('testproduct POST /incidents failed: ECONNREFUSED');
    expect(capture.entries().map((entry) => entry.attempt)).toEqual([1, 2, 3, 4]);
    expect(recorder.waits).toHaveLength(3);
  });

  it('does not re-send a POST whose connection was reset after the server got it', async () => {
    const server = await serve(() => ({ destroy: true }));
    const { client } = clientFor(server.url);
    const error = await rejectionOf(client.post('/incidents', { json: {} }));
    expect(error).toBeInstanceOf(ConnectorTransportError);
    expect((error as ConnectorTransportError).mayHaveReachedServer).toBe(true);
    expect(server.journal).toHaveLength(1);
  });

  it('retries a GET whose connection was reset', async () => {
    const server = await serve(inSequence({ destroy: true }, { status: 200, json: {} }));
    const { client } = clientFor(server.url);
    await client.get('/a');
    expect(server.journal).toHaveLength(2);
  });
});

describe('HttpClient: timeouts and cancellation', () => {
  it('a server that never answers gives ConnectorTimeoutError per attempt', async () => {
    const server = await serve(() => ({ hang: true }));
    const { client } = clientFor(server.url, { timeoutMs: 50, retry: { maxAttempts: 1 } });
    const error = await rejectionOf(client.get('/slow', { query: { token: 'query-secret-value' } }));
    expect(error).toBeInstanceOf(ConnectorTimeoutError);
    expect((error as ConnectorTimeoutError).code).toBe('connector_timeout');
    expect((error as Error).message).toBe('testproduct GET /slow timed out after 50 ms');
  });

  it('retries a timed-out GET but never a timed-out POST', async () => {
    const server = await serve(() => ({ hang: true }));
    const { client } = clientFor(server.url, { timeoutMs: 50, retry: { maxAttempts: 2 } });
    await rejectionOf(client.get('/get'));
    expect(server.requestsTo('/get')).toHaveLength(2);
    await rejectionOf(client.post('/post', { json: {}, timeoutMs: 50 }));
    expect(server.requestsTo('/post')).toHaveLength(1);
  });

  it("the caller's abort rejects with its reason and is not retried", async () => {
    const server = await serve(() => ({ hang: true }));
    const { client } = clientFor(server.url, { timeoutMs: 5000 });
    const controller = new AbortController();
    const pending = client.get('/a', { signal: controller.signal });
    while (server.journal.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('user cancelled'));
    const error = await rejectionOf(pending);
    expect((error as Error).message).toBe('user cancelled');
    expect(server.journal).toHaveLength(1);
  });
});

describe('HttpClient: 401 handling', () => {
  function countingAuth() {
    let issued = 0;
    let invalidations = 0;
    return {
      strategy: {
        name: 'counting',
        authorize: async (request: { headers: Headers }) => {
          if (issued === invalidations) issued += 1;
          request.headers.set('authorization', `Bearer token-${issued}`);
        },
        invalidate: () => {
          invalidations += 1;
        },
      },
      invalidations: () => invalidations,
    };
  }

  it('invalidates, re-authorizes and re-sends once, for any method', async () => {
    const server = await serve((request) => (request.headers.authorization === 'Bearer token-2' ? { status: 201, json: {} } : { status: 401, json: {} }));
    const auth = countingAuth();
    const { client } = clientFor(server.url, { auth: auth.strategy });
    const response = await client.post('/incidents', { json: {} });
    expect(response.status).toBe(201);
    expect(auth.invalidations()).toBe(1);
    expect(server.journal.map((entry) => entry.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('a second 401 is ConnectorAuthError', async () => {
    const server = await serve(() => ({ status: 401, json: { error: 'invalid_request', error_description: 'No JWT found in HTTP Authorization header' } }));
    const auth = countingAuth();
    const { client } = clientFor(server.url, { auth: auth.strategy });
    const error = await rejectionOf(client.get('/a'));
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as ConnectorAuthError).code).toBe('connector_auth');
    expect((error as Error).message).toBe('testproduct GET /a failed with HTTP 401: invalid_request: No JWT found in HTTP Authorization header');
    expect(server.journal).toHaveLength(2);
  });

  it('static credentials are not re-sent after a 401', async () => {
    const server = await serve(() => ({ status: 401, json: {} }));
    const { client } = clientFor(server.url, { auth: staticHeader('Authorization', 'Splunk hec-token-123') });
    expect(await rejectionOf(client.get('/a'))).toBeInstanceOf(ConnectorAuthError);
    expect(server.journal).toHaveLength(1);
  });
});

describe('HttpClient: circuit breaker', () => {
  it('opens after N failures, fails fast without touching the server, and a half-open probe closes it', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    let healthy = false;
    const server = await serve(() => (healthy ? { status: 200, json: { ok: true } } : { status: 500, json: {} }));
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 30_000, clock });
    const { client } = clientFor(server.url, { breaker, clock, retry: { maxAttempts: 1 } });
    for (let index = 0; index < 3; index += 1) expect(await rejectionOf(client.get('/a'))).toBeInstanceOf(ConnectorUpstreamError);
    expect(breaker.state).toBe('open');

    const error = await rejectionOf(client.get('/a'));
    expect(error).toBeInstanceOf(ConnectorUnavailableError);
    expect((error as ConnectorUnavailableError).code).toBe('connector_unavailable');
    expect((error as Error).message).toBe('testproduct GET /a not sent: circuit open after repeated failures, retry in 30000 ms');
    expect(server.journal).toHaveLength(3);

    healthy = true;
    clock.advance(30_000);
    expect(breaker.state).toBe('half-open');
    expect((await client.get('/a')).data).toEqual({ ok: true });
    expect(breaker.state).toBe('closed');
    expect(server.journal).toHaveLength(4);
  });

  it('4xx responses count as successes and keep the circuit closed', async () => {
    const server = await serve(() => ({ status: 404, json: {} }));
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const { client } = clientFor(server.url, { breaker });
    await rejectionOf(client.get('/a'));
    await rejectionOf(client.get('/a'));
    expect(breaker.state).toBe('closed');
    expect(server.journal).toHaveLength(2);
  });

  it('stops retrying once the breaker opens mid-request', async () => {
    const server = await serve(() => ({ status: 503, json: {} }));
    const breaker = new CircuitBreaker({ failureThreshold: 2 });
    const { client } = clientFor(server.url, { breaker, retry: { maxAttempts: 4 } });
    expect(await rejectionOf(client.get('/a'))).toBeInstanceOf(ConnectorUnavailableError);
    expect(server.journal).toHaveLength(2);
  });
});

describe('HttpClient: logging', () => {
  it('logs one debug line per attempt with product, method, path, status, duration, attempt and request id; no query, headers or tokens', async () => {
    const server = await serve(inSequence({ status: 503, json: {}, headers: { 'x-request-id': 'r-1' } }, { status: 200, json: { access: 'body-token-value' }, headers: { 'x-request-id': 'r-2' } }));
    const capture = capturingLogger();
    const { client } = clientFor(server.url, { logger: capture.logger, auth: staticHeader('Authorization', 'Bearer header-token-value') });
    await client.get('/devices', { query: { filter: 'query-secret-value' } });
    const entries = capture.entries();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ level: 20, msg: 'connector request', product: 'testproduct', method: 'GET', path: '/devices', status: 503, attempt: 1, requestId: 'r-1' });
    expect(entries[1]).toMatchObject({ status: 200, attempt: 2, requestId: 'r-2' });
    expect(typeof entries[0]?.durationMs).toBe('number');
    const text = capture.lines.join('');
    for (const secret of ['header-token-value', 'body-token-value', 'query-secret-value']) expect(text).not.toContain(secret);
  });
});
