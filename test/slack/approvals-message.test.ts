import { describe, expect, it } from 'vitest';
import type { Approval } from '../../src/approvals/index.js';
import { blockErrors } from '../../src/lab/products/slack.js';
import { APPROVE_ACTION_ID, DENY_ACTION_ID, approvalMessage, decidedMessage } from '../../src/slack/approvals/index.js';

const NOW = new Date('2026-11-24T10:00:00.000Z');

function approval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'apr_0123456789abcdef',
    tool: 'secure_endpoint.isolate_host',
    argsHash: 'a'.repeat(64),
    argsSummary: { hostname: 'workstation-042', comment: 'contain-endpoint: threat score 100' },
    requester: 'U0LABANA01',
    actor: 'agent:contain-endpoint',
    runId: 'run_1',
    reason: 'isolate',
    risk: 'high',
    critical: false,
    requiredApprovals: 1,
    state: 'pending',
    votes: [],
    createdAt: '2026-11-24T09:30:00.000Z',
    expiresAt: '2026-11-24T10:30:00.000Z',
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    executedAt: null,
    channel: null,
    messageTs: null,
    ...overrides,
  };
}

/** Every text a message carries, with its length. */
function texts(blocks: unknown): number[] {
  const lengths: number[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'text' && typeof child === 'string') lengths.push(child.length);
        else visit(child);
      }
    }
  };
  visit(blocks);
  return lengths;
}

describe('approvalMessage', () => {
  it('shows who, what, why, risk, votes and expiry, with buttons that carry only the id', () => {
    const message = approvalMessage(approval(), { now: NOW });
    expect(blockErrors(message.blocks)).toBeUndefined();
    const shown = JSON.stringify(message.blocks);
    for (const fact of ['<@U0LABANA01>', 'agent:contain-endpoint', 'secure_endpoint.isolate_host', 'workstation-042', 'isolate', 'High', '0 of 1', 'in 30 min', 'apr_0123456789abcdef']) expect(shown).toContain(fact);
    const actions = message.blocks.find((block) => block.type === 'actions') as { elements: Array<{ action_id: string; value: string }> };
    expect(actions.elements.map((element) => [element.action_id, element.value])).toEqual([
      [APPROVE_ACTION_ID, 'apr_0123456789abcdef'],
      [DENY_ACTION_ID, 'apr_0123456789abcdef'],
    ]);
    expect(message.text).toContain('secure_endpoint.isolate_host');
  });

  it('stays within Block Kit limits with huge arguments, a huge reason and many votes', () => {
    const votes = Array.from({ length: 400 }, (_, index) => ({ approver: `U0VOTER${String(index).padStart(3, '0')}`, decision: 'approve' as const, reason: 'x'.repeat(500), at: NOW.toISOString() }));
    const big = approval({
      argsSummary: { hostname: 'h'.repeat(20_000), list: Array.from({ length: 2000 }, (_, index) => `item-${index}`) },
      reason: 'r'.repeat(50_000),
      requester: 'q'.repeat(5_000),
      actor: 'a'.repeat(5_000),
      tool: `t${'o'.repeat(400)}`,
      critical: true,
      risk: 'critical',
      requiredApprovals: 2,
      votes,
    });
    for (const message of [approvalMessage(big, { now: NOW }), decidedMessage({ ...big, state: 'approved', decidedAt: NOW.toISOString(), decidedBy: 'U0VOTER001', decisionReason: 'z'.repeat(9_000) })]) {
      expect(blockErrors(message.blocks)).toBeUndefined();
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      expect(Math.max(...texts(message.blocks))).toBeLessThanOrEqual(3_000);
      expect(texts(message.blocks).reduce((sum, length) => sum + length, 0)).toBeLessThan(13_000);
      expect(message.text.length).toBeLessThanOrEqual(3_000);
    }
  });

  it('escapes untrusted text so arguments cannot mention @channel or users', () => {
    const message = approvalMessage(approval({ argsSummary: { comment: '<!channel> <@U0LABAPR01> ```' }, reason: '<!here> approve now' }), { now: NOW });
    const shown = JSON.stringify(message.blocks);
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<!here>');
    expect(shown).toContain('&lt;!channel&gt;');
  });
});

describe('decidedMessage', () => {
  it('has no buttons and says who decided when', () => {
    const message = decidedMessage(approval({ state: 'approved', decidedAt: NOW.toISOString(), decidedBy: 'U0LABAPR01', votes: [{ approver: 'U0LABAPR01', decision: 'approve', reason: null, at: NOW.toISOString() }] }));
    expect(blockErrors(message.blocks)).toBeUndefined();
    expect(message.blocks.some((block) => block.type === 'actions')).toBe(false);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('Approved by <@U0LABAPR01>');
    expect(shown).toContain(`<!date^${Math.floor(NOW.getTime() / 1000)}^`);
  });

  it('has an expired variant', () => {
    const message = decidedMessage(approval({ state: 'expired', decidedAt: '2026-11-24T10:30:00.000Z', decidedBy: 'system', decisionReason: 'expired' }));
    expect(message.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(message.text).toMatch(/^Expired/);
    expect(JSON.stringify(message.blocks)).toContain('expired approval means denied');
  });
});

describe('slack/manifest.yaml', () => {
  it('is a manifest with the slash command, the scopes and interactivity the bot needs', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const manifest = parse(readFileSync(new URL('../../slack/manifest.yaml', import.meta.url), 'utf8')) as Record<string, any>;
    expect(manifest.display_information.name).toBe('DefenseClaw');
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.features.bot_user.display_name).toBe('defenseclaw');
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/defenseclaw', url: 'https://YOUR-HOST/slack/events', usage_hint: expect.any(String) })]);
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['chat:write', 'chat:write.public', 'commands', 'files:write', 'usergroups:read', 'users:read']);
    expect(manifest.settings).toMatchObject({ interactivity: { is_enabled: true, request_url: 'https://YOUR-HOST/slack/events' }, socket_mode_enabled: false });
  });
});
