/**
 * `/defenseclaw investigate <alert-id>` through a real Bolt app over HTTP (signed requests) against
 * the lab: the investigation service runs, its story is told in a thread of the lab's fake Slack,
 * approval messages of the proposed actions work, and an approved isolation runs exactly once.
 * Then the thread builders on hostile product text: nothing can mention anyone.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import type { GatewayResult } from '../../src/gateway/gateway-result.js';
import type { InvestigationProgress, InvestigationResult } from '../../src/investigate/index.js';
import type { TimelineEntry } from '../../src/investigate/timeline/index.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { blockErrors } from '../../src/lab/products/slack.js';
import { APPROVE_ACTION_ID, DENY_ACTION_ID, registerSlackApprovals } from '../../src/slack/approvals/index.js';
import { progressMessage } from '../../src/slack/blocks/job-message-blocks.js';
import type { SlackMessage } from '../../src/slack/blocks/slack-message.js';
import { approvedActionMessage, investigationRootMessage, investigationThreadMessages, progressLine } from '../../src/slack/jobs/investigation-job.js';
import { serveSlack, type SlackServer } from '../../src/slack/slack-serve.js';
import { isMutating, labRequests } from '../helpers/gateway-lab.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { fakeSlackMessages, messageText, postSigned, slashCommandBody, type FakeSlackMessage } from './slack-request.js';

const SECRET = LAB_CREDENTIALS.slack.signingSecret;
const CHANNEL = 'C0LABSOC01';
const ANALYST = 'U0LABANA01';
const APPROVER = 'U0LABAPR01';
const SECOND_APPROVER = 'U0LABAPR02';

let home: ReturnType<typeof temporaryHome>;
let lab: Lab;
let runtime: Runtime | undefined;
let server: SlackServer | undefined;

beforeEach(async () => {
  home = temporaryHome('defenseclaw-slack-investigate-');
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
});

afterEach(async () => {
  await server?.close({ drainMs: 5_000 });
  server = undefined;
  runtime?.close();
  runtime = undefined;
  await lab.close();
  home.cleanup();
});

async function startBot(): Promise<{ runtime: Runtime; server: SlackServer }> {
  // No API key in the lab config: the investigation is the deterministic triage, and says so.
  runtime = new Runtime({ home: home.home, env: {} });
  // The approvals extension: the Approve / Deny listeners (and the poster, which has no channel here).
  server = await serveSlack(runtime, { port: 0, retries: 0, extensions: [registerSlackApprovals] });
  return { runtime, server };
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface StoredMessage extends FakeSlackMessage {
  ephemeral?: boolean;
  ephemeral_user?: string;
}

async function channelMessages(): Promise<StoredMessage[]> {
  return (await fakeSlackMessages(lab.url, CHANNEL)) as StoredMessage[];
}

function actionsOf(message: { blocks?: Array<Record<string, unknown>> }): { block_id: string; elements: Array<{ action_id: string; value: string }> } | undefined {
  return message.blocks?.find((block) => block.type === 'actions') as { block_id: string; elements: Array<{ action_id: string; value: string }> } | undefined;
}

async function isolationPuts() {
  return (await labRequests(lab.url, { product: 'secure_endpoint', method: 'PUT' })).filter((entry) => entry.path.endsWith('/isolation'));
}

/** A block_actions click on a message's button, signed as Slack signs it. */
async function click(bot: SlackServer, message: StoredMessage, user: string, actionId = APPROVE_ACTION_ID): Promise<number> {
  const actions = actionsOf(message);
  const button = actions?.elements.find((element) => element.action_id === actionId);
  expect(button, `a ${actionId} button`).toBeDefined();
  const payload = {
    type: 'block_actions',
    api_app_id: 'A0LAB00001',
    token: 'legacy-verification-token',
    trigger_id: `${Date.now()}.click`,
    team: { id: LAB_CREDENTIALS.slack.teamId, domain: 'defenseclaw-lab' },
    user: { id: user, username: user.toLowerCase(), team_id: LAB_CREDENTIALS.slack.teamId },
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false, thread_ts: message.thread_ts },
    channel: { id: message.channel, name: 'soc-alerts' },
    message: { type: 'message', ts: message.ts, thread_ts: message.thread_ts, text: message.text, blocks: message.blocks },
    response_url: `${lab.url}/slack/response/${message.ts}`,
    actions: [{ type: 'button', action_id: actionId, block_id: actions!.block_id, value: button!.value, action_ts: String(Date.now() / 1000), text: { type: 'plain_text', text: 'Approve' } }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const response = await fetch(`${bot.url}/slack/events`, {
    method: 'POST',
    headers: { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  await response.text();
  return response.status;
}

/** The lines of every section of a message. */
function messageTextLines(message: { blocks?: Array<Record<string, unknown>> }): string[] {
  return (message.blocks ?? []).flatMap((block) => (block.type === 'section' ? ((block.text as { text?: string } | undefined)?.text ?? '').split('\n') : []));
}

/** At most 50 blocks, every text at most 3,000 characters, and the lab's Block Kit validator content. */
function expectWithinLimits(message: { text: string; blocks?: ReadonlyArray<unknown> }): void {
  const blocks = message.blocks ?? [];
  expect(blocks.length).toBeLessThanOrEqual(50);
  const visit = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key === 'text') expect(value.length).toBeLessThanOrEqual(3000);
      return;
    }
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object') for (const [childKey, child] of Object.entries(value)) visit(child, childKey);
  };
  visit(blocks);
  if (blocks.length > 0) expect(blockErrors(blocks)).toBeUndefined();
}

describe('/defenseclaw investigate in Slack', () => {
  it('acks at once, tells the investigation in a thread with approval messages and the HTML report, and runs an approved isolation once', async () => {
    const { runtime, server } = await startBot();
    const ack = await postSigned(server.url!, slashCommandBody({ text: 'investigate XDR-2026-001234', user_id: ANALYST }, lab.url), { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(1000);
    expect(JSON.parse(ack.body)).toMatchObject({ response_type: 'ephemeral', text: 'Investigating XDR-2026-001234; the timeline follows in a thread.' });
    await server.handle.onIdle();

    const messages = await channelMessages();
    const roots = messages.filter((message) => message.thread_ts === undefined);
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    const rootText = messageText(root);
    expect(rootText).toContain('Investigation of XDR-2026-001234');
    expect(rootText).toContain(`requested by <@${ANALYST}>`);
    expect(rootText).toContain('the LLM was not used (no API key is configured');
    // Updated from running to done, with the one-line outcome.
    expect(root.update_count).toBeGreaterThan(0);
    expect(rootText).toContain(':white_check_mark: done');
    expect(rootText).toContain('Phishing leads to credential theft and lateral movement to srv-db-01 (high)');
    expect(rootText).toContain('4 action(s) proposed: 3 awaiting approval, 1 refused');

    const [investigation] = runtime.investigationStore().list();
    expect(investigation).toMatchObject({ alertId: 'XDR-2026-001234', mode: 'deterministic', status: 'complete', requester: `slack:${ANALYST}` });
    expect(rootText).toContain(investigation!.id);

    const replies = messages.filter((message) => message.thread_ts === root.ts);
    const thread = replies.map(messageText).join('\n');
    // Progress: one message updated in place.
    const progress = replies.filter((message) => message.text.startsWith('Progress'));
    expect(progress).toHaveLength(1);
    expect(progress[0]!.update_count).toBeGreaterThan(0);
    expect(messageText(progress[0]!)).toMatch(/read \d+ sources: \d+ timeline events, 8 findings/);
    // The timeline, bursts collapsed: 40 failed logons are one line.
    expect(thread).toContain('Timeline of XDR-2026-001234');
    expect(thread).toContain('40 failed logons svc_backup from 10.10.4.42 to srv-db-01 between');
    const stored = JSON.parse(investigation!.result!) as InvestigationResult;
    const timelineLines = replies
      .filter((message) => message.text.startsWith('Timeline of'))
      .flatMap((message) => messageTextLines(message))
      .filter((line) => /^`\d\d:\d\d:\d\d`/.test(line));
    expect(timelineLines.length).toBeLessThanOrEqual(stored.timeline.length - 39);
    expect(timelineLines.filter((line) => line.includes('failed logons'))).toHaveLength(1);
    expect(thread).toContain('Credential dumping from LSASS memory');
    // Enrichment and findings.
    expect(thread).toContain('*Enrichment*');
    expect(thread).toMatch(/\*malicious\* domain update-check\.example-cdn\.net/);
    expect(thread).toContain('*Findings* (8)');
    for (const finding of ['Credential dumping', 'Brute force then successful logon', 'Malware executed', 'Lateral movement']) expect(thread).toContain(`*${finding}*`);
    // The refused isolation of the crown jewel: a line with the reason, no approval.
    expect(thread).toContain('secure_endpoint.isolate_host hostname=srv-db-01: refused by the gateway: host srv-db-01 is tagged crown-jewel');

    // One approval message with Approve / Deny per proposal awaiting approval, in the thread.
    const approvalMessages = replies.filter((message) => actionsOf(message) !== undefined);
    expect(approvalMessages).toHaveLength(3);
    const pending = runtime.approvals().list({ pending: true });
    expect(pending).toHaveLength(3);
    for (const [tool, subject] of [
      ['secure_endpoint.isolate_host', 'workstation-042'],
      ['secure_firewall.block_ip', '185.220.101.5'],
      ['umbrella.block_domain', 'update-check.example-cdn.net'],
    ] as const) {
      const approval = pending.find((candidate) => candidate.tool === tool);
      expect(approval, tool).toBeDefined();
      expect(approval).toMatchObject({ requester: `slack:${ANALYST}`, runId: investigation!.id, channel: CHANNEL });
      const message = approvalMessages.find((candidate) => candidate.ts === approval!.messageTs);
      expect(message, `the approval message of ${tool}`).toBeDefined();
      expect(messageText(message!)).toContain(subject);
      expect(actionsOf(message!)!.elements.map((button) => [button.action_id, button.value])).toEqual([
        [APPROVE_ACTION_ID, approval!.id],
        [DENY_ACTION_ID, approval!.id],
      ]);
    }
    expect(pending.some((approval) => JSON.stringify(approval.argsSummary).includes('srv-db-01'))).toBe(false);

    // The HTML report, uploaded into the thread through files.getUploadURLExternal + completeUploadExternal.
    const uploads = replies.filter((message) => (message.files ?? []).length > 0);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.files!.map((file) => file.name)).toEqual([`${investigation!.id}.html`]);
    expect(uploads[0]!.files![0]!.content).toMatch(/^<!doctype html>/i);
    expect(uploads[0]!.files![0]!.content).toContain('XDR-2026-001234');
    const slackCalls = (await labRequests(lab.url, { product: 'slack' })).map((entry) => entry.path);
    expect(slackCalls.some((path) => path.endsWith('files.getUploadURLExternal'))).toBe(true);
    expect(slackCalls.some((path) => path.endsWith('files.completeUploadExternal'))).toBe(true);

    // Every message the job posted is within Block Kit limits.
    for (const message of [root, ...replies]) expectWithinLimits(message);
    // Nothing ran yet: proposals only ever wait for a human.
    expect(await isolationPuts()).toHaveLength(0);

    // An approver approves the isolation of workstation-042 in the thread.
    const isolation = pending.find((approval) => approval.tool === 'secure_endpoint.isolate_host')!;
    const isolationMessage = approvalMessages.find((message) => message.ts === isolation.messageTs)!;
    expect(await click(server, isolationMessage, APPROVER)).toBe(200);
    await waitFor('the isolation request', async () => ((await isolationPuts()).length > 0 ? true : undefined));
    const ran = await waitFor('the thread to say the action ran', async () => (await channelMessages()).find((message) => message.thread_ts === root.ts && message.text.includes('Approved action ran')));
    expect(messageText(ran)).toContain('secure_endpoint.isolate_host hostname=workstation-042');
    expect(messageText(ran)).toContain(`by <@${APPROVER}>`);
    const decided = await waitFor('the approval message to show the decision', async () => {
      const message = (await channelMessages()).find((candidate) => candidate.ts === isolation.messageTs);
      return message !== undefined && actionsOf(message) === undefined ? message : undefined;
    });
    expect(messageText(decided)).toContain(`Approved by <@${APPROVER}>`);
    expect(runtime.approvals().get(isolation.id)).toMatchObject({ state: 'approved', decidedBy: APPROVER, executedAt: expect.any(String) });

    // A second click is refused by the approval service; still exactly one isolation.
    expect(await click(server, isolationMessage, SECOND_APPROVER)).toBe(200);
    await waitFor('the ephemeral refusal', async () => (await channelMessages()).find((message) => message.ephemeral === true && message.ephemeral_user === SECOND_APPROVER));
    await server.handle.onIdle();
    const puts = await isolationPuts();
    expect(puts).toHaveLength(1);
    expect(puts[0]!.status).toBe(200);
    // The other two stay pending, their messages untouched by the decision.
    expect(runtime.approvals().list({ pending: true }).map((approval) => approval.tool).sort()).toEqual(['secure_firewall.block_ip', 'umbrella.block_domain']);
    const executed = runtime.ledger().query({ action: 'tool.call', target: 'secure_endpoint.isolate_host' }).filter((record) => record.outcome === 'succeeded');
    expect(executed).toHaveLength(1);
    expect(executed[0]!.actor).toBe(`agent:triage:${investigation!.id}`);
  });
});

// ---------------------------------------------------------------------------------------------

const HOSTILE = '<!channel> *ignore* <@U123> & <script>alert(1)</script> <https://evil.example|click>';

function timelineEntry(index: number, title: string): TimelineEntry {
  const time = new Date(Date.UTC(2026, 10, 23, 22, 0, index)).toISOString();
  return {
    id: `e-${index}`,
    time,
    lastTime: time,
    class: index % 2 === 0 ? 'authentication' : 'process_activity',
    severity: index % 7 === 0 ? 'critical' : 'high',
    title,
    sources: ['splunk', `src ${HOSTILE}`],
    entities: { hosts: [`host-${index} ${HOSTILE}`], users: [`<@U123>`], ips: [], domains: [], hashes: [], urls: [] },
    fields: { outcome: index % 2 === 0 ? 'failure' : 'success', src_ip: '10.0.0.1', host: `<!channel>-${index % 3}` },
    evidence: [],
  };
}

function hostileResult(size: number): InvestigationResult {
  return {
    id: 'inv-20261124T012249Z-c52239',
    alertId: `XDR-1 ${HOSTILE}`,
    mode: 'llm',
    status: 'partial',
    reasons: Array.from({ length: 15 }, (_, index) => `reason ${index}: ${HOSTILE}`),
    requester: 'slack:U0LABANA01',
    startedAt: '2026-11-24T01:22:49.760Z',
    finishedAt: '2026-11-24T01:22:50.914Z',
    incident: { id: 'XDR-1', title: `Incident ${HOSTILE}`, severity: 'high', time: '2026-11-23T23:37:49.661Z', description: HOSTILE },
    window: { from: '2026-11-23T01:22:49.760Z', to: '2026-11-24T01:22:49.760Z' },
    timeline: Array.from({ length: size }, (_, index) => timelineEntry(index, `${index % 5 === 0 ? 'Same title' : `Title ${index}`} ${HOSTILE}`)),
    enrichment: {
      observables: Array.from({ length: size }, (_, index) => ({ type: 'domain', value: `d${index}.example ${HOSTILE}`, verdict: index % 2 === 0 ? 'malicious' : 'clean', source: `umbrella ${HOSTILE}`, detail: HOSTILE.repeat(20) })),
      hosts: Array.from({ length: 20 }, (_, index) => ({ hostname: `host-${index} ${HOSTILE}`, source: 'secure-endpoint', ips: ['10.0.0.1'], isolation: HOSTILE, threatScore: 87, compromised: true, tags: [HOSTILE] })),
    },
    findings: Array.from({ length: size }, (_, index) => ({
      id: `f-${index}`,
      kind: 'credential_dumping',
      title: `Finding ${index} ${HOSTILE}`,
      severity: 'critical',
      summary: HOSTILE.repeat(30),
      firstSeen: '2026-11-23T22:42:46.000Z',
      lastSeen: '2026-11-23T22:42:46.000Z',
      entities: { hosts: [], users: [], indicators: [] },
      techniques: [`T1003 ${HOSTILE}`],
      evidence: [],
    })),
    proposals: [
      { tool: 'secure_endpoint.isolate_host', input: { hostname: `ws ${HOSTILE}` }, rationale: HOSTILE, proposedBy: 'llm', outcome: 'awaiting_approval', approvalId: 'apr_0123456789abcdef', expiresAt: '2026-11-24T02:22:50.904Z' },
      { tool: 'secure_endpoint.isolate_host', input: { hostname: 'srv-db-01' }, rationale: HOSTILE, proposedBy: 'triage', outcome: 'denied', reason: `host srv-db-01 is tagged crown-jewel ${HOSTILE}` },
      ...Array.from({ length: size }, (_, index) => ({ tool: `tool.${index}`, input: { [`k ${HOSTILE}`]: HOSTILE }, rationale: HOSTILE, proposedBy: 'llm' as const, outcome: HOSTILE, reason: HOSTILE })),
    ],
    summary: Array.from({ length: 200 }, () => HOSTILE).join('\n'),
    sources: [],
    usage: { model: `claude ${HOSTILE}`, turns: 3, inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, cacheShare: 0, estimatedCostUsd: 0.01, toolCalls: 4 },
  };
}

function expectInert(message: SlackMessage): void {
  const everything = JSON.stringify(message);
  for (const raw of ['<!channel>', '<@U123>', '<script>', '<https://evil.example']) expect(everything).not.toContain(raw);
  expect(everything).not.toMatch(/ & /);
  expectWithinLimits(message);
}

describe('/defenseclaw investigate across a restart', () => {
  it('an approval clicked after the bot restarted still runs the proposed isolation, once', async () => {
    const first = await startBot();
    expect((await postSigned(first.server.url!, slashCommandBody({ text: 'investigate XDR-2026-001234', user_id: ANALYST }, lab.url), { secret: SECRET })).status).toBe(200);
    await first.server.handle.onIdle();
    const isolation = first.runtime.approvals().list({ pending: true }).find((approval) => approval.tool === 'secure_endpoint.isolate_host')!;
    expect(isolation.messageTs).toEqual(expect.any(String));
    // Restart: the job (and its in-process listener) is gone; the approval and its message stay.
    await first.server.close({ drainMs: 5_000 });
    first.runtime.close();
    server = undefined;
    runtime = undefined;

    const second = await startBot();
    const message = (await channelMessages()).find((candidate) => candidate.ts === isolation.messageTs)!;
    expect(await click(second.server, message, APPROVER)).toBe(200);
    await waitFor('the isolation request', async () => ((await isolationPuts()).length > 0 ? true : undefined));
    const told = await waitFor('the thread to say the action ran', async () => (await channelMessages()).find((candidate) => candidate.text.includes('Approved action ran')));
    expect(messageText(told)).toContain('secure_endpoint.isolate_host hostname=workstation-042');
    await second.server.handle.onIdle();
    expect(await isolationPuts()).toHaveLength(1);
    expect(second.runtime.approvals().get(isolation.id)).toMatchObject({ state: 'approved', executedAt: expect.any(String) });
  });
});

describe('/defenseclaw investigate asset in Slack', () => {
  it('posts the asset records and the events naming the host in the window, read-only', async () => {
    const { server } = await startBot();
    const before = (await labRequests(lab.url)).length;
    const ack = await postSigned(server.url!, slashCommandBody({ text: 'investigate asset workstation-042 --last 24h', user_id: ANALYST }, lab.url), { secret: SECRET });
    expect(ack.status).toBe(200);
    const texts = await waitFor('the asset outcome', async () => {
      const all = (await channelMessages()).map((message) => messageText(message)).join('\n');
      return /asset record\(s\), \d+ event\(s\)/.test(all) ? all : undefined;
    });
    expect(texts).toContain('Credential dumping from LSASS memory');
    expect(texts).toMatch(/workstation-042: 2 asset record\(s\)/);
    expect(texts).toMatch(/threat score 100/);
    // Reads only: nothing that changes a security product (the fake Slack took the messages).
    expect((await labRequests(lab.url)).slice(before).filter((entry) => entry.product !== 'slack' && isMutating(entry))).toEqual([]);
  });
});

describe('investigation thread builders', () => {
  it('escape every product and model text (no mention, link or markup gets through) and stay within Block Kit limits', () => {
    for (const size of [3, 400]) {
      const result = hostileResult(size);
      const thread = investigationThreadMessages(result);
      const all: SlackMessage[] = [
        investigationRootMessage({ alertId: result.alertId, requester: 'U0LABANA01', mode: 'llm', model: HOSTILE }),
        investigationRootMessage({ alertId: result.alertId, requester: 'U0LABANA01', mode: 'deterministic', llmNotUsedReason: HOSTILE, result, reportFile: `${result.id}.html` }),
        investigationRootMessage({ alertId: result.alertId, requester: `<!channel>`, mode: 'deterministic', error: HOSTILE }),
        ...thread.timeline,
        thread.enrichment!,
        thread.findings!,
        thread.proposals!,
        progressMessage(
          (
            [
              { kind: 'started', id: result.id, alertId: result.alertId, mode: 'deterministic', llmNotUsedReason: HOSTILE },
              { kind: 'tool', tool: HOSTILE, outcome: 'failed', durationMs: 3 },
              { kind: 'triaged', entries: 3, findings: 1, sourcesFailed: 1 },
              { kind: 'model_turn', turn: 1, toolCalls: [HOSTILE], stopReason: 'tool_use' },
              { kind: 'proposal', proposal: result.proposals[0]! },
            ] satisfies InvestigationProgress[]
          )
            .map((event) => progressLine(event, 10))
            .filter((line): line is string => line !== undefined),
          { done: false },
        ),
        ...(['succeeded', 'failed', 'denied'] as const).map((outcome) => {
          const gateway: GatewayResult =
            outcome === 'succeeded'
              ? { outcome, tool: 't', output: { status: HOSTILE, hostname: HOSTILE }, truncated: false, auditSeq: 1 }
              : outcome === 'failed'
                ? { outcome, tool: 't', error: { code: 'x', message: HOSTILE }, auditSeq: 1 }
                : { outcome, tool: 't', reason: HOSTILE, auditSeq: 1 };
          return approvedActionMessage(result.proposals[0]!, { id: 'apr_0123456789abcdef', decidedBy: 'U0LABAPR01' }, gateway);
        }),
      ];
      expect(thread.timeline.length).toBeGreaterThan(0);
      for (const message of all) expectInert(message);
      // The requester is the only mention (a Slack user id from the command), escaped text otherwise.
      expect(JSON.stringify(all[0])).toContain('<@U0LABANA01>');
      expect(JSON.stringify(all[2])).toContain('&lt;!channel&gt;');
      // Escaped, not dropped.
      expect(JSON.stringify(thread.findings)).toContain('&lt;!channel&gt; *ignore* &lt;@U123&gt; &amp; &lt;script&gt;');
    }
  });

  it('collapses a burst of alike events into one timeline line', () => {
    const result = hostileResult(3);
    const failures: TimelineEntry[] = Array.from({ length: 40 }, (_, index) => ({
      ...timelineEntry(0, 'An account failed to log on'),
      id: `f-${index}`,
      time: new Date(Date.UTC(2026, 10, 23, 23, 2, index * 10)).toISOString(),
      lastTime: new Date(Date.UTC(2026, 10, 23, 23, 2, index * 10)).toISOString(),
      sources: ['splunk'],
      entities: { hosts: ['srv-db-01'], users: ['svc_backup'], ips: ['10.10.4.42'], domains: [], hashes: [], urls: [] },
      fields: { outcome: 'failure', src_ip: '10.10.4.42', host: 'srv-db-01' },
    }));
    const messages = investigationThreadMessages({ ...result, timeline: failures }).timeline;
    const text = messages.map((message) => JSON.stringify(message.blocks)).join('\n');
    expect(text).toContain('40 failed logons svc_backup from 10.10.4.42 to srv-db-01 between');
    expect(text.match(/failed/g)).toHaveLength(1);
  });
});
