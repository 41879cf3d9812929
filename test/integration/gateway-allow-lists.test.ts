/**
 * Issue 4: allow-lists are an argument guard of tools/*.yaml (`allow_if_arg_in`), proven against the
 * lab: a value outside its list is denied and audited and reaches no product (the lab journal is the
 * oracle), in every runtime and before any approval is asked; deny-lists still win over an allow-list.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRecord, caller, isMutating, journalMark, requestsSince, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';

let env: GatewayLab;
beforeEach(async () => {
  env = await startGatewayLab();
});
afterEach(async () => {
  await env.close();
});

const full = { read: true, write: true, execute: true };
const standard = (tool: string) => caller({ tools: [tool], scopes: full, runtime: 'standard', requiresApproval: false });

/** Sets config `guards.allow_lists` in the lab home and makes the runtime read it again. */
function setAllowLists(lists: Record<string, Array<string | number>>): void {
  const file = join(env.home, 'config.yaml');
  const document = parseDocument(readFileSync(file, 'utf8'));
  document.setIn(['guards', 'allow_lists'], lists);
  writeFileSync(file, document.toString(), { mode: 0o600 });
  env.runtime.reloadConfig();
}

describe('allow_if_arg_in against the lab', () => {
  it('splunk.send_event: an index outside splunk_indexes is denied, audited, and sends nothing; the configured index is allowed', async () => {
    const gateway = env.runtime.gateway();
    const mark = await journalMark(env.lab.url);
    const refused = await gateway.call('splunk.send_event', { events: [{ event: 'ok', index: 'security' }, { event: 'exfil', index: '_audit' }] }, standard('splunk.send_event'));
    expect(refused).toMatchObject({ outcome: 'denied', reason: 'events[].index "_audit" is not in the allow-list splunk_indexes (config guards.allow_lists.splunk_indexes)' });
    expect(auditRecord(env.runtime, (refused as { auditSeq: number }).auditSeq)).toMatchObject({ action: 'tool.call', target: 'splunk.send_event', scope: 'write', outcome: 'denied' });
    expect(await requestsSince(env.lab.url, mark, { product: 'splunk' })).toEqual([]);

    // Naming the configured index (integrations.splunk.index) is the same as leaving it out.
    const named = await gateway.call('splunk.send_event', { events: [{ event: 'finding', index: 'security' }] }, standard('splunk.send_event'));
    expect(named.outcome, JSON.stringify(named)).toBe('succeeded');
    const defaulted = await gateway.call('splunk.send_event', { events: [{ event: 'finding' }] }, standard('splunk.send_event'));
    expect(defaulted.outcome, JSON.stringify(defaulted)).toBe('succeeded');
    expect((await requestsSince(env.lab.url, mark, { product: 'splunk' })).filter(isMutating)).toHaveLength(2);
  });

  it('an index added to config guards.allow_lists is allowed; others still are not', async () => {
    setAllowLists({ splunk_indexes: ['notable'] });
    const gateway = env.runtime.gateway();
    const mark = await journalMark(env.lab.url);
    expect((await gateway.call('splunk.send_event', { events: [{ event: 'x', index: 'notable' }] }, standard('splunk.send_event'))).outcome).toBe('succeeded');
    expect((await gateway.call('splunk.send_event', { events: [{ event: 'x', index: 'main' }] }, standard('splunk.send_event'))).outcome).toBe('denied');
    expect((await requestsSince(env.lab.url, mark, { product: 'splunk' })).filter(isMutating)).toHaveLength(1);
  });

  it('servicenow.create_incident: an assignment group is refused until config lists it (a list nobody configured allows nothing)', async () => {
    const gateway = env.runtime.gateway();
    const mark = await journalMark(env.lab.url);
    // ServiceNow names groups by sys_id; this one is nobody's SOC queue.
    const input = { short_description: 'DefenseClaw allow-list test', assignment_group: 'a0f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5' };
    const refused = await gateway.call('servicenow.create_incident', input, standard('servicenow.create_incident'));
    expect(refused).toMatchObject({ outcome: 'denied', reason: expect.stringMatching(/^assignment_group "a0f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5" is not allowed: the allow-list servicenow_assignment_groups .* is not configured, so it allows nothing$/) });
    expect(await requestsSince(env.lab.url, mark, { product: 'servicenow' })).toEqual([]);
    // Without an assignment group the ticket is opened as before.
    const opened = await gateway.call('servicenow.create_incident', { short_description: 'DefenseClaw allow-list test' }, standard('servicenow.create_incident'));
    expect(opened.outcome, JSON.stringify(opened)).toBe('succeeded');
  });

  it('refuses in the secure runtime before an approval is asked for', async () => {
    const gateway = env.runtime.gateway();
    const result = await gateway.call('umbrella.block_domain', { domain: 'update-check.example-cdn.net', list_id: 999 }, caller({ tools: ['umbrella.block_domain'], scopes: full, runtime: 'secure' }));
    expect(result).toMatchObject({ outcome: 'denied', reason: 'list_id "999" is not in the allow-list umbrella_destination_lists (config guards.allow_lists.umbrella_destination_lists)' });
    expect(env.runtime.approvals().list()).toEqual([]);
    // The configured block list passes the guard and waits for its approver.
    const configured = await gateway.call('umbrella.block_domain', { domain: 'update-check.example-cdn.net', list_id: 15755711 }, caller({ tools: ['umbrella.block_domain'], scopes: full, runtime: 'secure' }));
    expect(configured.outcome).toBe('awaiting_approval');
  });

  it('deny beats allow: an allow-listed block list does not let a protected domain through', async () => {
    setAllowLists({ umbrella_destination_lists: ['*'] });
    const mark = await journalMark(env.lab.url);
    const result = await env.runtime.gateway().call('umbrella.block_domain', { domain: 'vpn.corp.example.com', list_id: 15755711 }, standard('umbrella.block_domain'));
    expect(result).toMatchObject({ outcome: 'denied', reason: 'vpn.corp.example.com is inside the protected domain corp.example.com' });
    expect(await requestsSince(env.lab.url, mark, { product: 'umbrella' })).toEqual([]);
  });
});
