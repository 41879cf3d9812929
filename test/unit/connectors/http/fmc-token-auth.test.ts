import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../src/core/clock.js';
import { ConnectorAuthError, FMC_TOKEN_LIFETIME_MS, HttpClient, fmcTokenAuth } from '../../../../src/connectors/http/index.js';
import { rejectionOf } from './helpers.js';
import { startScriptedServer, type ScriptedServer } from './scripted-server.js';

const DOMAIN = 'e276abec-e0f2-11e3-8169-6d9ed49b625f';
const PASSWORD = 'fmc-Adm1n-password';
const GENERATE = '/api/fmc_platform/v1/auth/generatetoken';
const REFRESH = '/api/fmc_platform/v1/auth/refreshtoken';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** An FMC that issues access-<n>/refresh-<n>, honours refresh with both headers, and 401s stale tokens. */
async function startFakeFmc(options: { refuseRefresh?: boolean; badPassword?: boolean } = {}) {
  let serial = 0;
  let access = '';
  let refresh = '';
  const issue = () => {
    serial += 1;
    access = `access-${serial}`;
    refresh = `refresh-${serial}`;
    return { status: 204, headers: { 'X-auth-access-token': access, 'X-auth-refresh-token': refresh, DOMAIN_UUID: DOMAIN } };
  };
  const server = await startScriptedServer((request) => {
    if (request.path === GENERATE) {
      const expected = `Basic ${Buffer.from(`api-user:${PASSWORD}`).toString('base64')}`;
      if (options.badPassword === true || request.headers.authorization !== expected) {
        return { status: 401, json: { error: { category: 'FRAMEWORK', messages: [{ description: 'Invalid credentials' }], severity: 'ERROR' } } };
      }
      return issue();
    }
    if (request.path === REFRESH) {
      if (options.refuseRefresh === true || request.headers['x-auth-access-token'] !== access || request.headers['x-auth-refresh-token'] !== refresh) return { status: 401, json: {} };
      return issue();
    }
    if (request.headers['x-auth-access-token'] !== access) return { status: 401, json: {} };
    return { status: 200, json: { items: [], paging: { offset: 0, limit: 25, count: 0, pages: 0 } } };
  });
  servers.push(server);
  return server;
}

const tokenCalls = (server: ScriptedServer) => server.journal.filter((entry) => entry.path === GENERATE || entry.path === REFRESH).map((entry) => (entry.path === GENERATE ? 'generate' : 'refresh'));

describe('fmcTokenAuth', () => {
  it('takes the Global domain from DOMAINS when the response has no DOMAIN_UUID header', async () => {
    const server = await startScriptedServer((request) =>
      request.path === GENERATE
        ? { status: 204, headers: { 'X-auth-access-token': 'access-1', 'X-auth-refresh-token': 'refresh-1', DOMAINS: JSON.stringify([{ name: 'Global/Branch', uuid: 'branch-uuid' }, { name: 'Global', uuid: DOMAIN }]) } }
        : { status: 200, json: {} },
    );
    servers.push(server);
    const auth = fmcTokenAuth({ product: 'secure_firewall', baseUrl: server.url, username: 'api-user', password: PASSWORD });
    expect(await auth.resolveDomainUuid()).toBe(DOMAIN);
  });

  it('generates a token with Basic (204 + headers), sends X-auth-access-token and exposes DOMAIN_UUID', async () => {
    const server = await startFakeFmc();
    const auth = fmcTokenAuth({ product: 'fmc', baseUrl: server.url, username: 'api-user', password: PASSWORD });
    expect(auth.domainUuid()).toBeUndefined();
    const client = new HttpClient({ product: 'fmc', baseUrl: server.url, auth });
    const domain = await auth.resolveDomainUuid();
    await client.get(`/api/fmc_config/v1/domain/${domain}/object/networks`, { query: { limit: 25 } });
    expect(auth.domainUuid()).toBe(DOMAIN);
    expect(tokenCalls(server)).toEqual(['generate']);
    expect(server.journal[0]?.method).toBe('POST');
    expect(server.journal.at(-1)?.headers['x-auth-access-token']).toBe('access-1');
    expect(server.journal.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('refreshes every 30 minutes (sending both tokens) at most 3 times, then generates again', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    const server = await startFakeFmc();
    const auth = fmcTokenAuth({ product: 'fmc', baseUrl: server.url, username: 'api-user', password: PASSWORD, clock });
    const client = new HttpClient({ product: 'fmc', baseUrl: server.url, auth, clock });
    for (let index = 0; index < 6; index += 1) {
      await client.get('/api/fmc_config/v1/domain/x/object/hosts');
      clock.advance(FMC_TOKEN_LIFETIME_MS);
    }
    expect(tokenCalls(server)).toEqual(['generate', 'refresh', 'refresh', 'refresh', 'generate', 'refresh']);
    const [firstRefresh] = server.requestsTo(REFRESH);
    expect(firstRefresh?.headers['x-auth-access-token']).toBe('access-1');
    expect(firstRefresh?.headers['x-auth-refresh-token']).toBe('refresh-1');
  });

  it('reuses the token within its lifetime and shares one generatetoken between concurrent callers', async () => {
    const server = await startFakeFmc();
    const auth = fmcTokenAuth({ product: 'fmc', baseUrl: server.url, username: 'api-user', password: PASSWORD });
    const client = new HttpClient({ product: 'fmc', baseUrl: server.url, auth });
    await Promise.all([client.get('/a'), client.get('/b'), client.get('/c')]);
    await client.get('/d');
    expect(tokenCalls(server)).toEqual(['generate']);
  });

  it('falls back to generatetoken when a refresh is refused', async () => {
    const clock = fixedClock('2024-06-01T12:00:00Z');
    const server = await startFakeFmc({ refuseRefresh: true });
    const auth = fmcTokenAuth({ product: 'fmc', baseUrl: server.url, username: 'api-user', password: PASSWORD, clock });
    const client = new HttpClient({ product: 'fmc', baseUrl: server.url, auth, clock });
    await client.get('/a');
    clock.advance(FMC_TOKEN_LIFETIME_MS);
    await client.get('/a');
    expect(tokenCalls(server)).toEqual(['generate', 'refresh', 'generate']);
  });

  it('bad credentials are ConnectorAuthError without the password', async () => {
    const server = await startFakeFmc({ badPassword: true });
    const auth = fmcTokenAuth({ product: 'fmc', baseUrl: server.url, username: 'api-user', password: PASSWORD });
    const client = new HttpClient({ product: 'fmc', baseUrl: server.url, auth });
    const error = await rejectionOf(client.get('/a'));
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).toBe(`fmc POST ${GENERATE}: token request refused with HTTP 401: Invalid credentials`);
    expect((error as Error).message).not.toContain(PASSWORD);
  });
});
