import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { REPO_ROOT } from '../helpers/spawn.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { journal } from '../helpers/lab-config.js';

const WORKFLOW = join(REPO_ROOT, 'agents', 'workflows', 'auto-threat-response.yaml');
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** POSTs that only read (searches, entity lookups, token requests). */
const READ_POSTS = [/\/oauth2\/token$/, /\/auth\/v2\/token$/, /\/iroh-enrich\//, /\/iroh-inspect\//, /\/respond\/observables$/, /\/generatetoken$/, /\/refreshtoken$/, /\/query$/, /\/entities\/(devices|alerts)\/v2$/, /\/search\/v2\/jobs\/export$/, /\/auth\/login$/, /\/oauth2\/v2\.0\/token$/, /\/categorization\/?$/];

let home: ReturnType<typeof temporaryHome>;
let lab: Lab;
beforeEach(async () => {
  home = temporaryHome();
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
});
afterEach(async () => {
  await lab.close();
  home.cleanup();
});

const cli = (args: string[]) => runCli(args, { home: home.home });
const writes = async () => (await journal(lab.url)).filter((entry) => MUTATING.has(entry.method) && !READ_POSTS.some((pattern) => pattern.test(entry.path)));

describe('workflows against the lab', () => {
  it('registers the seed’s auto-threat-response inactive, and lists it', async () => {
    const registered = await cli(['workflow', 'register', WORKFLOW, '--json']);
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({ name: 'auto-threat-response', trigger: { type: 'event', source: 'cisco-xdr' }, steps: 3 });
    const listed = JSON.parse((await cli(['workflow', 'list', '--json'])).stdout);
    expect(listed).toEqual([expect.objectContaining({ name: 'auto-threat-response', active: false })]);
  });

  it('dry run: reads the trigger source and the endpoint, makes no write or execute request, fires nothing', async () => {
    await cli(['workflow', 'register', WORKFLOW]);
    const dry = await cli(['workflow', 'run', 'auto-threat-response', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual([expect.objectContaining({ trigger: 'XDR-2026-001234', status: 'succeeded' })]);
    expect(await writes()).toEqual([]);
    expect(JSON.parse((await cli(['approvals', 'list', '--json'])).stdout)).toEqual([]);
    // Nothing was marked fired: a real run still sees the incident.
    await cli(['workflow', 'activate', 'auto-threat-response']);
    const polled = JSON.parse((await cli(['workflow', 'poll', '--json'])).stdout);
    expect(polled[0].runs).toHaveLength(1);
  });

  it('runs each matching incident once, pausing at its approval step, and continues after the decision', async () => {
    await cli(['workflow', 'register', WORKFLOW]);
    await cli(['workflow', 'activate', 'auto-threat-response']);
    const first = JSON.parse((await cli(['workflow', 'poll', '--json'])).stdout);
    expect(first).toEqual([{ workflow: 'auto-threat-response', runs: [expect.objectContaining({ trigger: 'XDR-2026-001234', status: 'waiting_approval' })] }]);
    const again = JSON.parse((await cli(['workflow', 'poll', '--json'])).stdout);
    expect(again[0].runs).toEqual([]);
    expect(await writes()).toEqual([]);
    const approvalId = first[0].runs[0].approval_id as string;
    const approved = await cli(['approvals', 'approve', approvalId, '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    // The isolation ran once; the run now waits for the ticket's approval.
    const isolations = (await writes()).filter((entry) => entry.path.endsWith('/isolation'));
    expect(isolations.map((entry) => entry.method)).toEqual(['PUT']);
    const pending = JSON.parse((await cli(['approvals', 'list', '--pending', '--json'])).stdout);
    expect(pending).toEqual([expect.objectContaining({ tool: 'servicenow.create_incident' })]);
    await cli(['approvals', 'approve', pending[0].id]);
    const runId = first[0].runs[0].run_id as string;
    const logs = (await cli(['agent', 'logs', runId, '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(logs.at(-1)).toMatchObject({ type: 'run_finished', message: 'run succeeded' });
  });

  it('workflow run (no flags) pauses at the approval step and returns; running it again fires nothing new', async () => {
    await cli(['workflow', 'register', WORKFLOW]);
    const run = await cli(['workflow', 'run', 'auto-threat-response']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/⏸ isolate_endpoint: waiting for approval apr_\w+/);
    expect(run.stdout).toMatch(/auto-threat-response \[XDR-2026-001234\]: run run_\w+ waiting_approval \(approval apr_\w+\)\n$/);
    expect(await writes()).toEqual([]);
    expect(JSON.parse((await cli(['approvals', 'list', '--pending', '--json'])).stdout)).toEqual([expect.objectContaining({ tool: 'secure_endpoint.isolate_host' })]);
    const again = await cli(['workflow', 'run', 'auto-threat-response', '--json']);
    expect(JSON.parse(again.stdout)).toEqual([]);
    expect((await cli(['workflow', 'run', 'auto-threat-response', '--wait', '--detach'])).code).toBe(2);
  });

  it('deactivated workflows are not polled', async () => {
    await cli(['workflow', 'register', WORKFLOW]);
    await cli(['workflow', 'activate', 'auto-threat-response']);
    await cli(['workflow', 'deactivate', 'auto-threat-response']);
    expect(JSON.parse((await cli(['workflow', 'poll', '--json'])).stdout)).toEqual([]);
    expect((await cli(['workflow', 'activate', 'nope'])).code).toBe(2);
  });

  it('refuses a broken workflow with file:line:col and exit 2', async () => {
    const file = join(home.home, 'broken.yaml');
    writeFileSync(file, 'name: broken-flow\ntrigger:\n  type: event\n  source: cisco-xdr\n  filter: severity >=\nsteps:\n  - action: page\n    tool: pagerduty.no_such_tool\n');
    const result = await cli(['workflow', 'register', file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`${file}:5:22: trigger\\.filter: invalid condition at column 12: `)),
      `defenseclaw: ${file}:8:11: steps.0.tool: unknown tool "pagerduty.no_such_tool"`,
    ]);
  });
});

describe('active workflows run from the scheduler (slack serve ticks it; so does schedule tick)', () => {
  /** The lab's scenario is relative to now; the scheduler's slots are whole minutes. */
  const at = (minutes: number) => fixedClock(Math.floor(Date.now() / 60_000) * 60_000 + minutes * 60_000 + 5_000);
  const cliAt = (minutes: number, args: string[]) => runCli(args, { home: home.home, clock: at(minutes) });

  it('activate keeps the event trigger polled every interval: each tick runs each new match once; deactivate stops it', async () => {
    await cliAt(0, ['workflow', 'register', WORKFLOW]);
    expect((await cliAt(0, ['workflow', 'activate', 'auto-threat-response'])).code).toBe(0);
    const jobs = JSON.parse((await cliAt(0, ['schedule', 'list', '--json'])).stdout) as Array<{ name: string; kind: string; schedule: string; enabled: boolean }>;
    expect(jobs).toEqual([expect.objectContaining({ name: 'workflow:auto-threat-response', kind: 'workflow', schedule: '@every 1m', enabled: true })]);

    const first = await cliAt(2, ['schedule', 'tick', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const runs = (JSON.parse(first.stdout) as { runs: Array<{ job: string; status: string; summary: string }> }).runs;
    expect(runs).toEqual([expect.objectContaining({ job: 'workflow:auto-threat-response', status: 'succeeded' })]);
    expect(runs[0]!.summary).toMatch(/^Workflow auto-threat-response: 1 new run\(s\)\.\n• XDR-2026-001234: run run_\w+ waiting_approval \(approval apr_\w+\)$/);
    expect(JSON.parse((await cliAt(2, ['approvals', 'list', '--pending', '--json'])).stdout)).toEqual([expect.objectContaining({ tool: 'secure_endpoint.isolate_host' })]);

    // The next slot polls again and finds nothing new: the incident already fired.
    const second = JSON.parse((await cliAt(3, ['schedule', 'tick', '--json'])).stdout) as { runs: Array<{ summary: string }> };
    expect(second.runs).toEqual([expect.objectContaining({ summary: 'Workflow auto-threat-response: 0 new run(s).' })]);
    expect(await writes()).toEqual([]);

    expect((await cliAt(3, ['workflow', 'deactivate', 'auto-threat-response'])).code).toBe(0);
    expect(JSON.parse((await cliAt(3, ['schedule', 'list', '--json'])).stdout)).toEqual([]);
    expect(JSON.parse((await cliAt(5, ['schedule', 'tick', '--json'])).stdout).runs).toEqual([]);
  });

  it('a trigger interval sets the polling period; re-registering an active workflow updates it', async () => {
    const { readFileSync } = await import('node:fs');
    const file = join(home.home, 'flow.yaml');
    writeFileSync(file, readFileSync(WORKFLOW, 'utf8').replace("  filter: severity >= high and status == 'New'\n", "  filter: severity >= high and status == 'New'\n  interval: 5m\n"));
    await cliAt(0, ['workflow', 'register', file]);
    await cliAt(0, ['workflow', 'activate', 'auto-threat-response']);
    const schedule = async () => (JSON.parse((await cliAt(0, ['schedule', 'list', '--json'])).stdout) as Array<{ schedule: string }>).map((job) => job.schedule);
    expect(await schedule()).toEqual(['@every 5m']);
    writeFileSync(file, readFileSync(file, 'utf8').replace('interval: 5m', 'interval: 15m'));
    await cliAt(0, ['workflow', 'register', file]);
    expect(await schedule()).toEqual(['@every 15m']);
    writeFileSync(file, readFileSync(file, 'utf8').replace('interval: 15m', 'interval: 10s'));
    const tooShort = await cliAt(0, ['workflow', 'register', file]);
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toMatch(/:\d+:13: trigger\.interval: the shortest polling interval is 1m/);
  });

  it('a schedule workflow runs at its cron times while active', async () => {
    const file = join(home.home, 'nightly.yaml');
    writeFileSync(file, 'name: nightly-incidents\ntrigger:\n  type: schedule\n  cron: "@every 1h"\nsteps:\n  - action: incidents\n    tool: cisco_xdr.search_incidents\n    params: { since_hours: 24, limit: 5 }\n');
    expect((await cliAt(0, ['workflow', 'register', file])).code).toBe(0);
    expect((await cliAt(0, ['workflow', 'activate', 'nightly-incidents'])).code).toBe(0);
    const tick = JSON.parse((await cliAt(61, ['schedule', 'tick', '--json'])).stdout) as { runs: Array<{ job: string; summary: string }> };
    expect(tick.runs).toEqual([expect.objectContaining({ job: 'workflow:nightly-incidents', summary: expect.stringMatching(/^Workflow nightly-incidents: 1 new run\(s\)\.\n• schedule: run run_\w+ succeeded$/) })]);
  });
});
