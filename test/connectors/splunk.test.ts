import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { fixedClock } from '../../src/core/clock.js';
import type { ConnectorInstance } from '../../src/connectors/connector.js';
import { ConnectorAuthError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import { createSplunkClient, normalizeSearchRow, splunkConnector, withGeneratingCommand } from '../../src/connectors/splunk/index.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { splunkSimulator } from '../../src/lab/products/splunk.js';

const credentials = LAB_CREDENTIALS.splunk;

let lab: Lab;
let clock: ReturnType<typeof fixedClock>;
let sleeps: number[];

beforeEach(async () => {
  clock = fixedClock('2026-03-02T12:00:00Z');
  sleeps = [];
  lab = await startLab({ products: [splunkSimulator], clock });
});

afterEach(async () => {
  await lab.close();
});

function config(options: { auth?: 'token' | 'session'; password?: string; hecToken?: string } = {}) {
  const auth =
    (options.auth ?? 'token') === 'token'
      ? [`    token: ${credentials.token}`]
      : [`    username: ${credentials.username}`, `    password: ${options.password ?? credentials.password}`];
  const text = [
    'integrations:',
    '  splunk:',
    `    url: ${lab.url}/splunk`,
    ...auth,
    `    hec_url: ${lab.url}/splunk`,
    `    hec_token: ${options.hecToken ?? credentials.hecToken}`,
    '    index: security',
  ].join('\n');
  return parseConfigText(text, { file: 'test.yaml', env: {}, exists: true }).config;
}

function dependencies() {
  return {
    clock,
    sleep: async (milliseconds: number) => {
      sleeps.push(milliseconds);
    },
  };
}

function connector(options?: Parameters<typeof config>[0]): ConnectorInstance {
  return splunkConnector.create(config(options), dependencies());
}

async function call(instance: ConnectorInstance, id: string, input: unknown): Promise<any> {
  const tool = instance.tools.find((candidate) => candidate.id === id);
  if (tool === undefined) throw new Error(`no tool ${id}`);
  return tool.handler(tool.input.parse(input), { clock });
}

function journal(method?: string, path?: string) {
  return lab.journal.list({ product: 'splunk', ...(method === undefined ? {} : { method }), ...(path === undefined ? {} : { path }) });
}

async function labPost(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${lab.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.ok).toBe(true);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

const failedLogons = () => lab.world.events.filter((event) => event.products.includes('splunk') && event.kind === 'logon' && event.eventCode === 4625);

describe('splunk auth', () => {
  it('sends a Bearer token', async () => {
    const health = await connector().healthCheck();
    expect(health.detail).toContain('9.2.1');
    expect(journal('POST', '/services/auth/login')).toHaveLength(0);
  });

  it('logs in once for a session, and once more after the session expires', async () => {
    const instance = connector({ auth: 'session' });
    await instance.healthCheck();
    await instance.healthCheck();
    expect(journal('POST', '/services/auth/login')).toHaveLength(1);
    await labPost('/__lab/tokens/expire', { product: 'splunk' });
    await instance.healthCheck();
    expect(journal('POST', '/services/auth/login')).toHaveLength(2);
    expect(journal().filter((entry) => entry.status === 401)).toHaveLength(1);
  });

  it('reports a refused login as ConnectorAuthError without the password', async () => {
    const error = await rejection(connector({ auth: 'session', password: 'not-the-password-123' }).healthCheck());
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).not.toContain('not-the-password-123');
    expect((error as Error).message).toContain('Login failed');
  });
});

describe('splunk search jobs and export', () => {
  it('runs a job through QUEUED, RUNNING and DONE and pages its results', async () => {
    const client = createSplunkClient(config(), dependencies());
    const query = `index=wineventlog EventCode=4625 Account_Name=${lab.world.story.serviceAccount} earliest=-4h`;
    const sid = await client.createJob(query);
    expect((await client.jobStatus(sid)).dispatchState).toBe('QUEUED');
    expect((await client.jobStatus(sid)).dispatchState).toBe('RUNNING');
    const done = await client.jobStatus(sid);
    expect(done).toMatchObject({ dispatchState: 'DONE', isDone: true, resultCount: lab.world.story.failedLogons });
    const rows = await client.jobResults(sid, { pageSize: 7 });
    expect(rows).toHaveLength(lab.world.story.failedLogons);
    expect(new Set(rows.map((row) => row._cd)).size).toBe(rows.length);
    const expected = failedLogons().filter((event) => event.user === lab.world.story.serviceAccount);
    expect(new Set(rows.map((row) => Number(row._time) * 1000))).toEqual(new Set(expected.map((event) => event.time.getTime())));
    expect(journal('GET', `/jobs/${sid}/results`)).toHaveLength(Math.ceil(lab.world.story.failedLogons / 7));
  });

  it('polls a job with the injected sleep until done (splunk.search mode job)', async () => {
    const output = await call(connector(), 'splunk.search', { query: 'index=wineventlog EventCode=4624', mode: 'job', earliest: '-24h' });
    expect(output.mode).toBe('job');
    expect(output.sid).toMatch(/^\d+\.\d+$/);
    const expected = lab.world.events.filter((event) => event.products.includes('splunk') && event.eventCode === 4624);
    expect(output.count).toBe(expected.length);
    expect(sleeps.length).toBe(2);
    expect(journal('POST', '/services/search/v2/jobs')).toHaveLength(1);
  });

  it('counts the 40 failed logons of the story with stats count by', async () => {
    const output = await call(connector(), 'splunk.search', {
      query: 'search index=wineventlog sourcetype="WinEventLog:Security" EventCode=4625 | stats count by src_ip, dest | where count > 10',
      earliest: '-4h',
    });
    expect(output.mode).toBe('export');
    expect(output.rows).toEqual([{ src_ip: lab.world.story.victimIp, dest: lab.world.story.targetHost, count: String(lab.world.story.failedLogons) }]);
    expect(output.events).toEqual([]);
    expect(journal('POST', '/jobs/export')).toHaveLength(1);
  });

  it('exports firewall connection events of Secure Firewall and normalises them', async () => {
    const output = await call(connector(), 'splunk.search', { query: `index=firewall sourcetype=cisco:ftd dest_ip=${lab.world.story.attackerIp}`, earliest: '-4h', mode: 'export' });
    const expected = lab.world.events.filter((event) => event.products.includes('secure_firewall') && event.destinationIp === lab.world.story.attackerIp);
    expect(output.count).toBe(expected.length);
    expect(output.count).toBeGreaterThanOrEqual(10);
    const events = output.events as Array<{ class: string; entities: { ips: string[] }; fields: Record<string, unknown>; time: string }>;
    expect(events.every((event) => event.class === 'network_activity')).toBe(true);
    expect(events.every((event) => event.entities.ips.includes(lab.world.story.attackerIp))).toBe(true);
    expect(events.some((event) => event.fields.dst_port === 80 && event.fields.src_ip === lab.world.story.victimIp)).toBe(true);
    expect(events[0]!.fields.origin).toBe('secure-firewall');
    // Newest first, as Splunk returns events.
    expect(Date.parse(events[0]!.time)).toBeGreaterThan(Date.parse(events.at(-1)!.time));
  });

  it('evaluates table, head, sort, OR, NOT, quoted terms and wildcards', async () => {
    const client = createSplunkClient(config(), dependencies());
    const rows = await client.exportSearch('index=wineventlog (EventCode=4624 OR EventCode=5140) NOT Account_Name=svc_* | table _time, Account_Name | head 3', { earliest: '-24h' });
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => Object.keys(row).sort().join(',') === 'Account_Name,_time')).toBe(true);
    expect(rows.every((row) => !String(row.Account_Name).startsWith('svc_'))).toBe(true);
    const quoted = await client.exportSearch(`index=email "${lab.world.story.phishSubject}"`, { earliest: '-4h' });
    expect(quoted).toHaveLength(1);
    expect(quoted[0]).toMatchObject({ src_user: lab.world.story.phishSender, file_hash: lab.world.story.attachmentSha256 });
    const sorted = await client.exportSearch('index=firewall | stats sum(bytes_out) as bytes, dc(dest_ip) as destinations by src_ip | sort - bytes | head 2', { earliest: '-24h' });
    expect(sorted).toHaveLength(2);
    expect(Number(sorted[0]!.bytes)).toBeGreaterThanOrEqual(Number(sorted[1]!.bytes));
    const outside = await client.exportSearch('index=wineventlog EventCode=4625', { earliest: '-30m' });
    expect(outside).toEqual([]);
  });

  it("answers unsupported SPL with Splunk's 400 FATAL messages envelope", async () => {
    const error = await rejection(call(connector(), 'splunk.search', { query: 'index=main | eval x=1' }));
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect((error as ConnectorUpstreamError).status).toBe(400);
    expect((error as ConnectorUpstreamError).summary).toBe("Unknown search command 'eval'.");
    const raw = await fetch(`${lab.url}/splunk/services/search/v2/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credentials.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ search: 'index=main', output_mode: 'json' }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ messages: [{ type: 'FATAL', text: "Unknown search command 'index'." }] });
  });

  it('re-sends an export after a 429 (a read), but never a job creation after a 503', async () => {
    const instance = connector();
    await labPost('/__lab/faults', { product: 'splunk', path: '/services/search/v2/jobs/export', status: 429, retryAfter: 1, count: 1 });
    const output = await call(instance, 'splunk.search', { query: 'index=email', earliest: '-4h' });
    expect(output.count).toBe(1);
    expect(sleeps).toContain(1000);
    expect(journal('POST', '/jobs/export')).toHaveLength(2);

    await labPost('/__lab/faults', { product: 'splunk', path: '/services/search/v2/jobs', method: 'POST', status: 503, count: 1 });
    const error = await rejection(call(instance, 'splunk.search', { query: 'index=email', mode: 'job' }));
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect(journal('POST', '/services/search/v2/jobs').filter((entry) => !entry.path.endsWith('/export'))).toHaveLength(1);
  });

  it('adds the generating command only when missing', () => {
    expect(withGeneratingCommand('index=main')).toBe('search index=main');
    expect(withGeneratingCommand('search index=main')).toBe('search index=main');
    expect(withGeneratingCommand('| tstats count')).toBe('| tstats count');
  });
});

describe('splunk HEC', () => {
  it('sends a batch that becomes searchable', async () => {
    const instance = connector();
    const sent = await call(instance, 'splunk.send_event', {
      events: [
        { event: { action: 'blocked', ip: lab.world.story.attackerIp, incident: lab.world.story.incidentId }, time: clock.now().getTime() / 1000 - 60 },
        { event: 'plain text finding', fields: { analyst: 'soc-bot' } },
      ],
    });
    expect(sent).toMatchObject({ sent: 2, code: 0, text: 'Success', indexes: ['security'] });
    const hecPost = journal('POST', '/services/collector/event');
    expect(hecPost).toHaveLength(1);

    const found = await call(instance, 'splunk.search', { query: 'index=security sourcetype=defenseclaw', earliest: '-15m' });
    expect(found.count).toBe(2);
    expect(found.rows.some((row: Record<string, string>) => row.ip === lab.world.story.attackerIp && row.incident === lab.world.story.incidentId)).toBe(true);
    expect(found.rows.some((row: Record<string, string>) => row._raw === 'plain text finding' && row.analyst === 'soc-bot')).toBe(true);
  });

  it('answers the HEC code table for bad input', async () => {
    const post = (body: string, token: string = credentials.hecToken) =>
      fetch(`${lab.url}/splunk/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body }).then(async (response) => ({ status: response.status, body: await response.json() }));
    expect(await post('')).toEqual({ status: 400, body: { text: 'No data', code: 5 } });
    expect(await post('{"event":"a"}{"sourcetype":"x"}')).toEqual({ status: 400, body: { text: 'Event field is required', code: 12, 'invalid-event-number': 1 } });
    expect(await post('{"event":"a"}{not json')).toEqual({ status: 400, body: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 } });
    expect(await post('{"event":"a"}', 'wrong-token')).toEqual({ status: 403, body: { text: 'Invalid token', code: 4 } });
  });

  it('does not re-send a batch answered 503 (code 9, server busy)', async () => {
    await labPost('/__lab/faults', { product: 'splunk', path: '/services/collector/event', status: 503, count: 1 });
    const error = await rejection(call(connector(), 'splunk.send_event', { events: [{ event: 'x' }] }));
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect((error as ConnectorUpstreamError).summary).toBe('Server is busy');
    expect(journal('POST', '/services/collector/event')).toHaveLength(1);
  });

  it('refuses a wrong HEC token with a 403 error, keeping the token out of the message', async () => {
    const error = await rejection(call(connector({ hecToken: 'bad-hec-token-0000' }), 'splunk.send_event', { events: [{ event: 'x' }] }));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain('bad-hec-token-0000');
  });
});

describe('splunk normalisation', () => {
  it('turns the story logons into authentication events with users, hosts and ips', async () => {
    const client = createSplunkClient(config(), dependencies());
    const rows = await client.exportSearch('index=wineventlog EventCode=4625 OR EventCode=4624', { earliest: '-4h' });
    const events = rows.map((row) => normalizeSearchRow(row)!);
    const failures = events.filter((event) => event.fields.outcome === 'failure' && event.fields.user === lab.world.story.serviceAccount);
    expect(failures).toHaveLength(lab.world.story.failedLogons);
    expect(failures[0]).toMatchObject({
      class: 'authentication',
      classUid: 3002,
      severity: 'low',
      source: 'splunk',
      title: 'An account failed to log on',
      entities: expect.objectContaining({ users: [lab.world.story.serviceAccount], ips: [lab.world.story.victimIp] }),
      fields: expect.objectContaining({ event_code: '4625', host: lab.world.story.targetHost, user: lab.world.story.serviceAccount }),
    });
    expect(failures[0]!.entities.hosts).toEqual([lab.world.story.targetHost, lab.world.story.victimHost]);
    const success = events.find((event) => event.fields.outcome === 'success' && event.fields.user === lab.world.story.serviceAccount)!;
    expect(success.time).toBe(lab.world.events.find((event) => event.eventCode === 4624 && event.tag === 'story')!.time.toISOString());
  });

  it('maps mail and share access by sourcetype and ignores stats rows', () => {
    const mail = normalizeSearchRow({ _time: '1772445600', index: 'email', sourcetype: 'cisco:esa:textmail', src_user: 'a@evil.example', recipient: 'jdoe@corp.example.com', subject: 'Invoice', file_hash: 'ABC', _raw: 'x' })!;
    expect(mail).toMatchObject({ class: 'email_activity', classUid: 4009, time: '2026-03-02T10:00:00.000Z' });
    expect(mail.entities).toMatchObject({ users: ['jdoe'], domains: ['evil.example'], hashes: ['abc'] });
    const share = normalizeSearchRow({ _time: '2026-03-02T10:00:00.000+00:00', sourcetype: 'WinEventLog:Security', EventCode: '5140', Account_Name: 'svc', src_ip: '10.0.0.1', dest: 'srv' })!;
    expect(share.class).toBe('network_activity');
    expect(normalizeSearchRow({ src_ip: '10.0.0.1', count: '40' })).toBeUndefined();
  });
});
