import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { CommandPermissions } from '../../src/slack/command/command-permissions.js';
import { parseCommand } from '../../src/slack/command/parse-command.js';
import { RedeliveryGuard } from '../../src/slack/command/redelivery-guard.js';
import { CommandSyntaxError, tokenizeCommand } from '../../src/slack/command/tokenize-command.js';

describe('tokenizeCommand', () => {
  it('splits on whitespace and keeps quoted words together (straight and typographic quotes)', () => {
    expect(tokenizeCommand('  agent run  enrich-ioc --param "domain=a b"  ')).toEqual(['agent', 'run', 'enrich-ioc', '--param', 'domain=a b']);
    expect(tokenizeCommand("x 'it\"s' \u201cy z\u201d a\\ b")).toEqual(['x', 'it"s', 'y z', 'a b']);
    expect(tokenizeCommand('x ""')).toEqual(['x', '']);
    expect(() => tokenizeCommand('investigate "XDR')).toThrow(CommandSyntaxError);
  });
});

describe('parseCommand', () => {
  it('reads every sub-command', () => {
    expect(parseCommand('investigate XDR-2026-001234')).toEqual({ ok: true, request: { subCommand: 'investigate', kind: 'investigate_alert', alertId: 'XDR-2026-001234' } });
    expect(parseCommand('investigate asset workstation-042 --last 24h')).toMatchObject({ ok: true, request: { kind: 'investigate_asset', assetId: 'workstation-042', last: '24h' } });
    expect(parseCommand('investigate asset workstation-042')).toMatchObject({ ok: true, request: { last: '72h' } });
    expect(parseCommand('inventory diff')).toMatchObject({ ok: true, request: { kind: 'inventory_diff', since: '24h' } });
    expect(parseCommand('inventory search --tag=production')).toMatchObject({ ok: true, request: { kind: 'inventory_search', tag: 'production' } });
    expect(parseCommand('policy check srv-db-01 --policy pci')).toMatchObject({ ok: true, request: { kind: 'policy_check', resource: 'srv-db-01', policy: 'pci' } });
    expect(parseCommand('agent run enrich-ioc --dry-run --param domain=x.example --param "note=two words"')).toMatchObject({
      ok: true,
      request: { kind: 'agent_run', agent: 'enrich-ioc', dryRun: true, params: { domain: 'x.example', note: 'two words' } },
    });
    expect(parseCommand('APPROVALS')).toMatchObject({ ok: true, request: { kind: 'approvals' } });
    expect(parseCommand('status')).toMatchObject({ ok: true, request: { kind: 'status' } });
    expect(parseCommand('')).toMatchObject({ ok: true, request: { kind: 'help' } });
  });

  it('gives a message (never an exception) for malformed input', () => {
    for (const text of ['nope', 'investigate', 'investigate a b', 'investigate asset', 'investigate asset h --last forever', 'inventory', 'inventory diff --since', 'inventory search', 'policy check', 'agent run', 'agent run ../x', 'agent run a --param novalue', 'agent run a --bogus', 'status now', 'investigate "x', 'investigate XDR/../../etc']) {
      const parsed = parseCommand(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(0);
    }
  });
});

describe('CommandPermissions', () => {
  const clock = fixedClock('2026-03-01T00:00:00Z');
  let lookups = 0;
  const permissions = new CommandPermissions({
    rules: { agent: ['S0LABAPPRV'], investigate: ['U0LABANA01'], '*': ['U0LABLEAD1'] },
    clock,
    groupMembers: async (group) => {
      lookups += 1;
      if (group === 'S0LABAPPRV') return ['U0LABAPR01'];
      throw new Error('no_such_subteam');
    },
  });

  it('lets listed users and group members through, refuses others, caches groups for 5 minutes', async () => {
    expect(permissions.decideNow('U0LABANA01', 'investigate')).toMatchObject({ allowed: true });
    expect(permissions.decideNow('U0LABANA02', 'investigate')).toMatchObject({ allowed: false });
    expect(permissions.decideNow('U0LABANA02', 'help')).toMatchObject({ allowed: false, reason: expect.stringContaining('slack.permissions.*') });
    expect(permissions.decideNow('U0LABAPR01', 'agent')).toBe('needs_groups');
    expect(await permissions.decide('U0LABAPR01', 'agent')).toMatchObject({ allowed: true });
    expect(permissions.decideNow('U0LABAPR01', 'agent')).toMatchObject({ allowed: true });
    expect(permissions.decideNow('U0LABANA01', 'agent')).toMatchObject({ allowed: false });
    expect(lookups).toBe(1);
    clock.advance(5 * 60_000 + 1);
    expect(permissions.decideNow('U0LABAPR01', 'agent')).toBe('needs_groups');
  });

  it('fails closed when a group cannot be resolved', async () => {
    const failing = new CommandPermissions({ rules: { '*': ['S0BROKEN1'] }, clock, groupMembers: async () => Promise.reject(new Error('boom')) });
    expect(await failing.decide('U0LABANA01', 'status')).toMatchObject({ allowed: false, reason: expect.stringContaining('could not resolve S0BROKEN1') });
  });

  it('allows everyone when no rule applies', () => {
    expect(new CommandPermissions({ rules: {}, clock, groupMembers: async () => [] }).decideNow('U1', 'agent')).toMatchObject({ allowed: true });
  });
});

describe('RedeliveryGuard', () => {
  it('ignores retries and repeated trigger ids; a job key is claimed once per window', () => {
    const clock = fixedClock('2026-03-01T00:00:00Z');
    const guard = new RedeliveryGuard({ clock, windowMs: 60_000, maxEntries: 3 });
    expect(guard.delivery('t1', undefined)).toBe('new');
    expect(guard.delivery('t1', undefined)).toBe('redelivery');
    expect(guard.delivery('t2', 1)).toBe('redelivery');
    expect(guard.claimJob('U1', 'C1', 'investigate  X').claimed).toBe(true);
    expect(guard.claimJob('U1', 'C1', 'investigate X').claimed).toBe(false);
    const other = guard.claimJob('U2', 'C1', 'investigate X');
    expect(other.claimed).toBe(true);
    other.release();
    expect(guard.claimJob('U2', 'C1', 'investigate X').claimed).toBe(true);
    clock.advance(60_001);
    expect(guard.claimJob('U1', 'C1', 'investigate X').claimed).toBe(true);
    expect(guard.size).toBeLessThanOrEqual(3);
  });
});
