import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { STORY } from '../../src/lab/scenario/index.js';
import { suiteLab } from '../helpers/suite-lab.js';

/*
 * Requests other clients of the real products send (their SDKs, the vendors' own examples) that
 * DefenseClaw's connectors happen not to: the lab must answer them as the product would.
 */

const clock = fixedClock('2026-11-23T12:00:00.000Z');
const labOf = suiteLab({ clock });

const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

describe('the lab answers vendor-contract variants', () => {
  it('Cisco XDR: a token for client_secret_post, and CTIA incidents through the IROH private-intel proxy', async () => {
    const tokenResponse = await fetch(`${labOf().url}/xdr/iroh/oauth2/token`, form({ grant_type: 'client_credentials', client_id: LAB_CREDENTIALS.xdr.clientId, client_secret: LAB_CREDENTIALS.xdr.clientSecret }));
    expect(tokenResponse.status).toBe(200);
    const { access_token: token, expires_in: expiresIn } = (await tokenResponse.json()) as { access_token: string; expires_in: number };
    expect(expiresIn).toBe(600);
    const refused = await fetch(`${labOf().url}/xdr/iroh/oauth2/token`, form({ grant_type: 'client_credentials', client_id: LAB_CREDENTIALS.xdr.clientId, client_secret: 'wrong' }));
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_client');
    const proxied = await fetch(`${labOf().url}/xdr/iroh/private-intel/incident/search?query=*&limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(proxied.status).toBe(200);
    expect(Number(proxied.headers.get('x-total-hits'))).toBeGreaterThan(1);
    expect(proxied.headers.get('x-next')).toMatch(/offset=1/);
    expect(((await proxied.json()) as unknown[]).length).toBe(1);
  });

  it('Secure Endpoint: OPTIONS on isolation says whether it can start, in the v1 envelope', async () => {
    const guid = labOf().context.host(STORY.victimHost)!.secureEndpoint!.connectorGuid;
    const basic = `Basic ${Buffer.from(`${LAB_CREDENTIALS.secureEndpoint.clientId}:${LAB_CREDENTIALS.secureEndpoint.apiKey}`).toString('base64')}`;
    const response = await fetch(`${labOf().url}/secure-endpoint/v1/computers/${guid}/isolation`, { method: 'OPTIONS', headers: { authorization: basic } });
    expect(response.status).toBe(200);
    expect(response.headers.get('allow')).toContain('PUT');
    expect(response.headers.get('x-ratelimit-limit')).toBe('3000');
    expect(((await response.json()) as { version: string; data: { available: boolean; status: string } })).toMatchObject({ version: 'v1.2.0', data: { available: true, status: 'not_isolated' } });
  });

  it('Secure Firewall: blocks through a rule literal and through a network group, each read back, each leaving a deployment pending', async () => {
    const { username, password, domainUuid } = LAB_CREDENTIALS.secureFirewall;
    const generated = await fetch(`${labOf().url}/fmc/api/fmc_platform/v1/auth/generatetoken`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
    expect(generated.status).toBe(204);
    const headers = { 'x-auth-access-token': generated.headers.get('x-auth-access-token')!, 'content-type': 'application/json' };
    const config = `${labOf().url}/fmc/api/fmc_config/v1/domain/${domainUuid}`;
    const fmc = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${config}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as any };
    };
    const policy = (await fmc('GET', '/policy/accesspolicies')).body.items[0].id as string;

    const literalRule = await fmc('POST', `/policy/accesspolicies/${policy}/accessrules?section=mandatory`, {
      type: 'AccessRule', name: 'Block 198.51.100.7', action: 'BLOCK', enabled: true,
      destinationNetworks: { literals: [{ type: 'Host', value: '198.51.100.7' }] },
    });
    expect(literalRule.status).toBe(201);
    expect((await fmc('GET', `/policy/accesspolicies/${policy}/accessrules/${literalRule.body.id}`)).body.destinationNetworks).toEqual({ objects: [], literals: [{ type: 'Host', value: '198.51.100.7' }] });
    expect((await fmc('POST', `/policy/accesspolicies/${policy}/accessrules`, { type: 'AccessRule', name: 'Bad', action: 'BLOCK', destinationNetworks: { literals: [{ type: 'Host', value: 'not-an-ip' }] } })).status).toBe(400);

    const host = await fmc('POST', '/object/hosts', { type: 'Host', name: 'SOAR-185.220.101.5', value: '185.220.101.5' });
    const group = await fmc('POST', '/object/networkgroups', { type: 'NetworkGroup', name: 'SOAR-BLOCKS', objects: [{ type: 'Host', id: host.body.id }], literals: [{ type: 'Network', value: '203.0.113.0/24' }] });
    expect(group.status).toBe(201);
    const groupRule = await fmc('POST', `/policy/accesspolicies/${policy}/accessrules`, { type: 'AccessRule', name: 'Block SOAR group', action: 'BLOCK', destinationNetworks: { objects: [{ type: 'NetworkGroup', id: group.body.id }] } });
    expect(groupRule.status).toBe(201);
    expect(groupRule.body.destinationNetworks.objects).toEqual([{ id: group.body.id, type: 'NetworkGroup', name: 'SOAR-BLOCKS' }]);
    const updated = await fmc('PUT', `/object/networkgroups/${group.body.id}`, { id: group.body.id, type: 'NetworkGroup', name: 'SOAR-BLOCKS', objects: [{ type: 'Host', id: host.body.id }], literals: [{ type: 'Network', value: '203.0.113.0/24' }, { type: 'Host', value: '192.0.2.66' }] });
    expect(updated.status).toBe(200);
    expect((await fmc('GET', `/object/networkgroups/${group.body.id}`)).body.literals).toContainEqual({ type: 'Host', value: '192.0.2.66' });
    expect((await fmc('GET', '/object/networkgroups?expanded=true')).body.items.map((item: { name: string }) => item.name)).toContain('SOAR-BLOCKS');
    expect((await fmc('POST', '/object/networkgroups', { type: 'NetworkGroup', name: 'SOAR-BLOCKS', literals: [{ type: 'Host', value: '192.0.2.1' }] })).status).toBe(400);
    expect((await fmc('GET', '/deployment/deployabledevices?expanded=true')).body.items.length).toBeGreaterThan(0);
  });

  it('CrowdStrike: the legacy Detects API pages detections, summarises them and changes their status', async () => {
    const issued = await fetch(`${labOf().url}/crowdstrike/oauth2/token`, form({ client_id: LAB_CREDENTIALS.crowdstrike.clientId, client_secret: LAB_CREDENTIALS.crowdstrike.clientSecret }));
    const headers = { authorization: `Bearer ${((await issued.json()) as { access_token: string }).access_token}`, 'content-type': 'application/json' };
    const falcon = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${labOf().url}/crowdstrike${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as any };
    };
    const ids: string[] = [];
    for (let offset = 0; ; offset += 2) {
      const page = await falcon('GET', `/detects/queries/detects/v1?limit=2&offset=${offset}`);
      expect(page.status).toBe(200);
      ids.push(...page.body.resources);
      if (offset + 2 >= page.body.meta.pagination.total) break;
    }
    expect(ids.length).toBeGreaterThan(4);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^ldt:[0-9a-f]{32}:\d+$/.test(id))).toBe(true);
    const summaries = await falcon('POST', '/detects/entities/summaries/GET/v1', { ids: ids.slice(0, 3) });
    expect(summaries.body.resources).toHaveLength(3);
    expect(summaries.body.resources[0]).toMatchObject({ detection_id: ids[0], status: 'new', device: { device_id: expect.any(String) }, behaviors: [expect.objectContaining({ tactic_id: expect.stringMatching(/^TA\d{4}$/) })] });
    expect((await falcon('PATCH', '/detects/entities/detects/v2', { ids: [ids[0]], status: 'in_progress' })).status).toBe(200);
    const progressing = await falcon('GET', `/detects/queries/detects/v1?filter=${encodeURIComponent("status:'in_progress'")}`);
    expect(progressing.body.resources).toEqual([ids[0]]);
    expect((await falcon('PATCH', '/detects/entities/detects/v2', { ids: [ids[0]], status: 'snoozed' })).status).toBe(400);
  });

  it('Entra ID: the v1 token endpoint with resource=, and client_secret_basic on v2.0', async () => {
    const { tenantId, clientId, clientSecret, workspaceId } = LAB_CREDENTIALS.sentinel;
    const v1 = await fetch(`${labOf().url}/sentinel/login/${tenantId}/oauth2/token`, form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, resource: 'https://api.loganalytics.io' }));
    expect(v1.status).toBe(200);
    const token = ((await v1.json()) as { access_token: string }).access_token;
    const query = await fetch(`${labOf().url}/sentinel/loganalytics/v1/workspaces/${workspaceId}/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'SecurityIncident | take 1', timespan: 'P7D' }),
    });
    expect(query.status).toBe(200);
    const basic = await fetch(`${labOf().url}/sentinel/login/${tenantId}/oauth2/v2.0/token`, {
      ...form({ grant_type: 'client_credentials', scope: 'https://management.azure.com/.default' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
  });
});
