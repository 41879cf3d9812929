/**
 * Issue 4, properties 4–7: agent runs against the lab. Concurrent deciders and resumers execute an
 * approved step exactly once; a run whose process was killed while waiting resumes after the
 * decision; dry runs make no write; threat-hunt-agent pages PagerDuty once (dedup_key).
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentRunnable, BUILT_IN_AGENTS_DIRECTORY, loadAgent } from '../../src/agents/agent-library.js';
import { AgentRunner } from '../../src/agents/runner/agent-runner.js';
import type { RunStore } from '../../src/agents/runner/run-store.js';
import { Runtime } from '../../src/app/runtime.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { runCli } from '../helpers/cli.js';
import { basic, isMutating, journalMark, labRequests, requestsSince, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';
import { finished } from '../helpers/spawn.js';
import { runTogether, spawnBinary, waitFor } from '../helpers/run-processes.js';

let env: GatewayLab;
beforeEach(async () => {
  env = await startGatewayLab();
});
afterEach(async () => {
  await env.close();
});

interface RunJson {
  run_id: string;
  status: string;
  approval_id: string | null;
  error: string | null;
  steps: Array<{ step: string; status: string; approval_id: string | null }>;
}

async function cli(...args: string[]) {
  return runCli(args, { home: env.home });
}

async function isolationPuts(since = 0) {
  return (await requestsSince(env.lab.url, since, { product: 'secure_endpoint', method: 'PUT' })).filter((entry) => entry.path.endsWith('/isolation'));
}

/** Isolation status of a host as Secure Endpoint (the lab) reports it. */
async function isolationOf(hostname: string): Promise<string> {
  const headers = { authorization: basic(LAB_CREDENTIALS.secureEndpoint.clientId, LAB_CREDENTIALS.secureEndpoint.apiKey) };
  const computers = (await (await fetch(`${env.lab.url}/secure-endpoint/v1/computers?hostname[]=${hostname}`, { headers })).json()) as { data: Array<{ connector_guid: string; hostname: string }> };
  const computer = computers.data.find((entry) => entry.hostname.split('.')[0] === hostname);
  expect(computer, `${hostname} in the lab`).toBeDefined();
  const isolation = (await (await fetch(`${env.lab.url}/secure-endpoint/v1/computers/${computer!.connector_guid}/isolation`, { headers })).json()) as { data: { status: string } };
  return isolation.data.status;
}

/** The run as the database has it, read through a fresh runtime (what another process would see). */
function storedRun(runId: string) {
  const runtime = new Runtime({ home: env.home, env: {} });
  try {
    return { run: runtime.runs().getRun(runId), steps: runtime.runs().stepResults(runId), approvals: runtime.approvals().list() };
  } finally {
    runtime.close();
  }
}

describe('two processes deciding and resuming at once', () => {
  it('two `approvals approve` and two `agent resume` processes released together isolate the host exactly once', async () => {
    const started = await cli('agent', 'run', 'contain-endpoint', '--param', 'hostname=workstation-042', '--detach', '--json');
    expect(started.code, started.stderr).toBe(0);
    const first = JSON.parse(started.stdout) as RunJson;
    expect(first).toMatchObject({ status: 'waiting_approval', approval_id: expect.stringMatching(/^apr_/) });
    const approvalId = first.approval_id!;
    expect(await isolationPuts()).toEqual([]);

    const goFile = join(mkdtempSync(join(env.home, 'barrier-')), 'go');
    const exits = await runTogether(
      [
        ['approvals', 'approve', approvalId, '--json'],
        ['approvals', 'approve', approvalId, '--json'],
        ['agent', 'resume', first.run_id, '--json'],
        ['agent', 'resume', first.run_id, '--json'],
      ],
      env.home,
      goFile,
    );
    const [approveA, approveB, resumeA, resumeB] = exits;
    // Exactly one decision: the other approver process is told it is no longer pending.
    const approveExits = [approveA!, approveB!];
    expect(approveExits.map((exit) => exit.code).sort(), approveExits.map((exit) => exit.stderr).join('\n')).toEqual([0, 1]);
    const winner = approveExits.find((exit) => exit.code === 0)!;
    const loser = approveExits.find((exit) => exit.code === 1)!;
    expect(JSON.parse(winner.stdout)).toMatchObject({ id: approvalId, state: 'approved' });
    expect(loser.stderr).toMatch(new RegExp(`approval ${approvalId} is already approved`));
    for (const resume of [resumeA!, resumeB!]) {
      expect(resume.code, resume.stderr).toBe(0);
      expect(['succeeded', 'waiting_approval', 'running']).toContain((JSON.parse(resume.stdout) as RunJson).status);
    }

    // The oracle: one isolation PUT, the host is isolated, the run ended succeeded, the approval was used once.
    const puts = await isolationPuts();
    expect(puts).toHaveLength(1);
    expect(puts[0]!.status).toBe(200);
    expect(['pending_start', 'isolated']).toContain(await isolationOf('workstation-042'));
    const stored = storedRun(first.run_id);
    expect(stored.run).toMatchObject({ status: 'succeeded', leaseOwner: null, error: null });
    expect(stored.steps.map((step) => [step.name, step.status, step.approvalId])).toEqual([
      ['endpoint', 'succeeded', null],
      ['isolate', 'succeeded', approvalId],
    ]);
    // No second approval was requested by a process that came late.
    expect(stored.approvals.map((approval) => [approval.id, approval.state, approval.executedAt === null])).toEqual([[approvalId, 'approved', false]]);
    const audit = JSON.parse((await cli('audit', 'show', '--json', '--last', '500', '--tool', 'secure_endpoint.isolate_host')).stdout) as Array<{ action: string; target: string; outcome: string }>;
    expect(audit.filter((record) => record.action === 'tool.call' && record.target === 'secure_endpoint.isolate_host' && record.outcome === 'succeeded')).toHaveLength(1);
  });

  it('a process that read the run just before another finished it does not run the step again or reopen the run', async () => {
    // In AgentRunner#execute the run is read BEFORE its lease is claimed. When another process
    // finishes the step and releases the lease between that read and the claim, the stale copy
    // (nextStep still at the approval step) is what the late process executes from. This test
    // hands the late runner exactly that stale read.
    const runtime = env.runtime;
    const definition = loadAgent(join(BUILT_IN_AGENTS_DIRECTORY, 'contain-endpoint.yaml'), runtime.tools());
    const waiting = await runtime.runner().start(agentRunnable(definition), { params: { hostname: 'workstation-042' }, requester: 'cli:gateway-test', dryRun: false });
    expect(waiting).toMatchObject({ status: 'waiting_approval', approvalId: expect.stringMatching(/^apr_/) });
    const stale = runtime.runs().getRun(waiting.runId)!;
    expect((await runtime.approvals().decide(waiting.approvalId!, 'U0LABAPR01', 'approve')).state).toBe('approved');
    expect(await runtime.runner().execute(waiting.runId)).toMatchObject({ status: 'succeeded' });
    expect(await isolationPuts()).toHaveLength(1);

    const repository = runtime.runs();
    let reads = 0;
    const lateStore: RunStore = Object.assign(Object.create(repository) as RunStore, {
      getRun: (id: string) => (reads++ === 0 ? stale : repository.getRun(id)),
    });
    const late = new AgentRunner({ gateway: runtime.gateway(), registry: runtime.tools(), store: lateStore, clock: runtime.clock, maxConcurrent: 1 });
    const outcome = await late.execute(waiting.runId);

    // Holds today: the late process cannot run the isolation again without a new approval.
    expect(await isolationPuts()).toHaveLength(1);
    // Fails today (BUG): the late process reopens the finished run (succeeded → waiting_approval),
    // overwrites the isolate step's result and asks approvers for a second isolation.
    expect(runtime.runs().getRun(waiting.runId)).toMatchObject({ status: 'succeeded', nextStep: 2 });
    expect(runtime.runs().stepResults(waiting.runId).map((step) => [step.name, step.status, step.approvalId])).toEqual([
      ['endpoint', 'succeeded', null],
      ['isolate', 'succeeded', waiting.approvalId],
    ]);
    expect(runtime.approvals().list().map((approval) => approval.id)).toEqual([waiting.approvalId]);
    expect(outcome.status).toBe('succeeded');
  });
});

describe('restart while waiting for an approval', () => {
  it('a foreground run killed with SIGKILL while waiting resumes when the approval is decided in another process', async () => {
    const child = spawnBinary(['agent', 'run', 'contain-endpoint', '--param', 'hostname=workstation-042'], env.home);
    const exit = finished(child);
    let approvalId: string;
    try {
      approvalId = await waitFor('the run to ask for approval and park', async () => {
        const listed = await cli('approvals', 'list', '--pending', '--json');
        if (listed.code !== 0) return undefined;
        const pending = JSON.parse(listed.stdout) as Array<{ id: string; tool: string; run_id: string | null }>;
        const approval = pending.find((candidate) => candidate.tool === 'secure_endpoint.isolate_host');
        if (approval?.run_id == null) return undefined;
        // Kill only once the run is parked (waiting, lease released): a process killed between
        // asking and parking still holds its lease, and that run resumes only after the lease runs out.
        const parked = storedRun(approval.run_id).run;
        return parked?.status === 'waiting_approval' && parked.leaseOwner === null ? approval.id : undefined;
      });
    } finally {
      child.kill('SIGKILL');
    }
    const killed = await exit;
    expect(killed.signal).toBe('SIGKILL');
    expect(await isolationPuts()).toEqual([]);

    const runtime = new Runtime({ home: env.home, env: {} });
    const [run] = runtime.runs().listRuns();
    runtime.close();
    // Waiting releases the lease, so the killed process leaves nothing that blocks a resume.
    expect(run).toMatchObject({ name: 'contain-endpoint', status: 'waiting_approval', leaseOwner: null, leaseUntil: null });

    const approved = await cli('approvals', 'approve', approvalId, '--json');
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ state: 'approved', resumed_runs: [{ run_id: run!.id, status: 'succeeded' }] });

    expect(storedRun(run!.id).run).toMatchObject({ status: 'succeeded', leaseOwner: null });
    expect(await isolationPuts()).toHaveLength(1);
    expect(['pending_start', 'isolated']).toContain(await isolationOf('workstation-042'));
    // Resuming again changes nothing.
    const again = await cli('agent', 'resume', run!.id, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'succeeded' });
    expect(await isolationPuts()).toHaveLength(1);
  });
});

describe('dry runs of the built-in agents', () => {
  const AGENTS: Array<{ name: string; params: string[]; writes: string[] }> = [
    { name: 'triage-alert', params: ['incident_id=XDR-2026-001234'], writes: ['servicenow.create_incident'] },
    { name: 'enrich-ioc', params: ['domain=update-check.example-cdn.net'], writes: [] },
    { name: 'contain-endpoint', params: ['hostname=workstation-042'], writes: ['secure_endpoint.isolate_host'] },
    { name: 'threat-hunt-agent', params: [], writes: ['pagerduty.create_incident'] },
    { name: 'inventory-sweep', params: [], writes: [] },
  ];

  it('covers every built-in agent', async () => {
    const listed = JSON.parse((await cli('agent', 'list', '--json')).stdout) as Array<{ name: string; source: string }>;
    expect(listed.filter((entry) => entry.source === 'built-in').map((entry) => entry.name).sort()).toEqual(AGENTS.map((agent) => agent.name).sort());
  });

  it.each(AGENTS)('$name --dry-run makes no write/execute request, asks no approval, and shows the calls it would make', async ({ name, params, writes }) => {
    const mark = await journalMark(env.lab.url);
    const result = await cli('agent', 'run', name, '--dry-run', ...params.flatMap((param) => ['--param', param]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/run run_\w+: succeeded/);
    for (const tool of writes) expect(result.stdout).toMatch(new RegExp(`dry run, would call ${tool.replace('.', '\\.')} \\((write|execute)\\)`));

    const requests = await requestsSince(env.lab.url, mark);
    expect(requests.length, 'the reads did run').toBeGreaterThan(0);
    expect(requests.filter(isMutating).map((entry) => `${entry.method} ${entry.path}`)).toEqual([]);
    expect(env.runtime.approvals().list()).toEqual([]);
    const dryRuns = env.runtime.ledger().query({ action: 'tool.call', outcome: 'dry_run' });
    expect(dryRuns.map((record) => record.target).sort()).toEqual([...writes].sort());
    expect(env.runtime.ledger().query({ action: 'approval.request' })).toEqual([]);
  });
});

describe('threat-hunt-agent against the lab', () => {
  const TOKEN_HEADERS = { authorization: `Token token=${LAB_CREDENTIALS.pagerduty.apiToken}`, accept: 'application/vnd.pagerduty+json;version=2' };

  async function incidents(): Promise<Array<{ id: string; title: string; status: string; incident_key: string }>> {
    const all: Array<{ id: string; title: string; status: string; incident_key: string }> = [];
    for (let offset = 0; ; offset += 100) {
      const response = await fetch(`${env.lab.url}/pagerduty/api/incidents?limit=100&offset=${offset}`, { headers: TOKEN_HEADERS });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { incidents: typeof all; more: boolean };
      all.push(...page.incidents);
      if (!page.more) return all;
    }
  }

  it('pages PagerDuty exactly once, and a second run leaves one open incident (dedup_key)', async () => {
    const before = await incidents();
    const first = await cli('agent', 'run', 'threat-hunt-agent', '--json');
    expect(first.code, first.stderr).toBe(0);
    const run = JSON.parse(first.stdout) as RunJson;
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((step) => [step.step, step.status])).toEqual([
      ['findings', 'succeeded'],
      ['xdr_activity', 'succeeded'],
      ['page_on_call', 'succeeded'],
    ]);
    // runtime: standard and requires_approval: false on the step: nobody was asked.
    expect(env.runtime.approvals().list()).toEqual([]);

    const enqueues = await labRequests(env.lab.url, { product: 'pagerduty', method: 'POST', path: '/events/v2/enqueue' });
    expect(enqueues.map((entry) => entry.status)).toEqual([202]);
    const afterFirst = await incidents();
    const created = afterFirst.filter((incident) => !before.some((old) => old.id === incident.id));
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ status: 'triggered', incident_key: expect.stringMatching(/^threat-hunt\/brute-force\//), title: expect.stringMatching(/^Brute force: \d+ failed logons from /) });

    const second = await cli('agent', 'run', 'threat-hunt-agent', '--json');
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as RunJson).status).toBe('succeeded');
    expect(await labRequests(env.lab.url, { product: 'pagerduty', method: 'POST', path: '/events/v2/enqueue' })).toHaveLength(2);
    const afterSecond = await incidents();
    expect(afterSecond).toHaveLength(afterFirst.length);
    expect(afterSecond.filter((incident) => incident.incident_key === created[0]!.incident_key && incident.status !== 'resolved')).toHaveLength(1);
  });
});
