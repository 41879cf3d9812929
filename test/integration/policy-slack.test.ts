/** `/defenseclaw policy check <resource> [--policy P]`: acked at once, the result told in a thread. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { serveSlack, type SlackServer } from '../../src/slack/slack-serve.js';
import { isMutating, labRequests } from '../helpers/gateway-lab.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { fakeSlackMessages, messageText, postSigned, slashCommandBody } from '../slack/slack-request.js';

const SECRET = LAB_CREDENTIALS.slack.signingSecret;
const CHANNEL = 'C0LABSOC01';
let home: ReturnType<typeof temporaryHome>;
let lab: Lab;
let runtime: Runtime;
let server: SlackServer;

beforeEach(async () => {
  home = temporaryHome();
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
  runtime = new Runtime({ home: home.home, env: {} });
  server = await serveSlack(runtime, { port: 0, retries: 0 });
});
afterEach(async () => {
  await server.close({ drainMs: 5_000 });
  runtime.close();
  await lab.close();
  home.cleanup();
});

async function thread(): Promise<{ root: string; replies: string }> {
  const messages = await fakeSlackMessages(lab.url, CHANNEL);
  const roots = messages.filter((message) => message.thread_ts === undefined);
  expect(roots).toHaveLength(1);
  return { root: messageText(roots[0]!), replies: messages.filter((message) => message.thread_ts === roots[0]!.ts).map(messageText).join('\n') };
}

describe('/defenseclaw policy check', () => {
  it('posts the checks of one asset, failures first with their evidence, in a thread', async () => {
    const ack = await postSigned(server.url!, slashCommandBody({ text: 'policy check srv-db-01 --policy endpoint-hardening' }, lab.url), { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(JSON.parse(ack.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('checking srv-db-01 against policy endpoint-hardening') });
    await server.handle.onIdle();

    const { root, replies } = await thread();
    expect(root).toContain('Policy check of srv-db-01 (policy endpoint-hardening)');
    expect(root).toContain('finished');
    expect(replies).toMatch(/Policy check endpoint-hardening on srv-db-01 \(run pol-[^)]*\): 1 failure\(s\) on 1 asset\(s\); 4 passed\./);
    const failure = replies.indexOf('endpoint-hardening/no-unresolved-critical-detection');
    expect(failure).toBeGreaterThan(-1);
    expect(failure).toBeLessThan(replies.indexOf('endpoint-hardening/os-supported'));
    expect(replies).toContain('fail · critical');
    expect(replies).toContain('live.returned=2');
    expect(replies).toContain('Not applicable: endpoint-hardening/isolated-with-ticket');
    // Stored like a CLI run, for the Slack user; audited as their command; nothing changed.
    expect(runtime.policies().runs()[0]).toMatchObject({ policy: 'endpoint-hardening', mode: 'check', requester: 'slack:U0LABANA01' });
    expect(runtime.ledger().query({ action: 'slack.command' })).toEqual([expect.objectContaining({ target: 'policy', outcome: 'succeeded' })]);
    expect((await labRequests(lab.url)).filter((entry) => !entry.path.startsWith('/slack/')).filter(isMutating)).toEqual([]);
  });

  it('says in the thread when the asset is unknown', async () => {
    await postSigned(server.url!, slashCommandBody({ text: 'policy check no-such-host' }, lab.url), { secret: SECRET });
    await server.handle.onIdle();
    const { root, replies } = await thread();
    expect(root).toContain('failed');
    expect(replies).toContain('Policy check of no-such-host failed: no asset "no-such-host" in the inventory snapshot');
  });
});
