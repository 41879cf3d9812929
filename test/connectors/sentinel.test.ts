import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { loadCatalog } from '../../src/connectors/catalog/index.js';
import type { ConnectorDependencies } from '../../src/connectors/connector.js';
import { ConnectorAuthError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import { LOG_ANALYTICS_SCOPE, MANAGEMENT_SCOPE, SentinelClient, sentinelConnector } from '../../src/connectors/sentinel/index.js';
import type { AnyTool } from '../../src/connectors/tool.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { sentinelSimulator } from '../../src/lab/products/sentinel.js';

const clock = fixedClock('2026-03-02T12:00:00Z');
const credentials = LAB_CREDENTIALS.sentinel;
let lab: Lab;
let sleeps: number[] = [];

function dependencies(): ConnectorDependencies {
  return {
    clock,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
    },
  };
}

function config(secret: string = credentials.clientSecret) {
  const base = `${lab.url}/sentinel`;
  return parseConfigText(
    [
      'integrations:',
      '  sentinel:',
      `    tenant_id: ${credentials.tenantId}`,
      `    client_id: ${credentials.clientId}`,
      `    client_secret: ${secret}`,
      `    subscription_id: ${credentials.subscriptionId}`,
      `    resource_group: ${credentials.resourceGroup}`,
      `    workspace_name: ${credentials.workspaceName}`,
      `    workspace_id: ${credentials.workspaceId}`,
      `    login_url: ${base}/login`,
      `    management_url: ${base}/management`,
      `    log_analytics_url: ${base}/loganalytics`,
      '',
    ].join('\n'),
    { file: 'test.yaml', env: {}, exists: true },
  ).config;
}

function tools(secret?: string): Record<string, AnyTool> {
  const instance = sentinelConnector.create(config(secret), dependencies());
  return Object.fromEntries(instance.tools.map((tool) => [tool.id, tool]));
}

async function call(tool: AnyTool | undefined, input: Record<string, unknown>): Promise<any> {
  if (tool === undefined) throw new Error('tool missing');
  return tool.handler(tool.input.parse(input), { clock });
}

function requests(path?: string, method?: string) {
  return lab.journal.list({ product: 'sentinel', ...(path === undefined ? {} : { path }), ...(method === undefined ? {} : { method }) });
}

function tokenScopes(): string[] {
  // The journal keeps body digests only, so token requests are counted, not inspected.
  return requests('/oauth2/v2.0/token').map((entry) => entry.path);
}

async function rawQuery(query: string, timespan?: string): Promise<{ status: number; body: any }> {
  const token = lab.context.tokens('sentinel', 3599).issue(credentials.clientId, 'https://api.loganalytics.io').token;
  const response = await fetch(`${lab.url}/sentinel/loganalytics/v1/workspaces/${credentials.workspaceId}/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, ...(timespan === undefined ? {} : { timespan }) }),
  });
  return { status: response.status, body: await response.json() };
}

const sentinelEvents = () => lab.world.events.filter((event) => event.products.includes('sentinel'));

beforeAll(async () => {
  lab = await startLab({ products: [sentinelSimulator], clock });
});
afterAll(async () => {
  await lab.close();
});
beforeEach(() => {
  lab.journal.clear();
  lab.faults.clear();
  sleeps = [];
});

describe('sentinel auth', () => {
  it('gets one Entra token per audience, refreshes exactly once after expiry, and hides the secret on refusal', async () => {
    const { 'sentinel.query': query, 'sentinel.list_incidents': listIncidents } = tools();
    await call(query, { query: 'SigninLogs | take 1' });
    await call(query, { query: 'SecurityEvent | take 1' });
    await call(listIncidents, { limit: 1 });
    await call(listIncidents, { limit: 1 });
    // One token for Log Analytics, one for ARM: audiences differ, so they cannot share.
    expect(tokenScopes()).toHaveLength(2);
    expect(requests('/oauth2/v2.0/token').every((entry) => entry.status === 200)).toBe(true);

    lab.journal.clear();
    clock.advance(3600 * 1000);
    await call(query, { query: 'SigninLogs | take 1' });
    await call(listIncidents, { limit: 1 });
    expect(tokenScopes()).toHaveLength(2);

    lab.journal.clear();
    await fetch(`${lab.url}/__lab/tokens/expire`, { method: 'POST', body: JSON.stringify({ product: 'sentinel' }) });
    await call(listIncidents, { limit: 1 });
    expect(tokenScopes()).toHaveLength(1);
    expect(requests('/incidents').map((entry) => entry.status)).toEqual([401, 200]);

    const wrongSecret = 'wrong-entra-secret-value-42';
    const { 'sentinel.query': badQuery } = tools(wrongSecret);
    const error = await call(badQuery, { query: 'SigninLogs | take 1' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).toContain('AADSTS7000215');
    expect((error as Error).message).not.toContain(wrongSecret);
  });

  it('issues tokens per scope and refuses a Log Analytics token on ARM (and the reverse)', async () => {
    const token = async (scope: string) => {
      const response = await fetch(`${lab.url}/sentinel/login/${credentials.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret, scope }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { access_token: string; expires_in: number; token_type: string };
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
      return body.access_token;
    };
    const laToken = await token(LOG_ANALYTICS_SCOPE);
    const armToken = await token(MANAGEMENT_SCOPE);
    const incidentsUrl = `${lab.url}/sentinel/management/subscriptions/${credentials.subscriptionId}/resourceGroups/${credentials.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${credentials.workspaceName}/providers/Microsoft.SecurityInsights/incidents?api-version=2024-03-01`;
    const wrongOnArm = await fetch(incidentsUrl, { headers: { authorization: `Bearer ${laToken}` } });
    expect(wrongOnArm.status).toBe(401);
    expect(((await wrongOnArm.json()) as any).error.code).toBe('InvalidAuthenticationTokenAudience');
    const rightOnArm = await fetch(incidentsUrl, { headers: { authorization: `Bearer ${armToken}` } });
    expect(rightOnArm.status).toBe(200);
    expect(rightOnArm.headers.get('x-ms-ratelimit-remaining-subscription-reads')).toMatch(/^\d+$/);
    const noVersion = await fetch(incidentsUrl.replace(/\?.*$/, ''), { headers: { authorization: `Bearer ${armToken}` } });
    expect(noVersion.status).toBe(400);
    expect(((await noVersion.json()) as any).error.code).toBe('MissingApiVersionParameter');
    const wrongOnLa = await fetch(`${lab.url}/sentinel/loganalytics/v1/workspaces/${credentials.workspaceId}/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${armToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'SigninLogs' }),
    });
    expect(wrongOnLa.status).toBe(401);
    const badScope = await fetch(`${lab.url}/sentinel/login/${credentials.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret, scope: 'https://graph.microsoft.com' }),
    });
    expect(badScope.status).toBe(400);
    expect(await badScope.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
  });
});

describe('sentinel KQL', () => {
  it('filters SigninLogs and normalises failed sign-ins to authentication events', async () => {
    const { 'sentinel.query': query } = tools();
    const story = lab.world.story;
    const result = await call(query, { query: 'SigninLogs | where ResultType != "0" | order by TimeGenerated asc', timespan: '24h' });
    const failures = sentinelEvents().filter((event) => event.kind === 'signin' && event.outcome === 'failure');
    expect(result.rowCount).toBe(failures.length);
    expect(result.events).toHaveLength(failures.length);
    const attacker = result.events.find((event: any) => event.entities.ips.includes(story.attackerIp));
    expect(attacker).toMatchObject({
      class: 'authentication',
      classUid: 3002,
      source: 'sentinel',
      severity: 'medium',
      entities: { users: [story.victimEmail], ips: [story.attackerIp] },
      fields: { outcome: 'failure', event_code: '50126', src_ip: story.attackerIp },
    });
    const signin = failures.find((event) => event.sourceIp === story.attackerIp)!;
    expect(attacker.time).toBe(signin.time.toISOString());
    expect(requests('/query', 'POST')).toHaveLength(1);
  });

  it('runs where/ago, summarize count() by, order by, project and take for real', async () => {
    const { 'sentinel.query': query } = tools();
    const story = lab.world.story;
    const counted = await call(query, {
      query: `SecurityEvent | where TimeGenerated > ago(4h) and EventID == 4625 | summarize count() by Computer, TargetUserName | order by count_ desc | take 3`,
    });
    expect(counted.tables[0].columns.map((column: any) => column.name)).toEqual(['Computer', 'TargetUserName', 'count_']);
    expect(counted.tables[0].rows[0]).toEqual([`${story.targetHost}.corp.example.com`, story.serviceAccount, story.failedLogons]);
    expect(counted.events).toHaveLength(0);

    const logons = await call(query, { query: `SecurityEvent | where Computer contains "${story.targetHost}" and TargetUserName =~ "${story.serviceAccount.toUpperCase()}" | project TimeGenerated, EventID, Account, Computer, IpAddress | take 100` });
    const expected = sentinelEvents().filter((event) => event.kind === 'logon' && event.host === story.targetHost && event.user === story.serviceAccount);
    expect(logons.rowCount).toBe(expected.length);
    const success = logons.events.find((event: any) => event.fields.event_code === 4624);
    expect(success).toMatchObject({ class: 'authentication', entities: { hosts: [story.targetHost], users: [story.serviceAccount], ips: [story.victimIp] }, fields: { outcome: 'success', host: story.targetHost } });

    const incidents = await call(query, { query: 'SecurityIncident | where Severity == "High" | project IncidentNumber, Title, Severity, Status, IncidentName, TimeGenerated' });
    expect(incidents.events.some((event: any) => event.title === story.title && event.class === 'incident_finding' && event.severity === 'high')).toBe(true);

    // The query's own window and the request's timespan both apply.
    const narrow = await call(query, { query: 'SigninLogs | count', timespan: 'PT1M' });
    expect(narrow.tables[0].rows).toEqual([[0]]);
  });

  it("rejects unsupported or broken KQL with Log Analytics' 400 BadArgumentError envelope", async () => {
    const syntax = await rawQuery('SigninLogs | whre ResultType == "0"');
    expect(syntax.status).toBe(400);
    expect(syntax.body.error).toMatchObject({
      code: 'BadArgumentError',
      innererror: { code: 'SyntaxError', innererror: { code: 'SYN0002', line: 1, pos: 13, token: 'whre' } },
    });
    const semantic = await rawQuery('SigninLogs | where NoSuchColumn == 1');
    expect(semantic.status).toBe(400);
    expect(semantic.body.error.innererror.code).toBe('SemanticError');
    expect(semantic.body.error.innererror.innererror.message).toContain('NoSuchColumn');
    const table = await rawQuery('NoSuchTable | take 1');
    expect(table.status).toBe(400);
    const unsupported = await rawQuery('SigninLogs | extend Flag = 1');
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error.innererror.innererror.message).toContain("unsupported operator 'extend'");
    const badTimespan = await rawQuery('SigninLogs', 'yesterday');
    expect(badTimespan.status).toBe(400);

    const { 'sentinel.query': query } = tools();
    const error = await call(query, { query: 'SigninLogs | whre x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect(requests('/query', 'POST').filter((entry) => entry.status === 400)).toHaveLength(3 + 1 + 1 + 1);
  });
});

describe('sentinel incidents', () => {
  it('walks nextLink pages (>= 3) and returns every incident exactly once, the story included', async () => {
    const { 'sentinel.list_incidents': listIncidents } = tools();
    const all = await call(listIncidents, { page_size: 2, limit: 1000 });
    const pages = requests('/incidents', 'GET');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(1).every((entry) => entry.query.includes('%24skipToken='))).toBe(true);
    const names = all.incidents.map((incident: any) => incident.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(lab.world.incidents.length + 2);
    expect(pages).toHaveLength(Math.ceil(names.length / 2));
    const story = all.events.find((event: any) => event.title === lab.world.story.title);
    expect(story).toMatchObject({ class: 'incident_finding', classUid: 2005, severity: 'high', source: 'sentinel', fields: { status: 'New' } });
    const bruteForce = all.incidents.find((incident: any) => incident.properties.title.startsWith(`Brute-force attack against ${lab.world.story.targetHost}`));
    expect(bruteForce.properties).toMatchObject({ severity: 'High', status: 'New' });

    const times = all.incidents.map((incident: any) => Date.parse(incident.properties.createdTimeUtc));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const closed = await call(listIncidents, { status: 'Closed' });
    expect(closed.incidents.length).toBeGreaterThan(0);
    expect(closed.incidents.every((incident: any) => incident.properties.status === 'Closed')).toBe(true);
    const recentHigh = await call(listIncidents, { severity: 'High', since: '4h' });
    expect(recentHigh.incidents.every((incident: any) => incident.properties.severity === 'High' && Date.parse(incident.properties.createdTimeUtc) >= clock.now().getTime() - 4 * 3_600_000)).toBe(true);
    expect(recentHigh.incidents.length).toBeGreaterThan(0);
  });

  it('updates an incident (owner, then close with classification) and the change reads back, with etag checks', async () => {
    const { 'sentinel.list_incidents': listIncidents, 'sentinel.update_incident': updateIncident } = tools();
    const all = await call(listIncidents, {});
    const story = all.incidents.find((incident: any) => incident.properties.title === lab.world.story.title);
    const number = story.properties.incidentNumber as number;

    const assigned = await call(updateIncident, { incident: String(number), status: 'Active', owner: 'analyst@corp.example.com' });
    expect(assigned.before).toMatchObject({ status: 'New', owner: null });
    expect(assigned.after).toMatchObject({ status: 'Active', owner: 'analyst@corp.example.com', number });
    expect(assigned.etag).not.toBe(story.etag);
    expect(requests('/incidents/', 'PUT')).toHaveLength(1);

    // A stale etag is refused and changes nothing.
    const stale = await call(updateIncident, { incident: story.name, severity: 'Low', etag: story.etag }).catch((caught: unknown) => caught);
    expect(stale).toBeInstanceOf(ConnectorUpstreamError);
    expect((stale as ConnectorUpstreamError).status).toBe(412);

    await call(updateIncident, { incident: story.name, status: 'Closed', classification: 'TruePositive', classification_reason: 'SuspiciousActivity', classification_comment: 'contained' });
    const after = await call(listIncidents, { status: 'Closed' });
    const closed = after.incidents.find((incident: any) => incident.name === story.name);
    expect(closed.properties).toMatchObject({ status: 'Closed', classification: 'TruePositive', classificationReason: 'SuspiciousActivity', severity: 'High' });
    expect(closed.properties.owner.email).toBe('analyst@corp.example.com');

    // The Log Analytics SecurityIncident table shows the same state.
    const { 'sentinel.query': query } = tools();
    const rows = await call(query, { query: `SecurityIncident | where IncidentName == "${story.name}" | project Status, Classification` });
    expect(rows.tables[0].rows).toEqual([['Closed', 'TruePositive']]);

    expect(() => updateIncident!.input.parse({ incident: story.name, status: 'Closed' })).toThrow(/classification/);
  });
});

describe('sentinel faults and catalog', () => {
  it('waits out a 429 with Retry-After on a query (POST marked idempotent) and succeeds', async () => {
    const { 'sentinel.query': query } = tools();
    await call(query, { query: 'SigninLogs | take 1' });
    lab.journal.clear();
    lab.faults.add({ product: 'sentinel', path: '/loganalytics/v1/workspaces', status: 429, retryAfter: 3, count: 1 });
    const result = await call(query, { query: 'SigninLogs | count' });
    expect(result.tables[0].rows[0][0]).toBeGreaterThan(0);
    expect(sleeps).toContain(3000);
    expect(requests('/query').map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('does not re-send an incident PUT that got a 500', async () => {
    const { 'sentinel.list_incidents': listIncidents, 'sentinel.update_incident': updateIncident } = tools();
    const target = (await call(listIncidents, { status: 'New' })).incidents.at(-1);
    lab.journal.clear();
    lab.faults.add({ product: 'sentinel', path: '/management/', method: 'PUT', status: 500, count: 1 });
    const error = await call(updateIncident, { incident: target.name, severity: 'Low' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect(requests('/incidents/', 'PUT')).toHaveLength(1);
    const client = new SentinelClient({
      tenantId: credentials.tenantId,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      subscriptionId: credentials.subscriptionId,
      resourceGroup: credentials.resourceGroup,
      workspaceName: credentials.workspaceName,
      workspaceId: credentials.workspaceId,
      loginUrl: `${lab.url}/sentinel/login`,
      managementUrl: `${lab.url}/sentinel/management`,
      logAnalyticsUrl: `${lab.url}/sentinel/loganalytics`,
      dependencies: dependencies(),
    });
    expect((await client.getIncident(target.name)).properties.severity).toBe(target.properties.severity);
  });

  it('refuses a nextLink to another host (the ARM token must not leave)', async () => {
    const client = new SentinelClient({
      tenantId: credentials.tenantId,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      subscriptionId: credentials.subscriptionId,
      resourceGroup: credentials.resourceGroup,
      workspaceName: credentials.workspaceName,
      workspaceId: credentials.workspaceId,
      loginUrl: `${lab.url}/sentinel/login`,
      managementUrl: `${lab.url}/sentinel/management`,
      logAnalyticsUrl: `${lab.url}/sentinel/loganalytics`,
      dependencies: dependencies(),
    });
    await expect(client.listIncidentsPage({ nextLink: 'https://evil.example.com/subscriptions/x?$skipToken=1' })).rejects.toThrow(/outside the management endpoint/);
  });

  it('healthCheck reads ARM quota headers; catalog entries match the tools', async () => {
    const instance = sentinelConnector.create(config(), dependencies());
    const health = await instance.healthCheck();
    expect(health.detail).toMatch(/^listed 1 incident \(more available\)$/);
    expect(health.rateLimit?.remaining).toBeGreaterThan(0);
    const catalog = loadCatalog();
    const entries = [...catalog.tools.values()].filter((entry) => entry.connector === 'sentinel');
    expect(entries.map((entry) => entry.id).sort()).toEqual(instance.tools.map((tool) => tool.id).sort());
    for (const tool of instance.tools) {
      expect(catalog.tools.get(tool.id)!.scope).toBe(tool.scope);
      expect(catalog.tools.get(tool.id)!.requires_approval).toBe(tool.scope !== 'read');
    }
  });
});
