import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { ThreadPoster } from '../../src/slack/thread/thread-poster.js';
import { fakeSlackMessages } from './slack-request.js';

let lab: Lab;
beforeEach(async () => {
  lab = await startLab({ products: ALL_SIMULATORS });
});
afterEach(async () => {
  await lab.close();
});

const logger = pino({ level: 'silent' });
const client = () => new WebClient(LAB_CREDENTIALS.slack.botToken, { slackApiUrl: `${lab.url}/slack/api/`, retryConfig: { retries: 0 } });
const message = (text: string) => ({ text, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] });

describe('ThreadPoster', () => {
  it('waits out the fake Slack’s 429 + Retry-After per channel, so every message lands in order', async () => {
    const poster = new ThreadPoster({ client: client(), logger, intervalMs: 0 });
    const root = await poster.postRoot('C0LABAPR01', message('root'));
    await Promise.all(Array.from({ length: 5 }, (_, index) => poster.reply(root, message(`reply ${index}`))));
    const messages = await fakeSlackMessages(lab.url, 'C0LABAPR01');
    expect(messages.map((entry) => entry.text)).toEqual(['root', 'reply 0', 'reply 1', 'reply 2', 'reply 3', 'reply 4']);
    expect(messages.slice(1).every((entry) => entry.thread_ts === root.ts)).toBe(true);
    const limited = lab.journal.list({ product: 'slack' }).filter((entry) => entry.status === 429);
    expect(limited.length).toBeGreaterThan(0);
  });

  it('keeps to about one message per second per channel on its own, with no 429', async () => {
    const poster = new ThreadPoster({ client: client(), logger });
    const started = performance.now();
    const root = await poster.postRoot('C0LABDIG01', message('root'));
    await Promise.all([1, 2, 3, 4].map((index) => poster.reply(root, message(`reply ${index}`))));
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 1100 - 50);
    expect(lab.journal.list({ product: 'slack' }).filter((entry) => entry.status === 429)).toHaveLength(0);
  });

  it('coalesces progress lines into one message updated in place', async () => {
    const poster = new ThreadPoster({ client: client(), logger, intervalMs: 200 });
    const root = await poster.postRoot('C0LABSOC01', message('root'));
    const progress = poster.progress(root);
    for (let index = 0; index < 40; index += 1) progress.push(`line ${index}`);
    await progress.finish();
    const replies = (await fakeSlackMessages(lab.url, 'C0LABSOC01')).filter((entry) => entry.thread_ts === root.ts);
    expect(replies).toHaveLength(1);
    expect(progress.sends).toBeLessThanOrEqual(3);
    expect(JSON.stringify(replies[0]!.blocks)).toContain('line 39');
    expect(JSON.stringify(replies[0]!.blocks)).toContain('(done)');
  });

  it('uploads a JSON report into the thread', async () => {
    const poster = new ThreadPoster({ client: client(), logger, intervalMs: 0 });
    const root = await poster.postRoot('C0LABSOC01', message('root'));
    await poster.uploadJson(root, { filename: 'run.json', title: 'run', comment: 'outputs', data: { steps: [1, 2, 3] } });
    const replies = (await fakeSlackMessages(lab.url, 'C0LABSOC01')).filter((entry) => entry.thread_ts === root.ts);
    expect(replies).toHaveLength(1);
    expect(JSON.parse(replies[0]!.files![0]!.content)).toEqual({ steps: [1, 2, 3] });
  });
});
