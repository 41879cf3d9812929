import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { SLACK_CHANNELS, SLACK_USER_GROUPS } from '../../src/lab/products/slack-directory.js';
import { createSlackSimulator, type SlackStoredMessage } from '../../src/lab/products/slack.js';

const clock = fixedClock('2026-03-10T12:00:00Z');
const token = LAB_CREDENTIALS.slack.botToken;
const channel = SLACK_CHANNELS[0]!.id;
/** The rate-limit clock, moved by hand so the 429 test needs no sleep. */
let rateNowMs = 0;
let lab: Lab;

/** Posts exactly as Bolt's WebClient does: form-encoded, non-scalars as JSON strings. */
async function slack(method: string, args: Record<string, unknown>, authorization = `Bearer ${token}`) {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  const response = await fetch(`${lab.url}/slack/api/${method}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, any> };
}

async function messages(channelId = channel): Promise<SlackStoredMessage[]> {
  const response = await fetch(`${lab.url}/slack/__messages?channel=${channelId}`);
  return ((await response.json()) as { messages: SlackStoredMessage[] }).messages;
}

beforeAll(async () => {
  lab = await startLab({ products: [createSlackSimulator({ now: () => rateNowMs })], clock });
});
afterAll(async () => {
  await lab.close();
});
beforeEach(async () => {
  // Each test starts with full buckets and no messages.
  rateNowMs += 60_000;
  await fetch(`${lab.url}/slack/__messages`, { method: 'DELETE' });
});

describe('fake Slack Web API over form posts', () => {
  it('auth.test answers with the lab team and bot; a wrong token is invalid_auth with HTTP 200', async () => {
    const good = await slack('auth.test', {});
    expect(good.body).toMatchObject({ ok: true, team_id: LAB_CREDENTIALS.slack.teamId, user_id: LAB_CREDENTIALS.slack.botUserId, bot_id: LAB_CREDENTIALS.slack.botId });
    const bad = await slack('auth.test', {}, 'Bearer xoxb-wrong');
    expect(bad).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    const none = await slack('auth.test', {}, '');
    expect(none.body).toEqual({ ok: false, error: 'not_authed' });
    expect((await slack('nope.method', {})).body.error).toBe('unknown_method');
  });

  it('takes the token from a form field, but never from a JSON body (Slack wants the header then)', async () => {
    const form = await fetch(`${lab.url}/slack/api/auth.test`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
    expect(((await form.json()) as { ok: boolean }).ok).toBe(true);
    const jsonBody = await fetch(`${lab.url}/slack/api/chat.postMessage`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ token, channel, text: 'x' }) });
    expect(jsonBody.status).toBe(200);
    expect(await jsonBody.json()).toEqual({ ok: false, error: 'not_authed' });
    const jsonWithHeader = await fetch(`${lab.url}/slack/api/chat.postMessage`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` }, body: JSON.stringify({ channel, text: 'x' }) });
    expect(((await jsonWithHeader.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('stores postMessage with blocks and thread_ts, applies chat.update, marks ephemeral messages', async () => {
    const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'XDR-2026-001234' } }, { type: 'section', text: { type: 'mrkdwn', text: '*workstation-042* contacted 185.220.101.5' } }];
    const parent = await slack('chat.postMessage', { channel, text: 'Investigation started', blocks });
    expect(parent.body).toMatchObject({ ok: true, channel });
    expect(parent.body.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(parent.body.ts.startsWith(String(Math.floor(clock.now().getTime() / 1000)))).toBe(true);
    const reply = await slack('chat.postMessage', { channel: '#soc-alerts', text: 'Step 1', thread_ts: parent.body.ts });
    expect(reply.body.channel).toBe(channel);
    const updated = await slack('chat.update', { channel, ts: parent.body.ts, text: 'Investigation finished', blocks: [{ type: 'divider' }] });
    expect(updated.body).toMatchObject({ ok: true, ts: parent.body.ts, text: 'Investigation finished' });
    const ephemeral = await slack('chat.postEphemeral', { channel, user: 'U0LABANA01', text: 'Only you can see this' });
    expect(ephemeral.body.message_ts).toMatch(/^\d+\.\d{6}$/);

    const stored = await messages();
    expect(stored).toHaveLength(3);
    expect(stored[0]).toMatchObject({ ts: parent.body.ts, text: 'Investigation finished', blocks: [{ type: 'divider' }], update_count: 1, reply_count: 1, ephemeral: false });
    expect(stored[1]).toMatchObject({ thread_ts: parent.body.ts, text: 'Step 1' });
    expect(stored[2]).toMatchObject({ ephemeral: true, ephemeral_user: 'U0LABANA01' });
    expect((await slack('chat.update', { channel, ts: '1.000001', text: 'x' })).body.error).toBe('message_not_found');
    expect((await slack('chat.postEphemeral', { channel, user: 'U0NOBODY', text: 'x' })).body.error).toBe('user_not_found');
  });

  it('enforces Block Kit limits and channel existence', async () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect((await slack('chat.postMessage', { channel, text: 't', blocks: tooMany })).body).toMatchObject({ ok: false, error: 'invalid_blocks' });
    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    const refused = await slack('chat.postMessage', { channel, text: 't', blocks: longSection });
    expect(refused.body).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(refused.body.errors[0]).toContain('/blocks/0/text/text');
    const exact = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3000) } }];
    expect((await slack('chat.postMessage', { channel, text: 't', blocks: exact })).body.ok).toBe(true);
    expect((await slack('chat.postMessage', { text: 'no channel' })).body.error).toBe('channel_not_found');
    expect((await slack('chat.postMessage', { channel: 'C0UNKNOWN', text: 'x' })).body.error).toBe('channel_not_found');
    expect((await slack('chat.postMessage', { channel })).body.error).toBe('no_text');
    const form = new URLSearchParams({ channel, text: 't', blocks: '[{' });
    const malformed = await fetch(`${lab.url}/slack/api/chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(((await malformed.json()) as any).error).toBe('invalid_blocks_format');
    expect(await messages()).toHaveLength(1);
  });

  it('rate-limits a channel after a burst of 3 with HTTP 429 and Retry-After: 1, then allows 1 per second', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await slack('chat.postMessage', { channel, text: `m${index}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await slack('chat.postMessage', { channel, text: 'again' });
    expect(limited).toMatchObject({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    // Another channel has its own budget.
    expect((await slack('chat.postMessage', { channel: SLACK_CHANNELS[1]!.id, text: 'other' })).status).toBe(200);
    rateNowMs += 1000;
    expect((await slack('chat.postMessage', { channel, text: 'after a second' })).status).toBe(200);
    expect((await slack('chat.postMessage', { channel, text: 'too soon' })).status).toBe(429);
  });

  it('serves users.info and usergroups.users.list from the lab directory', async () => {
    const user = await slack('users.info', { user: 'U0LABAPR01' });
    expect(user.body.user).toMatchObject({ id: 'U0LABAPR01', real_name: 'Pat Approver', is_bot: false, profile: { email: 'pat.approver@corp.example.com' } });
    expect((await slack('users.info', { user: 'U0NOBODY' })).body.error).toBe('user_not_found');
    const group = await slack('usergroups.users.list', { usergroup: 'S0LABAPPRV' });
    expect(group.body.users).toEqual(SLACK_USER_GROUPS[0]!.users);
    expect((await slack('usergroups.users.list', { usergroup: 'S0NOPE' })).body.error).toBe('no_such_subteam');
  });

  it('accepts file uploads (getUploadURLExternal → upload → completeUploadExternal) into a thread', async () => {
    const parent = await slack('chat.postMessage', { channel, text: 'Report follows' });
    const url = await slack('files.getUploadURLExternal', { filename: 'report.html', length: '27' });
    expect(url.body.upload_url).toBe(`${lab.url}/slack/upload/${url.body.file_id}`);
    const upload = await fetch(url.body.upload_url, { method: 'POST', body: '<html>investigation</html>\n' });
    expect(upload.status).toBe(200);
    const done = await slack('files.completeUploadExternal', { files: [{ id: url.body.file_id, title: 'Investigation report' }], channel_id: channel, thread_ts: parent.body.ts, initial_comment: 'Full report' });
    expect(done.body.files[0]).toMatchObject({ id: url.body.file_id, title: 'Investigation report', mimetype: 'text/html', size: 27 });
    const stored = await messages();
    expect(stored[1]).toMatchObject({ thread_ts: parent.body.ts, text: 'Full report', files: [{ id: url.body.file_id, content: '<html>investigation</html>\n', completed: true }] });
    expect((await slack('files.completeUploadExternal', { files: [{ id: 'F0NOPE' }] })).body.error).toBe('file_not_found');
  });

  it('stores what is posted to a response_url', async () => {
    const response = await fetch(`${lab.url}/slack/response/cmd-1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', text: 'Working on it' }) });
    expect(response.status).toBe(200);
    const stored = await (await fetch(`${lab.url}/slack/__responses?id=cmd-1`)).json();
    expect(stored).toMatchObject({ responses: [{ id: 'cmd-1', body: { response_type: 'ephemeral', text: 'Working on it' } }] });
  });
});

describe('fake Slack Web API through @slack/web-api', () => {
  it('works with WebClient: auth.test, postMessage with blocks, update, users, groups and uploadV2', async () => {
    const client = new WebClient(token, { slackApiUrl: `${lab.url}/slack/api/`, retryConfig: { retries: 0 } });
    const auth = await client.auth.test();
    expect(auth.user_id).toBe(LAB_CREDENTIALS.slack.botUserId);
    const posted = await client.chat.postMessage({ channel, text: 'fallback', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello *world*' } }] });
    expect(posted.ok).toBe(true);
    await client.chat.update({ channel, ts: posted.ts!, text: 'edited' });
    const members = await client.usergroups.users.list({ usergroup: 'S0LABSOC01' });
    expect(members.users).toContain('U0LABANA01');
    const user = await client.users.info({ user: 'U0LABLEAD1' });
    expect(user.user?.is_admin).toBe(true);
    await client.files.uploadV2({ channel_id: channel, thread_ts: posted.ts!, filename: 'timeline.json', content: '{"steps":3}', title: 'Timeline' });
    const refused = await client.chat.postMessage({ channel: 'C0UNKNOWN', text: 'x' }).catch((error: unknown) => error);
    expect((refused as { data?: { error?: string } }).data?.error).toBe('channel_not_found');

    const stored = await messages();
    expect(stored[0]).toMatchObject({ text: 'edited', blocks: [{ type: 'section' }], update_count: 1 });
    expect(stored[1]).toMatchObject({ thread_ts: posted.ts, files: [{ name: 'timeline.json', title: 'Timeline', content: '{"steps":3}' }] });
  });
});
