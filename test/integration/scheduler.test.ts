/**
 * Issue 7, scheduler: schedules survive a restart, e-mail notifications arrive over SMTP (a local
 * sink), Slack notifications reach the lab's fake Slack, and the bot runs the digest and the
 * inventory sweep from the scheduler.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { Runtime } from '../../src/app/runtime.js';
import { InputError } from '../../src/core/errors/index.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { parseSchedule, type JobHandler } from '../../src/scheduler/index.js';
import { serveSlack, type SlackServer } from '../../src/slack/slack-serve.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const SMTP_PASSWORD = 'sink-pass-7f3a9c1e5b';
const DIGEST_CHANNEL = 'C0LABDIG01';

let home: ReturnType<typeof temporaryHome>;
let runtimes: Runtime[];

beforeEach(() => {
  home = temporaryHome('defenseclaw-scheduler-');
  runtimes = [];
});
afterEach(() => {
  for (const runtime of runtimes) runtime.close();
  home.cleanup();
});

function runtimeOn(env: NodeJS.ProcessEnv = {}): Runtime {
  const runtime = new Runtime({ home: home.home, env, actor: 'cli:scheduler-test' });
  runtimes.push(runtime);
  return runtime;
}

async function config(...pairs: Array<[string, string]>): Promise<void> {
  for (const [key, value] of pairs) {
    const result = await runCli(['config', 'set', key, value], { home: home.home });
    expect(result.code, result.stderr).toBe(0);
  }
}

/** A policy handler standing in for the policy service: a fixed summary, and a record of its calls. */
function fakePolicy(summary: string): JobHandler & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign<JobHandler, { calls: string[] }>(
    async ({ job, requester }) => {
      calls.push(`${String(job.params.policy)} as ${requester}`);
      return { summary, output: { policy: job.params.policy } };
    },
    { calls },
  );
}

function logText(): string {
  return readdirSync(join(home.home, 'logs'))
    .map((file) => readFileSync(join(home.home, 'logs', file), 'utf8'))
    .join('\n');
}

describe('schedules survive a restart', () => {
  it('a new runtime on the same home sees the job, its last slot and its runs, and does not run the slot again', async () => {
    const first = runtimeOn();
    const policy = fakePolicy('all checks pass');
    first.scheduler().setHandler('policy', policy);
    first.scheduler().add({ name: 'policy:endpoint-hardening', kind: 'policy', schedule: '0 6 * * *', params: { policy: 'endpoint-hardening' }, createdBy: first.requester() });
    const created = first.scheduler().get('policy:endpoint-hardening').createdAt;
    const slot = parseSchedule('0 6 * * *').nextSlot(new Date(created))!;
    const now = new Date(slot.getTime() + 60_000);
    expect((await first.scheduler().tick(now)).runs).toMatchObject([{ slot: slot.toISOString(), status: 'succeeded' }]);
    first.close();

    const second = runtimeOn();
    second.scheduler().setHandler('policy', policy);
    expect(second.scheduler().list()).toMatchObject([
      { name: 'policy:endpoint-hardening', kind: 'policy', schedule: '0 6 * * *', params: { policy: 'endpoint-hardening' }, enabled: true, createdBy: 'cli:scheduler-test', lastSlot: slot.toISOString(), lastRun: { status: 'succeeded', slot: slot.toISOString() } },
    ]);
    expect((await second.scheduler().tick(now)).runs).toEqual([]);
    const nextDay = new Date(slot.getTime() + 24 * 3_600_000 + 60_000);
    expect((await second.scheduler().tick(nextDay)).runs).toHaveLength(1);
    expect(policy.calls).toEqual(['endpoint-hardening as scheduler:policy:endpoint-hardening', 'endpoint-hardening as scheduler:policy:endpoint-hardening']);
  });
});

describe('e-mail notifications', () => {
  let sink: SmtpSink;
  beforeEach(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await sink.close();
  });

  async function smtpConfig(): Promise<NodeJS.ProcessEnv> {
    await config(['smtp.port', String(sink.port)], ['smtp.from', 'defenseclaw@corp.example.com']);
    return { SMTP_HOST: sink.host, SMTP_USERNAME: 'defenseclaw-mailer', SMTP_PASSWORD };
  }

  it('arrive at the SMTP server with the run summary, authenticated, the password never logged or stored', async () => {
    await runCli(['config', 'init'], { home: home.home });
    const runtime = runtimeOn(await smtpConfig());
    const summary = 'Policy check endpoint-hardening on 40 asset(s): 3 failure(s) on 2 asset(s); 37 passed.\n\nFailing checks:\n• [high] endpoint-hardening/edr-present: EDR present — 3 failing (workstation-042, srv-db-01)';
    runtime.scheduler().setHandler('policy', fakePolicy(summary));
    runtime.scheduler().add({ name: 'policy:endpoint-hardening', kind: 'policy', schedule: '@every 1h', params: { policy: 'endpoint-hardening' }, notify: 'lead@corp.example.com', createdBy: 'cli:test' });
    const slot = parseSchedule('@every 1h').nextSlot(runtime.clock.now())!;

    const { runs } = await runtime.scheduler().tick(slot);
    expect(runs).toMatchObject([{ status: 'succeeded', notified: 'lead@corp.example.com' }]);
    expect(sink.messages).toHaveLength(1);
    const message = sink.messages[0]!;
    expect(message).toMatchObject({ from: 'defenseclaw@corp.example.com', to: ['lead@corp.example.com'], authUser: 'defenseclaw-mailer' });
    expect(message.subject).toBe('DefenseClaw policy:endpoint-hardening: Policy check endpoint-hardening on 40 asset(s): 3 failure(s) on 2 asset(s); 37 passed.');
    expect(message.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(message.text).toContain(summary);
    expect(message.text).toContain(`Slot: ${slot.toISOString()}`);

    runtime.close();
    expect(logText()).not.toContain(SMTP_PASSWORD);
    const database = readFileSync(runtime.paths.databaseFile);
    expect(database.includes(Buffer.from(SMTP_PASSWORD))).toBe(false);
  });

  it('keeps product text out of the headers: a CR/LF in the summary adds no header or recipient', async () => {
    await runCli(['config', 'init'], { home: home.home });
    const runtime = runtimeOn(await smtpConfig());
    runtime.scheduler().setHandler('policy', fakePolicy('1 failure on host evil\r\nBcc: attacker@evil.example\r\nX-Injected: yes\nrest of summary'));
    runtime.scheduler().add({ name: 'p', kind: 'policy', schedule: '@every 1h', params: { policy: 'x' }, notify: 'lead@corp.example.com', createdBy: 'cli:test' });
    await runtime.scheduler().tick(parseSchedule('@every 1h').nextSlot(runtime.clock.now())!);
    expect(sink.messages).toHaveLength(1);
    const message = sink.messages[0]!;
    expect(message.to).toEqual(['lead@corp.example.com']);
    expect(message.headers.has('bcc')).toBe(false);
    expect(message.headers.has('x-injected')).toBe(false);
    expect(message.subject).toBe('DefenseClaw p: 1 failure on host evil');
    expect(message.text).toContain('Bcc: attacker@evil.example');
  });

  it('without smtp.host: adding an e-mail notification is refused (notify), and a run that must send one fails naming smtp.host', async () => {
    const runtime = runtimeOn();
    const error = (() => {
      try {
        runtime.scheduler().add({ name: 'p', kind: 'policy', schedule: '@every 1h', params: { policy: 'x' }, notify: 'lead@corp.example.com', createdBy: 'cli:test' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toBe('notify: cannot notify lead@corp.example.com: smtp.host is not configured');
    expect(runtime.scheduler().list()).toEqual([]);

    // Configured when added (${SMTP_HOST} set), gone when it runs (not set): the run fails and says why.
    runtime.close();
    await runCli(['config', 'init'], { home: home.home });
    await config(['smtp.port', String(sink.port)]);
    runtimeOn({ SMTP_HOST: sink.host }).scheduler().add({ name: 'p', kind: 'policy', schedule: '@every 1h', params: { policy: 'x' }, notify: 'lead@corp.example.com', createdBy: 'cli:test' });
    const later = runtimeOn({});
    later.scheduler().setHandler('policy', fakePolicy('ok'));
    const { runs } = await later.scheduler().tick(parseSchedule('@every 1h').nextSlot(later.clock.now())!);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', summary: 'ok' });
    expect(runs[0]!.error).toMatch(/^notification to lead@corp\.example\.com failed: cannot e-mail lead@corp\.example\.com: .*SMTP_HOST/);
    expect(sink.messages).toEqual([]);
  });
});

describe('with the lab', () => {
  let lab: Lab;
  let server: SlackServer | undefined;
  beforeEach(async () => {
    lab = await startLab({ products: ALL_SIMULATORS });
    const init = await runCli(['lab', 'init', '--url', lab.url], { home: home.home });
    expect(init.code, init.stderr).toBe(0);
  });
  afterEach(async () => {
    await server?.close({ drainMs: 5_000 });
    server = undefined;
    await lab.close();
  });

  async function messages(channel: string): Promise<Array<{ text: string; thread_ts?: string }>> {
    return ((await (await fetch(`${lab.url}/slack/__messages?channel=${encodeURIComponent(channel)}`)).json()) as { messages: Array<{ text: string; thread_ts?: string }> }).messages;
  }

  it('a Slack notification reaches the channel through the Web API (from the CLI process, without the bot)', async () => {
    const runtime = runtimeOn();
    runtime.scheduler().setHandler('policy', fakePolicy('Policy check cis-basics: 2 failure(s) on <!channel> host'));
    runtime.scheduler().add({ name: 'policy:cis-basics', kind: 'policy', schedule: '@every 1h', params: { policy: 'cis-basics' }, notify: '#soc-digest', createdBy: 'cli:test' });
    const report = await runtime.scheduler().runNow('policy:cis-basics');
    expect(report).toMatchObject({ status: 'succeeded', notified: '#soc-digest' });
    const posted = await messages('soc-digest');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain('DefenseClaw policy:cis-basics: Policy check cis-basics: 2 failure(s) on &lt;!channel&gt; host');
    expect(posted[0]!.text).not.toContain('<!channel>');
  });

  it('policy schedule, then schedule run: the policy summary arrives by e-mail at the SMTP sink, and in Slack', async () => {
    const sink = await startSmtpSink();
    try {
      await config(['smtp.port', String(sink.port)], ['smtp.from', 'defenseclaw@corp.example.com']);
      const env = { SMTP_HOST: sink.host, SMTP_USERNAME: 'defenseclaw-mailer', SMTP_PASSWORD };
      const scheduled = await runCli(['policy', 'schedule', '--policy', 'endpoint-hardening', '--cron', '0 6 * * *', '--notify', 'lead@corp.example.com'], { home: home.home, env });
      expect(scheduled.code, scheduled.stderr).toBe(0);
      const run = await runCli(['schedule', 'run', 'policy:endpoint-hardening', '--json'], { home: home.home, env });
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as { status: string; summary: string; notified: string };
      expect(report).toMatchObject({ status: 'succeeded', notified: 'lead@corp.example.com' });
      expect(report.summary).toMatch(/^Policy check endpoint-hardening on \d+ asset\(s\) \(run [^,]+, \w+\): /);

      expect(sink.messages).toHaveLength(1);
      const message = sink.messages[0]!;
      expect(message).toMatchObject({ from: 'defenseclaw@corp.example.com', to: ['lead@corp.example.com'], authUser: 'defenseclaw-mailer' });
      expect(message.subject).toBe(`DefenseClaw policy:endpoint-hardening: ${report.summary.split('\n')[0]}`);
      expect(message.text).toContain(report.summary);
      // The run the e-mail tells is the one the policy service stored.
      const shown = JSON.parse((await runCli(['schedule', 'show', 'policy:endpoint-hardening', '--json'], { home: home.home, env })).stdout) as { runs: Array<{ output: { output: { policy_run: string } } }> };
      expect(message.text).toContain(`run ${shown.runs[0]!.output.output.policy_run}`);
      expect(logText()).not.toContain(SMTP_PASSWORD);

      const slack = await runCli(['policy', 'schedule', '--policy', 'endpoint-hardening', '--name', 'hardening-to-slack', '--cron', '0 7 * * 1', '--notify', '#soc-digest'], { home: home.home, env });
      expect(slack.code, slack.stderr).toBe(0);
      expect((await runCli(['schedule', 'run', 'hardening-to-slack'], { home: home.home, env })).code).toBe(0);
      const posted = await messages('soc-digest');
      expect(posted).toHaveLength(1);
      expect(posted[0]!.text).toMatch(/^DefenseClaw hardening-to-slack: Policy check endpoint-hardening on /);
    } finally {
      await sink.close();
    }
  });

  it('the bot keeps the sweep and the digest as jobs, runs them on their slots, notifies through its client, and stops', async () => {
    await config(['slack.digest.cron', '0 8 * * 1-5'], ['slack.digest.channel', DIGEST_CHANNEL]);
    const runtime = runtimeOn();
    server = await serveSlack(runtime, { port: 0, retries: 0, schedulerIntervalMs: 3_600_000 });
    const scheduler = runtime.scheduler();
    expect(scheduler.list()).toMatchObject([
      { name: 'digest', kind: 'digest', schedule: '0 8 * * 1-5', createdBy: 'config', enabled: true },
      { name: 'inventory-sweep', kind: 'inventory_sweep', schedule: '@every 6h', createdBy: 'config', enabled: true },
    ]);
    scheduler.setHandler('policy', fakePolicy('Policy check all: all checks pass; 12 passed.'));
    scheduler.add({ name: 'policy:all', kind: 'policy', schedule: '0 8 * * 1-5', params: { policy: 'all' }, notify: DIGEST_CHANNEL, createdBy: 'cli:test' });

    // The next weekday 08:00 after the jobs were created: the digest, the policy run and (a 6 h
    // slot having passed) the sweep are due.
    const created = new Date(scheduler.get('digest').createdAt);
    const digestSlot = parseSchedule('0 8 * * 1-5').nextSlot(new Date(Math.max(created.getTime(), created.getTime() + 6 * 3_600_000)))!;
    const { runs } = await scheduler.tick(new Date(digestSlot.getTime() + 1_000));
    expect(runs.map((run) => [run.job, run.status]).sort()).toEqual([
      ['digest', 'succeeded'],
      ['inventory-sweep', 'succeeded'],
      ['policy:all', 'succeeded'],
    ]);
    expect(runs.find((run) => run.job === 'digest')!.summary).toMatch(/^Inventory baseline posted to C0LABDIG01 \(\d+ assets\)\.$/);
    expect(runs.find((run) => run.job === 'inventory-sweep')!.summary).toMatch(/^Inventory sweep (complete|partial): \d+ assets in snapshot /);
    const posted = await messages(DIGEST_CHANNEL);
    expect(posted.map((message) => message.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Inventory baseline recorded: \d+ assets/), expect.stringContaining('DefenseClaw policy:all: Policy check all: all checks pass; 12 passed.')]),
    );

    await server.close({ drainMs: 5_000 });
    server = undefined;
    // Stopped with the bot: no new slots.
    expect((await scheduler.tick(new Date(digestSlot.getTime() + 7 * 24 * 3_600_000))).runs).toEqual([]);
  });

  it('a digest job from config goes away when slack.digest.cron is removed', async () => {
    await config(['slack.digest.cron', '0 8 * * 1-5']);
    const runtime = runtimeOn();
    server = await serveSlack(runtime, { port: 0, retries: 0, schedulerIntervalMs: 3_600_000 });
    expect(runtime.scheduler().list().map((job) => job.name)).toContain('digest');
    await server.close({ drainMs: 1_000 });
    server = undefined;
    runtime.close();
    const file = join(home.home, 'config.yaml');
    const document = parseDocument(readFileSync(file, 'utf8'));
    document.deleteIn(['slack', 'digest', 'cron']);
    writeFileSync(file, document.toString());
    const again = runtimeOn();
    server = await serveSlack(again, { port: 0, retries: 0, schedulerIntervalMs: 3_600_000 });
    expect(again.scheduler().list().map((job) => job.name)).toEqual(['inventory-sweep']);
  });
});
