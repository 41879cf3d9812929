/**
 * Issue 5 items 4 and 6: approval messages with Approve / Deny buttons, clicked through a real
 * Bolt app over HTTP (signed requests), against the lab's fake Slack and Secure Endpoint.
 */
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentRunnable, BUILT_IN_AGENTS_DIRECTORY, loadAgent } from '../../src/agents/agent-library.js';
import type { RunOutcome } from '../../src/agents/runner/agent-runner.js';
import { Runtime } from '../../src/app/runtime.js';
import { fixedClock, type Clock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { labConfigYaml } from '../../src/cli/lab-config.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { APPROVE_ACTION_ID, ApprovalPoster, DENY_ACTION_ID, registerApprovalActions } from '../../src/slack/approvals/index.js';
import type { SlackServices } from '../../src/slack/slack-services.js';
import { temporaryHome } from '../helpers/cli.js';
import { labRequests } from '../helpers/gateway-lab.js';

const APPROVALS_CHANNEL = 'C0LABAPR01';

interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: Array<Record<string, unknown>>;
  ephemeral: boolean;
  ephemeral_user?: string;
  update_count: number;
}

/** The bot side of one test: a runtime on the home, a Bolt app on port 0, the poster and the listeners. */
interface Bot {
  runtime: Runtime;
  app: App;
  url: string;
  poster: ApprovalPoster;
  services: SlackServices;
  close(): Promise<void>;
}

let lab: Lab;
let home: ReturnType<typeof temporaryHome>;
const bots: Bot[] = [];

beforeEach(async () => {
  lab = await startLab({ products: ALL_SIMULATORS });
  home = temporaryHome('defenseclaw-slack-approvals-');
  const config = labConfigYaml(lab.url).replace('  approvals_in_thread: false\n', `  approvals_in_thread: false\n  approvals_channel: ${APPROVALS_CHANNEL}\n`);
  expect(config).toContain(`approvals_channel: ${APPROVALS_CHANNEL}`);
  writeFileSync(join(home.home, 'config.yaml'), config, { mode: 0o600 });
});

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
  await lab.close();
  home.cleanup();
});

async function startBot(options: { clock?: Clock } = {}): Promise<Bot> {
  const runtime = new Runtime({ home: home.home, env: {}, actor: 'cli:slack-test', ...(options.clock === undefined ? {} : { clock: options.clock }) });
  const app = new App({
    token: LAB_CREDENTIALS.slack.botToken,
    signingSecret: LAB_CREDENTIALS.slack.signingSecret,
    clientOptions: { slackApiUrl: `${lab.url}/slack/api/`, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });
  const services: SlackServices = { runtime, client: app.client, clock: runtime.clock, logger: runtime.logger(), approvalsChannel: APPROVALS_CHANNEL, approvalsInThread: false };
  const poster = new ApprovalPoster(services);
  const unsubscribe = registerApprovalActions(app, services, { poster });
  const server = (await app.start(0)) as Server;
  const bot: Bot = {
    runtime,
    app,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    poster,
    services,
    async close() {
      unsubscribe();
      await app.stop();
      await poster.idle();
      runtime.close();
    },
  };
  bots.push(bot);
  return bot;
}

async function stopBot(bot: Bot): Promise<void> {
  bots.splice(bots.indexOf(bot), 1);
  await bot.close();
}

/** Starts contain-endpoint on workstation-042 for real (not a dry run); it stops at the isolation approval. */
async function startContainRun(runtime: Runtime, requester = 'cli:slack-test'): Promise<RunOutcome & { approvalId: string }> {
  const definition = loadAgent(join(BUILT_IN_AGENTS_DIRECTORY, 'contain-endpoint.yaml'), runtime.tools());
  const outcome = await runtime.runner().start(agentRunnable(definition), { params: { hostname: 'workstation-042' }, requester, dryRun: false });
  expect(outcome).toMatchObject({ status: 'waiting_approval', approvalId: expect.stringMatching(/^apr_[0-9a-f]{16}$/) });
  return outcome as RunOutcome & { approvalId: string };
}

async function messages(channel: string): Promise<StoredMessage[]> {
  const response = await fetch(`${lab.url}/slack/__messages?channel=${channel}`);
  return ((await response.json()) as { messages: StoredMessage[] }).messages;
}

async function isolationPuts() {
  return (await labRequests(lab.url, { product: 'secure_endpoint', method: 'PUT' })).filter((entry) => entry.path.endsWith('/isolation'));
}

function signedHeaders(rawBody: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', LAB_CREDENTIALS.slack.signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  // Exactly this content type: Bolt compares it as a whole string.
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature, 'content-type': 'application/x-www-form-urlencoded' };
}

/** A block_actions click on the posted approval message, as Slack sends it. */
async function click(bot: Bot, message: StoredMessage, user: string, actionId: string = APPROVE_ACTION_ID): Promise<number> {
  const actions = message.blocks?.find((block) => block.type === 'actions') as { block_id: string; elements: Array<{ action_id: string; value: string }> } | undefined;
  const button = actions?.elements.find((element) => element.action_id === actionId);
  expect(button, `a ${actionId} button on the message`).toBeDefined();
  const payload = {
    type: 'block_actions',
    api_app_id: 'A0LABAPP01',
    token: 'legacy-verification-token',
    trigger_id: '1000.2000.abc',
    team: { id: LAB_CREDENTIALS.slack.teamId, domain: 'defenseclaw-lab' },
    user: { id: user, username: user.toLowerCase(), team_id: LAB_CREDENTIALS.slack.teamId },
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    channel: { id: message.channel, name: 'soc-approvals' },
    message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
    response_url: `${lab.url}/slack/response/${message.ts}`,
    actions: [{ type: 'button', action_id: actionId, block_id: actions!.block_id, value: button!.value, action_ts: String(Date.now() / 1000), text: { type: 'plain_text', text: 'Approve' } }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const response = await fetch(`${bot.url}/slack/events`, { method: 'POST', headers: signedHeaders(body), body });
  await response.text();
  return response.status;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function ephemeralsFor(all: StoredMessage[], user: string): StoredMessage[] {
  return all.filter((message) => message.ephemeral && message.ephemeral_user === user);
}

function hasButtons(message: StoredMessage): boolean {
  return (message.blocks ?? []).some((block) => block.type === 'actions');
}

/** The one approval message in the approvals channel. */
async function approvalMessageOf(approvalId: string): Promise<StoredMessage> {
  const found = (await messages(APPROVALS_CHANNEL)).filter((message) => !message.ephemeral && message.thread_ts === undefined && JSON.stringify(message.blocks).includes(approvalId));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('approval messages in Slack', () => {
  it('posts an approval requested by a run; an approver click isolates once, rewrites the message and finishes the run', async () => {
    const bot = await startBot();
    const run = await startContainRun(bot.runtime);

    const report = await bot.poster.syncOnce();
    expect(report).toEqual({ posted: [run.approvalId], updated: [], failed: [] });
    const posted = await approvalMessageOf(run.approvalId);
    expect(bot.runtime.approvals().get(run.approvalId)).toMatchObject({ channel: APPROVALS_CHANNEL, messageTs: posted.ts });
    // The buttons carry the approval id and nothing else.
    const buttons = (posted.blocks!.find((block) => block.type === 'actions') as { elements: Array<{ action_id: string; value: string }> }).elements;
    expect(buttons.map((button) => [button.action_id, button.value])).toEqual([
      [APPROVE_ACTION_ID, run.approvalId],
      [DENY_ACTION_ID, run.approvalId],
    ]);
    const shown = JSON.stringify(posted.blocks);
    for (const fact of ['secure_endpoint.isolate_host', 'workstation-042', 'agent:contain-endpoint', 'cli:slack-test', '0 of 1']) expect(shown).toContain(fact);
    // A second sync posts nothing again.
    expect(await bot.poster.syncOnce()).toEqual({ posted: [], updated: [], failed: [] });
    expect(await isolationPuts()).toHaveLength(0);

    expect(await click(bot, posted, 'U0LABAPR01')).toBe(200);
    const finished = await waitFor('the run to finish', () => {
      const stored = bot.runtime.runs().getRun(run.runId);
      return stored !== undefined && stored.status !== 'waiting_approval' && stored.status !== 'running' ? stored : undefined;
    });
    expect(finished.status).toBe('succeeded');
    const puts = await isolationPuts();
    expect(puts).toHaveLength(1);
    expect(puts[0]!.status).toBe(200);

    const updated = await waitFor('the message to be rewritten', async () => {
      const message = await approvalMessageOf(run.approvalId);
      return hasButtons(message) ? undefined : message;
    });
    expect(JSON.stringify(updated.blocks)).toContain('Approved by <@U0LABAPR01>');
    expect(updated.text).toContain('Approved');
    // The decision is told in the approval message's thread (the run has no Slack thread of its own).
    const replies = await waitFor('the thread reply', async () => {
      const found = (await messages(APPROVALS_CHANNEL)).filter((message) => message.thread_ts === posted.ts);
      return found.length > 0 ? found : undefined;
    });
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain('Approved by <@U0LABAPR01>');
    expect(bot.runtime.approvals().get(run.approvalId)).toMatchObject({ state: 'approved', decidedBy: 'U0LABAPR01' });
    expect(bot.runtime.ledger().query({ action: 'approval.decide' }).map((record) => [record.actor, record.outcome])).toEqual([['slack:U0LABAPR01', 'approved']]);

    // Double click: refused by the service (already approved), still one isolation.
    expect(await click(bot, posted, 'U0LABAPR02')).toBe(200);
    const refusal = await waitFor('the ephemeral refusal', async () => ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABAPR02')[0]);
    expect(refusal.text).toContain('Already approved by <@U0LABAPR01>');
    expect(await click(bot, posted, 'U0LABAPR01')).toBe(200);
    await waitFor('the second ephemeral refusal', async () => ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABAPR01')[0]);
    await bot.poster.idle();
    expect(await isolationPuts()).toHaveLength(1);
    expect(bot.runtime.runs().getRun(run.runId)!.status).toBe('succeeded');
  });

  it('a non-approver click is refused with an ephemeral message, audited, and changes nothing', async () => {
    const bot = await startBot();
    const run = await startContainRun(bot.runtime);
    await bot.poster.syncOnce();
    const posted = await approvalMessageOf(run.approvalId);

    expect(await click(bot, posted, 'U0LABANA01')).toBe(200);
    const refusal = await waitFor('the ephemeral refusal', async () => ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABANA01')[0]);
    expect(refusal.text).toContain('not an approver');
    const audited = bot.runtime.ledger().query({ action: 'approval.decide' });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor: 'slack:U0LABANA01', outcome: 'denied' });
    expect(JSON.parse(audited[0]!.details)).toMatchObject({ refusal: 'approval_not_approver', approver: 'U0LABANA01' });
    expect(bot.runtime.approvals().get(run.approvalId)).toMatchObject({ state: 'pending', votes: [] });
    const after = await approvalMessageOf(run.approvalId);
    expect(after.update_count).toBe(0);
    expect(hasButtons(after)).toBe(true);
    expect(await isolationPuts()).toHaveLength(0);
    expect(bot.runtime.runs().getRun(run.runId)!.status).toBe('waiting_approval');
  });

  it('a member of the approver user group (looked up with usergroups.users.list) may approve', async () => {
    const bot = await startBot();
    const run = await startContainRun(bot.runtime);
    await bot.poster.syncOnce();
    const posted = await approvalMessageOf(run.approvalId);
    // U0LABLEAD1 is not listed directly, only through S0LABAPPRV.
    expect(await click(bot, posted, 'U0LABLEAD1', DENY_ACTION_ID)).toBe(200);
    await waitFor('the run to finish', () => (bot.runtime.runs().getRun(run.runId)?.status === 'waiting_approval' ? undefined : true));
    expect(bot.runtime.approvals().get(run.approvalId)).toMatchObject({ state: 'denied', decidedBy: 'U0LABLEAD1' });
    const updated = await waitFor('the message to be rewritten', async () => {
      const message = await approvalMessageOf(run.approvalId);
      return hasButtons(message) ? undefined : message;
    });
    expect(JSON.stringify(updated.blocks)).toContain('Denied by <@U0LABLEAD1>');
    expect(await isolationPuts()).toHaveLength(0);
    expect((await labRequests(lab.url, { product: 'slack' })).filter((entry) => entry.path.endsWith('/usergroups.users.list'))).toHaveLength(1);
  });

  it('the requester cannot approve their own request', async () => {
    const bot = await startBot();
    const run = await startContainRun(bot.runtime, 'U0LABAPR01');
    await bot.poster.syncOnce();
    const posted = await approvalMessageOf(run.approvalId);
    expect(JSON.stringify(posted.blocks)).toContain('<@U0LABAPR01>');

    expect(await click(bot, posted, 'U0LABAPR01')).toBe(200);
    const refusal = await waitFor('the ephemeral refusal', async () => ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABAPR01')[0]);
    expect(refusal.text).toContain('You requested this action');
    expect(bot.runtime.approvals().get(run.approvalId)).toMatchObject({ state: 'pending', votes: [] });
    expect(JSON.parse(bot.runtime.ledger().query({ action: 'approval.decide' })[0]!.details)).toMatchObject({ refusal: 'approval_self' });
    expect(await isolationPuts()).toHaveLength(0);
  });

  it('the requester of a Slack job (requester slack:<user>) cannot approve their own request either', async () => {
    const bot = await startBot();
    const run = await startContainRun(bot.runtime, 'slack:U0LABAPR01');
    await bot.poster.syncOnce();
    const posted = await approvalMessageOf(run.approvalId);
    expect(await click(bot, posted, 'U0LABAPR01')).toBe(200);
    const refusal = await waitFor('the ephemeral refusal', async () => ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABAPR01')[0]);
    expect(refusal.text).toContain('You requested this action');
    expect(bot.runtime.approvals().get(run.approvalId)).toMatchObject({ state: 'pending', votes: [] });
    const audited = bot.runtime.ledger().query({ action: 'approval.decide' });
    expect(audited.map((record) => [record.actor, record.outcome])).toEqual([['slack:U0LABAPR01', 'denied']]);
    expect(JSON.parse(audited[0]!.details)).toMatchObject({ refusal: 'approval_self' });
    expect(await isolationPuts()).toHaveLength(0);
  });

  it('an expired approval: the sync rewrites the message as expired, and a click is refused', async () => {
    const clock = fixedClock(new Date());
    const bot = await startBot({ clock });
    const run = await startContainRun(bot.runtime);
    await bot.poster.syncOnce();
    const posted = await approvalMessageOf(run.approvalId);

    clock.advance(2 * 3_600_000);
    const report = await bot.poster.syncOnce();
    expect(report.updated).toEqual([run.approvalId]);
    const expired = await approvalMessageOf(run.approvalId);
    expect(hasButtons(expired)).toBe(false);
    expect(JSON.stringify(expired.blocks)).toContain('Expired');
    expect(bot.runtime.approvals().get(run.approvalId)!.state).toBe('expired');

    // The old message's button (as the approver's client still shows it) is refused.
    expect(await click(bot, posted, 'U0LABAPR01')).toBe(200);
    const refusal = await waitFor('the ephemeral refusal', async () => ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABAPR01')[0]);
    expect(refusal.text).toContain('expired');
    await bot.poster.idle();
    expect(bot.runtime.approvals().get(run.approvalId)!.state).toBe('expired');
    expect(await isolationPuts()).toHaveLength(0);
  });

  it('after a restart of the bot, the button of a message posted before still works', async () => {
    const first = await startBot();
    const run = await startContainRun(first.runtime);
    await first.poster.syncOnce();
    const posted = await approvalMessageOf(run.approvalId);
    await stopBot(first);

    const second = await startBot();
    // Nothing is posted twice after the restart.
    expect((await second.poster.syncOnce()).posted).toEqual([]);
    expect(await click(second, posted, 'U0LABAPR02')).toBe(200);
    await waitFor('the run to finish', () => (second.runtime.runs().getRun(run.runId)?.status === 'succeeded' ? true : undefined));
    expect(await isolationPuts()).toHaveLength(1);
    const updated = await approvalMessageOf(run.approvalId);
    expect(hasButtons(updated)).toBe(false);
  });

  it('a forged click (bad signature) is rejected by Bolt and changes nothing', async () => {
    const bot = await startBot();
    const run = await startContainRun(bot.runtime);
    await bot.poster.syncOnce();
    const posted = await approvalMessageOf(run.approvalId);
    const payload = { type: 'block_actions', user: { id: 'U0LABAPR01' }, channel: { id: APPROVALS_CHANNEL }, message: { ts: posted.ts }, actions: [{ type: 'button', action_id: APPROVE_ACTION_ID, value: run.approvalId }] };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const headers = { ...signedHeaders(body), 'x-slack-signature': 'v0=' + '0'.repeat(64) };
    const response = await fetch(`${bot.url}/slack/events`, { method: 'POST', headers, body });
    expect(response.status).toBe(401);
    expect(bot.runtime.approvals().get(run.approvalId)).toMatchObject({ state: 'pending', votes: [] });
    expect(bot.runtime.ledger().query({ action: 'approval.decide' })).toEqual([]);
  });

  it('a critical action needs two distinct approvers; the same approver twice is refused', async () => {
    writeFileSync(join(home.home, 'config.yaml'), labConfigYaml(lab.url).replace('  approvals_in_thread: false\n', `  approvals_in_thread: false\n  approvals_channel: ${APPROVALS_CHANNEL}\n`).replace('critical_tools: []', 'critical_tools: [secure_endpoint.isolate_host]'), { mode: 0o600 });
    const bot = await startBot();
    const run = await startContainRun(bot.runtime);
    await bot.poster.syncOnce();
    const posted = await approvalMessageOf(run.approvalId);
    expect(JSON.stringify(posted.blocks)).toContain('0 of 2');

    expect(await click(bot, posted, 'U0LABAPR01')).toBe(200);
    const recorded = await waitFor('the vote to be acknowledged', async () => ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABAPR01')[0]);
    expect(recorded.text).toContain('1 of 2');
    const halfway = await approvalMessageOf(run.approvalId);
    expect(hasButtons(halfway)).toBe(true);
    expect(JSON.stringify(halfway.blocks)).toContain('1 of 2');

    expect(await click(bot, halfway, 'U0LABAPR01')).toBe(200);
    await waitFor('the duplicate refusal', async () => (ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABAPR01').length === 2 ? true : undefined));
    expect(ephemeralsFor(await messages(APPROVALS_CHANNEL), 'U0LABAPR01')[1]!.text).toContain('already voted');
    expect(await isolationPuts()).toHaveLength(0);

    expect(await click(bot, halfway, 'U0LABAPR02')).toBe(200);
    await waitFor('the run to finish', () => (bot.runtime.runs().getRun(run.runId)?.status === 'succeeded' ? true : undefined));
    expect(await isolationPuts()).toHaveLength(1);
    const updated = await approvalMessageOf(run.approvalId);
    expect(hasButtons(updated)).toBe(false);
    expect(JSON.stringify(updated.blocks)).toContain('Approved by <@U0LABAPR01> and <@U0LABAPR02>');
  });

  it('a decision made from the CLI is shown in Slack by the next sync', async () => {
    const bot = await startBot();
    const run = await startContainRun(bot.runtime);
    await bot.poster.syncOnce();
    // Another process (the CLI) decides.
    const cli = new Runtime({ home: home.home, env: {}, actor: 'cli:other' });
    await cli.approvals().decide(run.approvalId, 'U0LABAPR02', 'deny', 'not this host', { actor: 'cli:other as U0LABAPR02' });
    cli.close();

    expect((await bot.poster.syncOnce()).updated).toEqual([run.approvalId]);
    await bot.poster.idle();
    const updated = await approvalMessageOf(run.approvalId);
    expect(hasButtons(updated)).toBe(false);
    expect(JSON.stringify(updated.blocks)).toContain('Denied by <@U0LABAPR02>');
    expect(bot.runtime.runs().getRun(run.runId)!.status).not.toBe('waiting_approval');
    expect(await isolationPuts()).toHaveLength(0);
  });
});
