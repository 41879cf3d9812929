import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { serveSlack, type SlackServer } from '../../src/slack/slack-serve.js';
import { runTriggerThreadLocator } from '../../src/slack/approvals/job-thread.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { fakeSlackMessages, fakeSlackResponses, messageText, postSigned, slashCommandBody } from './slack-request.js';

const SECRET = LAB_CREDENTIALS.slack.signingSecret;
let home: ReturnType<typeof temporaryHome>;
let lab: Lab;
let runtime: Runtime;
let server: SlackServer;

async function startBot(permissions?: string): Promise<void> {
  if (permissions !== undefined) {
    const file = `${home.home}/config.yaml`;
    writeFileSync(file, readFileSync(file, 'utf8').replace('  permissions: {}', `  permissions:\n${permissions}`));
  }
  runtime = new Runtime({ home: home.home, env: {} });
  server = await serveSlack(runtime, { port: 0, retries: 0 });
}

beforeEach(async () => {
  home = temporaryHome();
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
});
afterEach(async () => {
  await server?.close({ drainMs: 5_000 });
  runtime?.close();
  await lab.close();
  home.cleanup();
});

const command = (text: string, extra: Parameters<typeof slashCommandBody>[0] extends infer T ? Partial<T> : never = {}) => slashCommandBody({ text, ...extra }, lab.url);

describe('slack serve against the lab', () => {
  it('answers /healthz with its version and queue', async () => {
    await startBot();
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, version: runtime.version, queue: { running: 0, waiting: 0 } });
  });

  it('refuses a missing, wrong or stale signature with 401 and changes nothing', async () => {
    await startBot();
    const ledgerBefore = runtime.ledger().count();
    const journalBefore = lab.journal.list().length;
    const body = command('investigate XDR-2026-001234');
    expect((await postSigned(server.url!, body, { secret: SECRET, unsigned: true })).status).toBe(401);
    expect((await postSigned(server.url!, body, { secret: SECRET, wrongSecret: 'not-the-secret' })).status).toBe(401);
    expect((await postSigned(server.url!, body, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    await server.handle.onIdle();
    expect(server.handle.jobs.figures()).toEqual({ running: 0, waiting: 0, finished: 0 });
    expect(await fakeSlackMessages(lab.url, 'C0LABSOC01')).toEqual([]);
    expect(runtime.ledger().count()).toBe(ledgerBefore);
    expect(lab.journal.list().filter((entry) => !entry.path.startsWith('/slack/__'))).toHaveLength(journalBefore);
  });

  it('acks /defenseclaw investigate at once, then posts a root message and the timeline in its thread', async () => {
    await startBot();
    const ack = await postSigned(server.url!, command('investigate XDR-2026-001234'), { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(1000);
    expect(JSON.parse(ack.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^Investigating XDR-2026-001234/) });
    await server.handle.onIdle();

    const messages = await fakeSlackMessages(lab.url, 'C0LABSOC01');
    const roots = messages.filter((message) => message.thread_ts === undefined);
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(messageText(root)).toContain('Investigation of XDR-2026-001234');
    expect(messageText(root)).toContain('the LLM was not used');
    const replies = messages.filter((message) => message.thread_ts === root.ts);
    const all = replies.map(messageText).join('\n');
    // The investigation service ran (details in slack-investigate.test.ts): its timeline and findings.
    expect(all).toContain('Timeline of XDR-2026-001234');
    expect(all).toContain('*Findings*');
    // Progress was one message, updated in place rather than one post per event.
    const progress = replies.filter((message) => message.text.startsWith('Progress'));
    expect(progress).toHaveLength(1);
    expect(progress[0]!.update_count).toBeGreaterThan(0);
    // The root message was updated with the final state and the investigation id.
    expect(root.update_count).toBeGreaterThan(0);
    expect(messageText(root)).toMatch(/investigation `inv-/);

    const commands = runtime.ledger().query({ action: 'slack.command' });
    expect(commands).toEqual([expect.objectContaining({ actor: 'slack:U0LABANA01', target: 'investigate', outcome: 'succeeded' })]);
    // The gateway saw the investigation acting for the Slack user.
    const toolCalls = runtime.ledger().query({ action: 'tool.call' }).filter((record) => record.actor.startsWith('agent:triage:inv-'));
    expect(toolCalls.length).toBeGreaterThan(0);
    expect(JSON.stringify(toolCalls)).toContain('slack:U0LABANA01');
  });

  it('a run started from Slack that waits for an approval knows its thread (the decision replies there)', async () => {
    await startBot();
    const ack = await postSigned(server.url!, command('agent run contain-endpoint --param hostname=workstation-042'), { secret: SECRET });
    expect(ack.status).toBe(200);
    await server.handle.onIdle();
    const root = (await fakeSlackMessages(lab.url, 'C0LABSOC01')).find((message) => message.thread_ts === undefined)!;
    const [approval] = runtime.approvals().list({ pending: true });
    expect(approval).toMatchObject({ tool: 'secure_endpoint.isolate_host', requester: 'slack:U0LABANA01' });
    expect(runTriggerThreadLocator(runtime)(approval!)).toEqual({ channel: 'C0LABSOC01', threadTs: root.ts });
  });

  it('answers help and garbage with an ephemeral usage message, and starts nothing', async () => {
    await startBot();
    for (const text of ['help', '', 'frobnicate the thing', 'investigate "unterminated', 'agent run ../../etc/passwd']) {
      const ack = await postSigned(server.url!, command(text), { secret: SECRET });
      expect(ack.status).toBe(200);
      const body = JSON.parse(ack.body) as { response_type: string; text: string; blocks: unknown[] };
      expect(body.response_type).toBe('ephemeral');
      expect(JSON.stringify(body.blocks)).toContain('investigate <alert-id>');
    }
    await server.handle.onIdle();
    expect(server.handle.jobs.figures().finished).toBe(0);
    expect(await fakeSlackMessages(lab.url, 'C0LABSOC01')).toEqual([]);
    const outcomes = runtime.ledger().query({ action: 'slack.command' }).map((record) => record.outcome);
    expect(outcomes).toEqual(['succeeded', 'succeeded', 'invalid', 'invalid', 'invalid']);
  });

  it('refuses a user slack.permissions does not list, directly or through a user group: ephemeral and audited', async () => {
    await startBot('    investigate: [U0LABANA02]\n    agent: [S0LABAPPRV]\n');
    const direct = await postSigned(server.url!, command('investigate XDR-2026-001234'), { secret: SECRET });
    expect(direct.status).toBe(200);
    expect(JSON.parse(direct.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('You may not run `investigate`') });

    // A group rule needs usergroups.users.list: ack at once, refuse through response_url.
    const viaGroup = await postSigned(server.url!, command('agent run enrich-ioc --param domain=example.com', { trigger_id: 'trigger-group-1' }), { secret: SECRET });
    expect(JSON.parse(viaGroup.body)).toMatchObject({ response_type: 'ephemeral', text: 'Working on it…' });
    await server.handle.onIdle();
    await expect.poll(async () => (await fakeSlackResponses(lab.url)).find((response) => response.id === 'trigger-group-1')?.body.text).toContain('You may not run `agent`');

    expect(await fakeSlackMessages(lab.url, 'C0LABSOC01')).toEqual([]);
    const denied = runtime.ledger().query({ action: 'slack.command' });
    expect(denied).toEqual([
      expect.objectContaining({ actor: 'slack:U0LABANA01', target: 'investigate', outcome: 'denied' }),
      expect.objectContaining({ actor: 'slack:U0LABANA01', target: 'agent', outcome: 'denied' }),
    ]);
    // status is not restricted: the same user may run it.
    const status = await postSigned(server.url!, command('status'), { secret: SECRET });
    expect(JSON.parse(status.body).text).toContain('DefenseClaw');
    expect(JSON.stringify(JSON.parse(status.body))).toMatch(/investigations: (none in the last 24 h|\d+ in the last 24 h)/);
  });

  it('starts one job for a command Slack re-delivers (X-Slack-Retry-Num, same trigger_id)', async () => {
    await startBot();
    const body = command('investigate XDR-2026-001234', { trigger_id: 'trigger-redelivered' });
    expect((await postSigned(server.url!, body, { secret: SECRET })).status).toBe(200);
    const retry = await postSigned(server.url!, body, { secret: SECRET, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    expect(retry.body).toBe('');
    const again = await postSigned(server.url!, body, { secret: SECRET });
    expect(again.status).toBe(200);
    await server.handle.onIdle();
    expect(server.handle.jobs.figures().finished).toBe(1);
    const roots = (await fakeSlackMessages(lab.url, 'C0LABSOC01')).filter((message) => message.thread_ts === undefined);
    expect(roots).toHaveLength(1);
  });

  it('starts inventory and policy jobs, parsed, permission-checked and audited', async () => {
    await startBot();
    const inventory = await postSigned(server.url!, command('inventory diff --since 24h'), { secret: SECRET });
    // The inventory is a real job now (test/slack/slack-inventory.test.ts): acked, the diff follows in a thread.
    expect(JSON.parse(inventory.body).text).toMatch(/comparing inventory snapshots/);
    const policy = await postSigned(server.url!, command('policy check srv-db-01 --policy "pci"'), { secret: SECRET });
    expect(JSON.parse(policy.body).text).toMatch(/checking srv-db-01 against policy pci/);
    expect(runtime.ledger().query({ action: 'slack.command' }).map((record) => record.target)).toEqual(['inventory', 'policy']);
  });
});
