/**
 * Issue 5 item 7: the inventory digest. Two digests across the lab's baseline → current switch
 * post a summary and a threaded, field-level account of what the world changed.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { labConfigYaml } from '../../src/cli/lab-config.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { WebClient } from '@slack/web-api';
import {
  DIGEST_AUDIT_ACTION,
  digestDetailMessages,
  digestSummaryMessage,
  runDigestOnce,
  type InventoryDiff,
} from '../../src/slack/digest/index.js';
import { blockErrors } from '../../src/lab/products/slack.js';
import type { SlackServices } from '../../src/slack/slack-services.js';
import { temporaryHome } from '../helpers/cli.js';

const DIGEST_CHANNEL = 'C0LABDIG01';

interface StoredMessage {
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
}

let lab: Lab;
let home: ReturnType<typeof temporaryHome>;
let runtime: Runtime;
let services: SlackServices;

beforeEach(async () => {
  lab = await startLab({ products: ALL_SIMULATORS });
  home = temporaryHome('defenseclaw-slack-digest-');
  const config = labConfigYaml(lab.url).replace(/  digest: \{\}.*\n/, `  digest:\n    channel: ${DIGEST_CHANNEL}\n    cron: "0 8 * * 1-5"\n`);
  writeFileSync(join(home.home, 'config.yaml'), config, { mode: 0o600 });
  runtime = new Runtime({ home: home.home, env: {}, actor: 'cli:digest-test' });
  const client = new WebClient(LAB_CREDENTIALS.slack.botToken, { slackApiUrl: `${lab.url}/slack/api/`, retryConfig: { retries: 0 } });
  services = { runtime, client, clock: runtime.clock, logger: runtime.logger(), approvalsInThread: false };
});

afterEach(async () => {
  runtime.close();
  await lab.close();
  home.cleanup();
});

async function setPhase(phase: 'baseline' | 'current'): Promise<void> {
  const response = await fetch(`${lab.url}/__lab/inventory`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phase }) });
  expect(response.status).toBe(200);
}

async function messages(): Promise<StoredMessage[]> {
  return ((await (await fetch(`${lab.url}/slack/__messages?channel=${DIGEST_CHANNEL}`)).json()) as { messages: StoredMessage[] }).messages;
}

/** Host names a source of the digest (Secure Endpoint or CrowdStrike) can see in a phase. */
function visible(phase: 'baseline' | 'current'): Set<string> {
  return new Set(lab.world.inventory[phase].filter((host) => host.secureEndpoint !== undefined || host.crowdstrike !== undefined).map((host) => host.hostname));
}

describe('inventory digest', () => {
  it('records a baseline, then posts the adds, removals and field changes of the world with details in the thread', async () => {
    await setPhase('baseline');
    const first = await runDigestOnce(services);
    expect(first).toMatchObject({ channel: DIGEST_CHANNEL, first: true, threadMessages: 0, problems: [] });
    expect(first.diff.totals.after).toBe(visible('baseline').size);
    // The digest's scan is an inventory snapshot like any other (in the 0600 database), marked in the ledger.
    expect(runtime.inventory().latestSnapshot()).toMatchObject({ id: first.snapshot.id, status: 'complete' });
    expect(first.snapshot.sources).toHaveProperty('secure-endpoint');
    expect(first.snapshot.sources).toHaveProperty('crowdstrike');
    expect(statSync(runtime.paths.databaseFile).mode & 0o777).toBe(0o600);
    expect(runtime.ledger().query({ action: DIGEST_AUDIT_ACTION }).map((record) => record.target)).toEqual([first.snapshot.id]);

    await setPhase('current');
    const second = await runDigestOnce(services);
    const { changes } = lab.world.inventory;
    const current = visible('current');
    const baseline = visible('baseline');
    expect(second.first).toBe(false);
    expect(second.previous?.id).toBe(first.snapshot.id);
    expect(second.diff.added.map((entry) => entry.hostname)).toEqual(changes.added.filter((host) => current.has(host)).sort());
    expect(second.diff.removed.map((entry) => entry.hostname)).toEqual(changes.removed.filter((host) => baseline.has(host)).sort());
    const changed = second.diff.changed.map((entry) => entry.hostname);
    // Every host the digest reports as changed was changed in the world, and most changes are visible to SE/CS.
    expect(changed.every((host) => changes.changed.includes(host))).toBe(true);
    expect(changed.length).toBeGreaterThanOrEqual(Math.min(8, changes.changed.length));
    expect(second.diff.added.length + second.diff.removed.length).toBeGreaterThan(0);

    const posted = await messages();
    const roots = posted.filter((message) => message.thread_ts === undefined);
    expect(roots).toHaveLength(2);
    const summary = roots[1]!;
    expect(summary.ts).toBe(second.ts);
    expect(summary.text).toContain(`${second.diff.added.length} added, ${second.diff.removed.length} removed, ${second.diff.changed.length} changed`);
    const thread = posted.filter((message) => message.thread_ts === second.ts);
    expect(thread).toHaveLength(second.threadMessages);
    expect(thread.length).toBeGreaterThanOrEqual(1);
    const details = JSON.stringify(thread.map((message) => message.blocks));
    for (const host of [...second.diff.added, ...second.diff.removed, ...second.diff.changed].map((entry) => entry.hostname)) expect(details).toContain(host);
    // Field-level before → after, e.g. an OS version that was "…-prev" in the baseline.
    const sample = second.diff.changed[0]!;
    expect(details).toContain(sample.changes[0]!.field);
    expect(details).toContain('→');
    for (const message of thread) expect(blockErrors(message.blocks)).toBeUndefined();

    // A third digest with nothing new says so, and posts no details.
    const third = await runDigestOnce(services);
    expect(third.diff).toMatchObject({ added: [], removed: [], changed: [] });
    expect(third.threadMessages).toBe(0);
    expect((await messages()).at(-1)!.text).toContain('no changes');
  });
});

describe('digest builders', () => {
  it('chunk thousands of changes across thread messages within Slack limits', () => {
    const fields = (index: number) => ({ 'secure_endpoint.os': `Windows 11 ${'x'.repeat(index % 400)}`, 'secure_endpoint.ips': `10.0.${index % 250}.1` });
    const diff: InventoryDiff = {
      added: Array.from({ length: 1500 }, (_, index) => ({ hostname: `new-${index}`, fields: fields(index) })),
      removed: Array.from({ length: 700 }, (_, index) => ({ hostname: `old-${index}`, fields: fields(index) })),
      changed: Array.from({ length: 900 }, (_, index) => ({
        hostname: `chg-${index}`,
        changes: [
          { field: 'secure_endpoint.os', before: 'a'.repeat(5000), after: 'b' },
          { field: 'crowdstrike.tags', before: null, after: 'production' },
        ],
      })),
      totals: { before: 3000, after: 3800 },
    };
    const details = digestDetailMessages(diff);
    expect(details.length).toBeGreaterThan(1);
    const all = JSON.stringify(details);
    for (const host of ['new-0', 'new-1499', 'old-699', 'chg-899']) expect(all).toContain(`\`${host}\``);
    for (const message of details) {
      expect(blockErrors(message.blocks)).toBeUndefined();
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      const characters = message.blocks.reduce((sum, block) => sum + ((block as { text?: { text: string } }).text?.text.length ?? 0), 0);
      expect(characters).toBeLessThan(13_000);
    }
    const summary = digestSummaryMessage({ diff, since: '2026-11-23T08:00:00.000Z', sourceCounts: { secure_endpoint: 3000 }, problems: [{ source: 'crowdstrike', message: 'x'.repeat(10_000) }] });
    expect(blockErrors(summary.blocks)).toBeUndefined();
    expect(summary.text).toContain('1500 added, 700 removed, 900 changed');
  });
});
