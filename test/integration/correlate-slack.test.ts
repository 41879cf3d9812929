/**
 * Issue 8 in Slack: `/defenseclaw event correlate --ioc …` is a job that posts the sightings of an
 * indicator as one timeline in a thread of the lab's fake Slack, through a real Bolt app over
 * signed HTTP; the reads go through the gateway as the Slack user.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { blockErrors } from '../../src/lab/products/slack.js';
import { STORY } from '../../src/lab/scenario/index.js';
import { parseCommand } from '../../src/slack/command/parse-command.js';
import { serveSlack, type SlackServer } from '../../src/slack/slack-serve.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { fakeSlackMessages, messageText, postSigned, slashCommandBody, type FakeSlackMessage } from '../slack/slack-request.js';

const SECRET = LAB_CREDENTIALS.slack.signingSecret;
const CHANNEL = 'C0LABSOC01';
const ANALYST = 'U0LABANA01';

let home: ReturnType<typeof temporaryHome>;
let lab: Lab;
let runtime: Runtime;
let server: SlackServer | undefined;

beforeEach(async () => {
  home = temporaryHome('defenseclaw-slack-correlate-');
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
  runtime = new Runtime({ home: home.home, env: {} });
});
afterEach(async () => {
  await server?.close({ drainMs: 5_000 });
  server = undefined;
  runtime.close();
  await lab.close();
  home.cleanup();
});

/** Sends a signed slash command, waits for its job, and returns the ack and the job's thread. */
async function command(text: string): Promise<{ ack: { text: string }; messages: FakeSlackMessage[] }> {
  server ??= await serveSlack(runtime, { port: 0, retries: 0, postIntervalMs: 0 });
  const before = (await fakeSlackMessages(lab.url, CHANNEL)).length;
  const response = await postSigned(server.url!, slashCommandBody({ text, user_id: ANALYST }, lab.url), { secret: SECRET });
  expect(response.status).toBe(200);
  await server.handle.onIdle();
  const messages = (await fakeSlackMessages(lab.url, CHANNEL)).slice(before);
  for (const message of messages) expect(blockErrors(message.blocks)).toBeUndefined();
  return { ack: JSON.parse(response.body) as { text: string }, messages };
}

describe('/defenseclaw event correlate --ioc', () => {
  it('posts every sighting of the indicator as one timeline in a thread, read as the Slack user', async () => {
    const { ack, messages } = await command(`event correlate --ioc ${STORY.attackerIp} --last 7d`);
    expect(ack.text).toContain(`looking for ${STORY.attackerIp} (ip)`);
    const root = messages.find((message) => message.thread_ts === undefined)!;
    expect(messageText(root)).toContain(`Sightings of ${STORY.attackerIp} (ip, last 7d)`);
    expect(messageText(root)).toContain('finished');
    const thread = messages.filter((message) => message.thread_ts === root.ts).map(messageText).join('\n');
    expect(thread).toContain(`Timeline of ${STORY.attackerIp}`);
    expect(thread).toContain('Outbound TLS to known-bad address');
    expect(thread).toMatch(/sighting\(s\) in 5 product\(s\): cisco-xdr, secure-endpoint, secure-firewall, sentinel, splunk/);
    // Read-only, through the gateway, as the Slack user; the command itself is audited.
    const reads = runtime.ledger().query({ action: 'tool.call' });
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads.map((record) => record.actor))).toEqual(new Set([`slack:${ANALYST}`]));
    expect(reads.every((record) => record.scope === 'read')).toBe(true);
    expect(runtime.ledger().query({ action: 'slack.command' })).toEqual([expect.objectContaining({ target: 'event', outcome: 'succeeded' })]);
  });

  it('answers a malformed indicator at once, with the usage, and starts nothing', async () => {
    const { ack, messages } = await command('event correlate --ioc "185.220.101.5; drop" --ioc-type ip');
    expect(ack.text).toContain('is not an IPv4 or IPv6 address');
    expect(messages).toEqual([]);
    expect(runtime.ledger().query({ action: 'tool.call' })).toEqual([]);
  });

  it('parses the sub-command strictly', () => {
    expect(parseCommand('event correlate --ioc update-check.example-cdn.net')).toEqual({
      ok: true,
      request: { subCommand: 'event', kind: 'event_correlate', ioc: 'update-check.example-cdn.net', iocType: 'domain', last: '7d' },
    });
    expect(parseCommand('event correlate --ioc WORKSTATION-042 --ioc-type host --last 24h')).toMatchObject({ ok: true, request: { ioc: 'workstation-042', iocType: 'host', last: '24h' } });
    for (const text of ['event', 'event correlate', 'event correlate --ioc', 'event correlate x --ioc 1.2.3.4', 'event correlate --ioc jdoe', 'event correlate --ioc 1.2.3.4 --last forever', 'event correlate --ioc 1.2.3.4 --rules x']) {
      expect(parseCommand(text).ok, text).toBe(false);
    }
  });
});
