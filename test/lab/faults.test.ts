import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';

/*
 * POST /__lab/faults as a chaos script written from the issue text would use it: products by
 * journal name, integration name or prefix; paths below the prefix or as full lab paths; the
 * Retry-After of an injected 429 in seconds or as an HTTP date, next to the product's own
 * rate-limit headers (so a client of the real product reads the signal it knows).
 */

const clock = fixedClock('2026-11-23T12:00:00.000Z');
const nowSeconds = Date.parse('2026-11-23T12:00:00.000Z') / 1000;
let lab: Lab;

beforeEach(async () => {
  lab = await startLab({ products: ALL_SIMULATORS, clock });
});
afterEach(async () => {
  await lab.close();
});

const secureEndpointAuth = `Basic ${Buffer.from(`${LAB_CREDENTIALS.secureEndpoint.clientId}:${LAB_CREDENTIALS.secureEndpoint.apiKey}`).toString('base64')}`;
const inject = (fault: Record<string, unknown>) => fetch(`${lab.url}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
const secureEndpointVersion = () => fetch(`${lab.url}/secure-endpoint/v1/version`, { headers: { authorization: secureEndpointAuth } });

describe('lab fault injection', () => {
  it('names a product by journal name, integration name or prefix, and a path with or without the prefix', async () => {
    for (const fault of [
      { product: 'secure-endpoint', path: '/secure-endpoint/v1/version', status: 503, count: 1 },
      { product: '/secure-endpoint', path: '/v1/version', status: 502, count: 1 },
      { product: 'secure_endpoint', path: '/v1/version', status: 500, count: 1 },
    ]) {
      const created = await inject(fault);
      expect(created.status).toBe(201);
      expect(((await created.json()) as { product: string; path: string })).toMatchObject({ product: 'secure_endpoint', path: '/v1/version' });
    }
    expect([(await secureEndpointVersion()).status, (await secureEndpointVersion()).status, (await secureEndpointVersion()).status, (await secureEndpointVersion()).status]).toEqual([503, 502, 500, 200]);
    expect((await inject({ product: 'cisco-xdr', status: 500, count: 1 })).status).toBe(201);
    expect((await inject({ product: 'secure-firewall', status: 500, count: 1 })).status).toBe(201);
    expect((await inject({ product: 'fmc', status: 500, count: 1 })).status).toBe(201);
    expect((await inject({ product: 'nonsense', status: 500 })).status).toBe(400);
  });

  it('disarms one fault by id, and filters the journal by any product name', async () => {
    const created = (await (await inject({ product: 'secure-endpoint', status: 500 })).json()) as { id: string };
    expect((await secureEndpointVersion()).status).toBe(500);
    expect((await fetch(`${lab.url}/__lab/faults/${created.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await secureEndpointVersion()).status).toBe(200);
    expect((await fetch(`${lab.url}/__lab/faults/${created.id}`, { method: 'DELETE' })).status).toBe(404);
    const byIntegrationName = (await (await fetch(`${lab.url}/__lab/requests?product=secure-endpoint`)).json()) as { requests: Array<{ product: string; status: number }> };
    expect(byIntegrationName.requests.map((entry) => entry.status)).toEqual([500, 200]);
    expect(byIntegrationName.requests.every((entry) => entry.product === 'secure_endpoint')).toBe(true);
  });

  it('accepts retry_after and latency_ms spellings, and a Retry-After HTTP date', async () => {
    expect((await inject({ product: 'secure_endpoint', path: '/v1/version', status: 429, retry_after: 4, count: 1 })).status).toBe(201);
    expect((await secureEndpointVersion()).headers.get('retry-after')).toBe('4');
    const date = 'Mon, 23 Nov 2026 12:00:30 GMT';
    expect((await inject({ product: 'secure_endpoint', path: '/v1/version', status: 503, retryAfter: date, count: 1 })).status).toBe(201);
    expect((await secureEndpointVersion()).headers.get('retry-after')).toBe(date);
    expect((await inject({ product: 'secure_endpoint', path: '/v1/version', latency_ms: 40, count: 1 })).status).toBe(201);
    const started = performance.now();
    expect((await secureEndpointVersion()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });

  it("adds the product's own rate-limit headers to an injected 429", async () => {
    await inject({ product: 'crowdstrike', status: 429, retryAfter: 7, count: 1 });
    const falcon = await fetch(`${lab.url}/crowdstrike/devices/queries/devices/v1`);
    expect(falcon.status).toBe(429);
    expect(falcon.headers.get('x-ratelimit-retryafter')).toBe(String(nowSeconds + 7));
    expect(falcon.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(((await falcon.json()) as { errors: Array<{ code: number; message: string }> }).errors).toEqual([{ code: 429, message: 'API rate limit exceeded.' }]);

    await inject({ product: 'secure_endpoint', status: 429, retryAfter: 30, count: 1 });
    const secureEndpoint = await secureEndpointVersion();
    expect(secureEndpoint.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(secureEndpoint.headers.get('x-ratelimit-reset')).toBe('30');

    await inject({ product: 'servicenow', status: 429, retryAfter: 60, count: 1 });
    const servicenow = await fetch(`${lab.url}/servicenow/api/now/table/incident`);
    expect(servicenow.headers.get('x-ratelimit-reset')).toBe(String(nowSeconds + 60));
    expect(((await servicenow.json()) as { error: { message: string } }).error.message).toBe('Rate limit exceeded');

    await inject({ product: 'pagerduty', path: '/api', status: 429, retryAfter: 5, count: 1 });
    const pagerduty = await fetch(`${lab.url}/pagerduty/api/incidents`);
    expect(pagerduty.headers.get('ratelimit-remaining')).toBe('0');
    expect(pagerduty.headers.get('ratelimit-reset')).toBe('5');
  });
});
