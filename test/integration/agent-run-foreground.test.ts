/**
 * Issue 4: `agent run` in the foreground against the lab. A run parked on an approval that another
 * process decides (and resumes) is followed to its end, with the steps that process ran; a dry run
 * shows the arguments of each write/execute call it would make; an agent that names no runtime
 * follows config `agent.runtime`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { fixedClock } from '../../src/core/clock.js';
import { runCli } from '../helpers/cli.js';
import { journalMark, labRequests, requestsSince, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';
import { spawnBinary, waitFor } from '../helpers/run-processes.js';
import { finished } from '../helpers/spawn.js';

let env: GatewayLab;
beforeEach(async () => {
  env = await startGatewayLab();
});
afterEach(async () => {
  await env.close();
});

async function cli(...args: string[]) {
  return runCli(args, { home: env.home });
}

function storedRun(runId: string) {
  const runtime = new Runtime({ home: env.home, env: {} });
  try {
    return runtime.runs().getRun(runId);
  } finally {
    runtime.close();
  }
}

describe('a foreground run whose approval another process decides', () => {
  it('follows the run the approver resumed to its end and prints the steps it ran there', async () => {
    const child = spawnBinary(['agent', 'run', 'contain-endpoint', '--param', 'hostname=workstation-042'], env.home);
    const exit = finished(child);
    const approvalId = await waitFor('the run to park on its approval', async () => {
      const pending = JSON.parse((await cli('approvals', 'list', '--pending', '--json')).stdout) as Array<{ id: string; run_id: string | null }>;
      const approval = pending.find((candidate) => candidate.run_id !== null);
      if (approval === undefined) return undefined;
      const run = storedRun(approval.run_id!);
      return run?.status === 'waiting_approval' && run.leaseOwner === null ? approval.id : undefined;
    });

    // The approver's process finds the run parked with no process holding it, and runs the step itself.
    const approved = await cli('approvals', 'approve', approvalId, '--json');
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ state: 'approved', resumed_runs: [{ status: 'succeeded' }] });

    const foreground = await exit;
    expect(foreground.code, foreground.stderr).toBe(0);
    const lines = foreground.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^run run_\w+: succeeded$/);
    // The steps the other process ran, in order, each once.
    expect(lines.filter((line) => / ✓ isolate: approval apr_\w+ approved; calling cisco\.secure_endpoint\.isolate$/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => / ✓ isolate: hostname, connector_guid, status$/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => / ■ run succeeded$/.test(line))).toHaveLength(1);
    const puts = (await labRequests(env.lab.url, { product: 'secure_endpoint', method: 'PUT' })).filter((entry) => entry.path.endsWith('/isolation'));
    expect(puts).toHaveLength(1);
  });
});

describe('dry runs show the calls they would make', () => {
  it('each write/execute step prints its tool, scope and rendered arguments, and nothing is sent', async () => {
    const mark = await journalMark(env.lab.url);
    const result = await cli('agent', 'run', 'threat-hunt-agent', '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    const line = result.stdout.split('\n').find((candidate) => candidate.includes('page_on_call: dry run'));
    expect(line).toMatch(/page_on_call: dry run, would call pagerduty\.create_incident \(write\) with \{"summary":"Brute force: \d+ failed logons from [\d.]+ to [\w-]+","source":"[\w-]+","severity":"critical","dedup_key":"threat-hunt\/brute-force\//);
    expect(await requestsSince(env.lab.url, mark, { product: 'pagerduty' })).toEqual([]);
  });
});

describe('an agent without runtime: follows config agent.runtime', () => {
  const AGENT = `name: page-now
description: Pages the on-call responder at once.
version: 1.0.0
tools: [pagerduty.create_incident]
permissions: { write: true }
steps:
  - name: page
    tool: pagerduty.create_incident
    requires_approval: false
    params:
      summary: "DefenseClaw runtime test"
      source: workstation-042
      severity: warning
      dedup_key: defenseclaw/runtime-test
`;

  it('secure (the default): the write waits for an approver; standard: requires_approval: false is honoured', async () => {
    mkdirSync(join(env.home, 'agents'), { recursive: true });
    writeFileSync(join(env.home, 'agents', 'page-now.yaml'), AGENT);
    const enqueues = () => labRequests(env.lab.url, { product: 'pagerduty', method: 'POST', path: '/events/v2/enqueue' });

    const secure = await cli('agent', 'run', 'page-now', '--detach', '--json');
    expect(secure.code, secure.stderr).toBe(0);
    expect(JSON.parse(secure.stdout)).toMatchObject({ status: 'waiting_approval', approval_id: expect.stringMatching(/^apr_/) });
    expect(await enqueues()).toEqual([]);

    expect((await cli('config', 'set', 'agent.runtime', 'standard')).code).toBe(0);
    const standard = await cli('agent', 'run', 'page-now', '--json');
    expect(standard.code, standard.stderr).toBe(0);
    expect(JSON.parse(standard.stdout)).toMatchObject({ status: 'succeeded', approval_id: null });
    expect(await enqueues()).toHaveLength(1);
  });

  it('runtime: secure in the file wins over config standard', async () => {
    mkdirSync(join(env.home, 'agents'), { recursive: true });
    writeFileSync(join(env.home, 'agents', 'page-now.yaml'), AGENT.replace('version: 1.0.0\n', 'version: 1.0.0\nruntime: secure\n'));
    expect((await cli('config', 'set', 'agent.runtime', 'standard')).code).toBe(0);
    const run = await cli('agent', 'run', 'page-now', '--detach', '--json');
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'waiting_approval' });
    expect(await labRequests(env.lab.url, { product: 'pagerduty', method: 'POST', path: '/events/v2/enqueue' })).toEqual([]);
  });

  it('a read step that says requires_approval: true waits for an approver (honoured as written); a dry run only previews it', async () => {
    mkdirSync(join(env.home, 'agents'), { recursive: true });
    writeFileSync(
      join(env.home, 'agents', 'careful-read.yaml'),
      `name: careful-read
description: Reads one endpoint, but only once someone agrees.
version: 1.0.0
runtime: standard
tools: [cisco.secure_endpoint.status]
permissions: { read: true }
steps:
  - name: endpoint
    tool: cisco.secure_endpoint.status
    requires_approval: true
    params: { hostname: workstation-042 }
`,
    );
    const mark = await journalMark(env.lab.url);
    const dry = await cli('agent', 'run', 'careful-read', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/endpoint: dry run, would call secure_endpoint\.get_computer \(read\) after approval with \{"hostname":"workstation-042"\}/);
    expect(await requestsSince(env.lab.url, mark, { product: 'secure_endpoint' })).toEqual([]);

    const run = await cli('agent', 'run', 'careful-read', '--detach', '--json');
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'waiting_approval', approval_id: expect.stringMatching(/^apr_/) });
    expect(await requestsSince(env.lab.url, mark, { product: 'secure_endpoint' })).toEqual([]);
    const approvalId = (JSON.parse(run.stdout) as { approval_id: string }).approval_id;
    const approved = await cli('approvals', 'approve', approvalId, '--json');
    expect(JSON.parse(approved.stdout)).toMatchObject({ state: 'approved', resumed_runs: [{ status: 'succeeded' }] });
    expect((await requestsSince(env.lab.url, mark, { product: 'secure_endpoint' })).length).toBeGreaterThan(0);
  });
});

describe('run parameters are text; the tool input decides their type', () => {
  it('--param hours=24 fills a number param through a template, and the run succeeds against the lab', async () => {
    mkdirSync(join(env.home, 'agents'), { recursive: true });
    writeFileSync(
      join(env.home, 'agents', 'recent-events.yaml'),
      `name: recent-events
description: Recent Secure Endpoint events of one host.
version: 1.0.0
tools: [secure_endpoint.list_events]
permissions: { read: true }
steps:
  - name: events
    tool: secure_endpoint.list_events
    params:
      hostname: "{{ params.host }}"
      since_hours: "{{ params.hours }}"
      limit: "{{ params.limit }}"
`,
    );
    const run = await cli('agent', 'run', 'recent-events', '--param', 'host=workstation-042', '--param', 'hours=24', '--param', 'limit=5', '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded', steps: [{ step: 'events', status: 'succeeded' }] });
    const bad = await cli('agent', 'run', 'recent-events', '--param', 'host=workstation-042', '--param', 'hours=a-day', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 'failed', error: expect.stringMatching(/since_hours/) });
  });
});

describe('a parked run whose approval expires', () => {
  it('ends failed (expired means denied) once anything notices the expiry, and nothing is isolated', async () => {
    const clock = fixedClock(Date.now());
    const at = (args: string[]) => runCli(args, { home: env.home, clock });
    const started = JSON.parse((await at(['agent', 'run', 'contain-endpoint', '--param', 'hostname=workstation-042', '--detach', '--json'])).stdout) as { run_id: string; status: string };
    expect(started.status).toBe('waiting_approval');
    clock.advance(60 * 60 * 1000 + 1_000); // approvals.expiry is 1h in the lab config
    const listed = await at(['approvals', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ state: 'expired' })]);
    expect(storedRun(started.run_id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/step isolate expired/) });
    const puts = (await labRequests(env.lab.url, { product: 'secure_endpoint', method: 'PUT' })).filter((entry) => entry.path.endsWith('/isolation'));
    expect(puts).toEqual([]);
  });
});

