/**
 * Issue 7, inventory in Slack: `/defenseclaw inventory diff` and `inventory search --tag` are real
 * jobs posting in a thread of the lab's fake Slack, through a real Bolt app over signed HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { blockErrors } from '../../src/lab/products/slack.js';
import { assetListMessages, MAX_LISTED_ASSETS } from '../../src/slack/jobs/inventory-job.js';
import { serveSlack, type SlackServer } from '../../src/slack/slack-serve.js';
import type { InventoryAsset } from '../../src/inventory/index.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { fakeSlackMessages, messageText, postSigned, slashCommandBody, type FakeSlackMessage } from './slack-request.js';

const SECRET = LAB_CREDENTIALS.slack.signingSecret;
const CHANNEL = 'C0LABSOC01';

let home: ReturnType<typeof temporaryHome>;
let lab: Lab;
let runtime: Runtime;
let server: SlackServer | undefined;
const clock = fixedClock(Date.now());

beforeEach(async () => {
  clock.set(Date.now());
  home = temporaryHome('defenseclaw-slack-inventory-');
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
  runtime = new Runtime({ home: home.home, env: {}, clock });
});
afterEach(async () => {
  await server?.close({ drainMs: 5_000 });
  server = undefined;
  runtime.close();
  await lab.close();
  home.cleanup();
});

async function setPhase(phase: 'baseline' | 'current'): Promise<void> {
  const response = await fetch(`${lab.url}/__lab/inventory`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phase }) });
  expect(response.status).toBe(200);
}

/** Sends a signed slash command, waits for its job, and returns the ack and the job's thread. */
async function command(text: string): Promise<{ ack: { text: string }; root: FakeSlackMessage; replies: FakeSlackMessage[] }> {
  server ??= await serveSlack(runtime, { port: 0, retries: 0, postIntervalMs: 0 });
  const before = (await fakeSlackMessages(lab.url, CHANNEL)).length;
  const response = await postSigned(server.url!, slashCommandBody({ text }, lab.url), { secret: SECRET });
  expect(response.status).toBe(200);
  await server.handle.onIdle();
  const messages = (await fakeSlackMessages(lab.url, CHANNEL)).slice(before);
  const root = messages.find((message) => message.thread_ts === undefined)!;
  expect(root, `a thread for ${text}`).toBeDefined();
  for (const message of messages) expect(blockErrors(message.blocks)).toBeUndefined();
  return { ack: JSON.parse(response.body) as { text: string }, root, replies: messages.filter((message) => message.thread_ts === root.ts) };
}

describe('/defenseclaw inventory', () => {
  it('diff scans when the newest snapshot is stale, then posts the changes field by field in a thread', async () => {
    await setPhase('baseline');
    await runtime.inventory().scan();
    clock.advance(25 * 3_600_000);
    await setPhase('current');

    const { ack, root, replies } = await command('inventory diff --since 24h');
    expect(ack.text).toMatch(/comparing inventory snapshots \(since 24h\)/);
    expect(messageText(root)).toContain('Inventory diff (since 24h)');
    expect(messageText(root)).toContain('finished');
    const { changes } = lab.world.inventory;
    const thread = replies.map(messageText).join('\n');
    for (const host of [...changes.added, ...changes.removed, ...changes.changed]) expect(thread).toContain(`\`${host}\``);
    expect(thread).toContain(`${changes.added.length} added · ${changes.removed.length} removed · ${changes.changed.length} changed`);
    expect(thread).toContain('→');
    expect(thread).toContain('scanned just now');

    // The scan read as the Slack user, read-only; the command was audited.
    const reads = runtime.ledger().query({ action: 'tool.call' });
    expect(reads.filter((record) => record.actor === 'slack:U0LABANA01').map((record) => record.target).sort()).toEqual(['crowdstrike.query_devices', 'secure_endpoint.list_computers']);
    expect(runtime.ledger().query({ action: 'slack.command' })).toEqual([expect.objectContaining({ target: 'inventory', outcome: 'succeeded' })]);
    expect(runtime.inventory().snapshots()).toHaveLength(2);

    // A fresh snapshot is not scanned again (another --since: the same text twice within 60 s is a duplicate).
    const again = await command('inventory diff --since 2d');
    expect(again.replies.map(messageText).join('\n')).not.toContain('scanned just now');
    expect(runtime.inventory().snapshots()).toHaveLength(2);
  });

  it('search --tag lists the tagged assets in a thread; an unknown tag says none', async () => {
    const { root, replies } = await command('inventory search --tag crown-jewel');
    expect(messageText(root)).toContain('Inventory search: tag crown-jewel');
    const thread = replies.map(messageText).join('\n');
    expect(thread).toContain('`srv-db-01`');
    expect(thread).toMatch(/1 asset tagged crown-jewel of \d+/);

    const none = await command('inventory search --tag no-such-tag');
    expect(none.replies.map(messageText).join('\n')).toContain('No asset in the newest snapshot is tagged');
  });

  it('long results are split across messages within Slack limits, product text escaped', () => {
    const asset = (index: number): InventoryAsset => ({ key: `asset:h${index}`, hostname: `h${index}<@U123>`, ips: ['10.0.0.1'], macs: [], users: [], tags: ['production'], os: { name: `Windows ${'x'.repeat(index % 300)}` }, sources: {} });
    const messages = assetListMessages(Array.from({ length: 1000 }, (_, index) => asset(index)), 'production');
    const all = JSON.stringify(messages);
    expect(all).not.toContain('<@U123>');
    expect(all).toContain('&lt;@U123&gt;');
    expect(all).toContain(`and ${1000 - MAX_LISTED_ASSETS} more`);
    for (const message of messages) {
      expect(blockErrors(message.blocks)).toBeUndefined();
      expect(message.blocks.length).toBeLessThanOrEqual(50);
    }
  });
});
