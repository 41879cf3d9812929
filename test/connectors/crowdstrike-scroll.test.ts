import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrowdStrikeClient, DEVICE_OFFSET_WINDOW } from '../../src/connectors/crowdstrike/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { crowdStrikeSimulator } from '../../src/lab/products/crowdstrike.js';

/*
 * Falcon's device query pages by offset only over the first 10,000 devices (offset + limit); past
 * that a client must scroll (an opaque `offset` token per page). The combined alerts endpoint pages
 * with an `after` cursor. Both are proven here against a lab with more than 10,000 Falcon hosts.
 */

const clock = fixedClock('2026-03-02T12:00:00Z');
let lab: Lab;
let token: string;

beforeAll(async () => {
  lab = await startLab({ products: [crowdStrikeSimulator], clock, extraHosts: 10_000 });
  const issued = await fetch(`${lab.url}/crowdstrike/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: LAB_CREDENTIALS.crowdstrike.clientId, client_secret: LAB_CREDENTIALS.crowdstrike.clientSecret }).toString(),
  });
  token = ((await issued.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await lab.close();
});

const falcon = (path: string, init: RequestInit = {}) => fetch(`${lab.url}/crowdstrike${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
const falconIds = () => lab.context.hosts().filter((host) => host.crowdstrike !== undefined).map((host) => host.crowdstrike!.deviceId);

describe('crowdstrike paging past 10,000 devices', () => {
  it('refuses offset + limit beyond the window with the Falcon 400 envelope', async () => {
    expect(falconIds().length).toBeGreaterThan(DEVICE_OFFSET_WINDOW);
    const response = await falcon('/devices/queries/devices/v1?limit=5000&offset=5001');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ code: number; message: string }>; resources: unknown[] };
    expect(body.errors[0]).toMatchObject({ code: 400, message: expect.stringContaining('devices-scroll') });
    expect(body.resources).toEqual([]);
  });

  it('scrolls with opaque offset tokens (total and expires_at in meta.pagination) and refuses a token of another query', async () => {
    const first = (await (await falcon('/devices/queries/devices-scroll/v1?limit=4000')).json()) as { resources: string[]; meta: { pagination: { offset: string; total: number; expires_at: number } } };
    expect(first.resources).toHaveLength(4000);
    expect(first.meta.pagination).toMatchObject({ total: falconIds().length, offset: expect.any(String), expires_at: expect.any(Number) });
    const second = (await (await falcon(`/devices/queries/devices-scroll/v1?limit=4000&offset=${encodeURIComponent(first.meta.pagination.offset)}`)).json()) as { resources: string[] };
    expect(second.resources).toHaveLength(4000);
    expect(second.resources.some((id) => first.resources.includes(id))).toBe(false);
    const mismatched = await falcon(`/devices/queries/devices-scroll/v1?limit=10&filter=${encodeURIComponent("platform_name:'Linux'")}&offset=${encodeURIComponent(first.meta.pagination.offset)}`);
    expect(mismatched.status).toBe(400);
  });

  it('the connector switches to the scroll past 10,000 devices and returns every device exactly once', async () => {
    const client = new CrowdStrikeClient({
      baseUrl: `${lab.url}/crowdstrike`,
      clientId: LAB_CREDENTIALS.crowdstrike.clientId,
      clientSecret: LAB_CREDENTIALS.crowdstrike.clientSecret,
      dependencies: { clock, sleep: async () => {} },
    });
    lab.journal.clear();
    const result = await client.queryDevices();
    const ids = result.records.map((device) => device.device_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(falconIds()));
    expect(result).toMatchObject({ total: falconIds().length, truncated: false });
    const journal = lab.journal.list({ product: 'crowdstrike' });
    expect(journal.filter((entry) => entry.path.endsWith('/devices-scroll/v1')).length).toBeGreaterThanOrEqual(3);
    expect(journal.every((entry) => entry.status < 400)).toBe(true);
  });

  it('walks the combined alerts endpoint with its after cursor, each alert once, in the query order', async () => {
    const query = (await (await falcon('/alerts/queries/alerts/v2?limit=10000')).json()) as { resources: string[] };
    expect(query.resources.length).toBeGreaterThan(4);
    const seen: string[] = [];
    let after = '';
    let pages = 0;
    do {
      const response = await falcon('/alerts/combined/alerts/v1', { method: 'POST', body: JSON.stringify({ limit: 2, after }) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { resources: Array<{ composite_id: string }>; meta: { pagination: { after: string; total: number } } };
      expect(body.meta.pagination.total).toBe(query.resources.length);
      seen.push(...body.resources.map((alert) => alert.composite_id));
      after = body.meta.pagination.after;
      pages += 1;
    } while (after !== '');
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(query.resources);
  });
});
