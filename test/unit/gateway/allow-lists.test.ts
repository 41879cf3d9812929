import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../../src/config/index.js';
import { DEFAULT_CATALOG_DIRECTORY, loadCatalog } from '../../../src/connectors/catalog/index.js';
import { InputError } from '../../../src/core/errors/index.js';
import { argumentPathProblem, checkAllowLists } from '../../../src/gateway/allow-lists.js';
import { configuredAllowLists } from '../../../src/gateway/configured-allow-lists.js';
import { checkGuards } from '../../../src/gateway/guards.js';
import { ToolRegistry } from '../../../src/gateway/tool-registry.js';

const lists: Record<string, readonly string[]> = { splunk_indexes: ['security', 'notable'], anything: ['*'] };
const lookup = (name: string) => lists[name];
const context = {
  internalCidrs: ['10.0.0.0/8'],
  assetTags: (host: string) => (host === 'srv-db-01' ? ['crown-jewel'] : []),
  allowList: lookup,
};

describe('allow_if_arg_in: literal lists', () => {
  const guard = { action_id: ['amp-isolate-host', 'umbrella-block-domain'] };

  it('allows a listed value and refuses any other, naming the argument and the list', () => {
    expect(checkAllowLists(guard, { action_id: 'amp-isolate-host' }, lookup)).toBeUndefined();
    expect(checkAllowLists(guard, { action_id: 'amp-delete-host' }, lookup)).toBe('action_id "amp-delete-host" is not in its allow-list (amp-isolate-host, umbrella-block-domain)');
  });

  it('compares exactly: no case folding, no prefixes, no padding', () => {
    for (const value of ['AMP-ISOLATE-HOST', 'amp-isolate', 'amp-isolate-host ', 'amp-isolate-host-2']) {
      expect(checkAllowLists(guard, { action_id: value }, lookup), value).toMatch(/is not in its allow-list/);
    }
  });

  it('compares numbers by their text (a destination list id)', () => {
    expect(checkAllowLists({ list_id: [15755711] }, { list_id: 15755711 }, lookup)).toBeUndefined();
    expect(checkAllowLists({ list_id: ['15755711'] }, { list_id: 15755711 }, lookup)).toBeUndefined();
    expect(checkAllowLists({ list_id: [15755711] }, { list_id: 15755712 }, lookup)).toMatch(/list_id "15755712" is not in/);
  });

  it('leaves a left-out argument unchecked (the connector uses its configured default)', () => {
    expect(checkAllowLists(guard, {}, lookup)).toBeUndefined();
    expect(checkAllowLists(guard, { action_id: undefined }, lookup)).toBeUndefined();
  });

  it('checks every item of a list path and refuses when any item is outside', () => {
    const indexes = { 'events[].index': 'splunk_indexes' };
    expect(checkAllowLists(indexes, { events: [{ event: 'a' }, { event: 'b', index: 'notable' }] }, lookup)).toBeUndefined();
    expect(checkAllowLists(indexes, { events: [{ event: 'a', index: 'security' }, { event: 'b', index: '_audit' }] }, lookup)).toBe(
      'events[].index "_audit" is not in the allow-list splunk_indexes (config guards.allow_lists.splunk_indexes)',
    );
  });
});

describe('allow_if_arg_in: named lists and failing closed', () => {
  it('a named list config does not define allows nothing', () => {
    expect(checkAllowLists({ assignment_group: 'servicenow_assignment_groups' }, { assignment_group: 'SOC' }, lookup)).toBe(
      'assignment_group "SOC" is not allowed: the allow-list servicenow_assignment_groups (config guards.allow_lists.servicenow_assignment_groups) is not configured, so it allows nothing',
    );
    expect(checkAllowLists({ assignment_group: 'servicenow_assignment_groups' }, { assignment_group: 'SOC' }, undefined)).toMatch(/is not configured, so it allows nothing$/);
  });

  it('`*` in a list allows any single value', () => {
    expect(checkAllowLists({ id: 'anything' }, { id: 'whatever' }, lookup)).toBeUndefined();
  });

  it('refuses what cannot be compared: an object or a list where one value was expected, a misshapen path', () => {
    expect(checkAllowLists({ id: ['a'] }, { id: { value: 'a' } }, lookup)).toMatch(/^id cannot be checked against its allow-list \(a\): expected a single value, got object$/);
    expect(checkAllowLists({ id: ['a'] }, { id: ['a', 'b'] }, lookup)).toMatch(/expected a single value, got a list/);
    expect(checkAllowLists({ 'events[].index': ['a'] }, { events: 'a' }, lookup)).toMatch(/do not have the shape the path describes/);
    expect(checkAllowLists({ 'target.id': ['a'] }, { target: 'a' }, lookup)).toMatch(/do not have the shape the path describes/);
  });

  it('a lookup that throws is a denial through checkGuards (an error while deciding means not allowed)', async () => {
    const broken = { ...context, allowList: () => { throw new Error('config unreadable'); } };
    expect(await checkGuards({ allow_if_arg_in: { index: 'splunk_indexes' } }, {}, broken, { index: 'security' })).toBe('guard check failed: config unreadable');
  });
});

describe('deny beats allow', () => {
  it('an allow-listed host tagged crown-jewel is still refused, and the deny reason is the one given', async () => {
    const guards = { deny_if_asset_tag: ['crown-jewel'], allow_if_arg_in: { hostname: ['srv-db-01', 'workstation-042'] } };
    expect(await checkGuards(guards, { hosts: ['srv-db-01'] }, context, { hostname: 'srv-db-01' })).toBe('host srv-db-01 is tagged crown-jewel');
    expect(await checkGuards(guards, { hosts: ['workstation-042'] }, context, { hostname: 'workstation-042' })).toBeUndefined();
    expect(await checkGuards(guards, { hosts: ['ws-9'] }, context, { hostname: 'ws-9' })).toMatch(/hostname "ws-9" is not in its allow-list/);
  });

  it('an allow-listed internal IP is still refused by deny_if_ip_in', async () => {
    const guards = { deny_if_ip_in: ['internal_cidrs'], allow_if_arg_in: { ip: ['10.1.2.3', '185.220.101.5'] } };
    expect(await checkGuards(guards, { ips: ['10.1.2.3'] }, context, { ip: '10.1.2.3' })).toMatch(/inside a protected range/);
    expect(await checkGuards(guards, { ips: ['185.220.101.5'] }, context, { ip: '185.220.101.5' })).toBeUndefined();
  });
});

describe('allow-list paths are checked against the tool input when the registry is built', () => {
  const input = z.object({
    list_id: z.number().int().optional(),
    events: z.array(z.object({ index: z.string().optional(), event: z.unknown() })).min(1),
    extra: z.record(z.string(), z.string()).optional(),
  });

  it('accepts paths that name a single value', () => {
    expect(argumentPathProblem(input, 'list_id')).toBeUndefined();
    expect(argumentPathProblem(input, 'events[].index')).toBeUndefined();
  });

  it('refuses a typo, a list without [], [] on a non-list and a path to a mapping', () => {
    expect(argumentPathProblem(input, 'lsit_id')).toBe("lsit_id: the tool's input has no lsit_id (it has list_id, events, extra)");
    expect(argumentPathProblem(input, 'events')).toBe('events: names a array, not a single value (add [] to check each item)');
    expect(argumentPathProblem(input, 'list_id[]')).toBe('list_id[]: list_id is not a list, so list_id[] names nothing');
    expect(argumentPathProblem(input, 'extra')).toMatch(/names a record, not a single value/);
    expect(argumentPathProblem(input, 'events[].index.name')).toMatch(/name is not inside a mapping/);
  });

  it('a catalog whose allow-list names an argument the tool does not have cannot be loaded into a registry', () => {
    const directory = mkdtempSync(join(tmpdir(), 'defenseclaw-catalog-'));
    try {
      for (const name of readdirSync(DEFAULT_CATALOG_DIRECTORY).filter((file) => file.endsWith('.yaml'))) {
        writeFileSync(join(directory, name), readFileSync(join(DEFAULT_CATALOG_DIRECTORY, name), 'utf8'));
      }
      const umbrella = readFileSync(join(directory, 'umbrella.yaml'), 'utf8').replace('list_id: umbrella_destination_lists', 'listid: umbrella_destination_lists');
      writeFileSync(join(directory, 'umbrella.yaml'), umbrella);
      const error = (() => {
        try {
          new ToolRegistry(loadCatalog(directory));
          return undefined;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).lines()).toEqual([expect.stringMatching(/umbrella\.yaml: umbrella\.block_domain\.guards\.allow_if_arg_in: listid: the tool's input has no listid/)]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('the shipped catalog loads, and its allow-lists guard the Splunk index, the Umbrella list and ServiceNow groups', () => {
    const registry = new ToolRegistry(loadCatalog());
    expect(registry.resolve('splunk.send_event')?.catalog.guards.allow_if_arg_in).toEqual({ 'events[].index': 'splunk_indexes' });
    expect(registry.resolve('umbrella.block_domain')?.catalog.guards.allow_if_arg_in).toEqual({ list_id: 'umbrella_destination_lists' });
    expect(registry.resolve('servicenow.create_incident')?.catalog.guards.allow_if_arg_in).toEqual({ assignment_group: 'servicenow_assignment_groups' });
    expect(registry.resolve('servicenow.update_incident')?.catalog.guards.allow_if_arg_in).toEqual({ assignment_group: 'servicenow_assignment_groups' });
  });
});

describe('configured allow-lists', () => {
  it('are config guards.allow_lists plus the value the connector is configured with', () => {
    const config = configSchema.parse({
      integrations: { splunk: { index: 'soc' } },
      cisco: { umbrella: { block_list_id: '15755711' } },
      guards: { allow_lists: { splunk_indexes: ['notable'], servicenow_assignment_groups: ['287ebd7da9fe198100f92cc8d1d2154e'] } },
    });
    const allowList = configuredAllowLists(config);
    expect(allowList('splunk_indexes')).toEqual(['notable', 'soc']);
    expect(allowList('umbrella_destination_lists')).toEqual(['15755711']);
    expect(allowList('servicenow_assignment_groups')).toEqual(['287ebd7da9fe198100f92cc8d1d2154e']);
    expect(allowList('xdr_response_actions')).toBeUndefined();
  });

  it('a list config names nowhere and no connector fills is undefined (allows nothing)', () => {
    const allowList = configuredAllowLists(configSchema.parse({}));
    expect(allowList('umbrella_destination_lists')).toBeUndefined();
    expect(allowList('servicenow_assignment_groups')).toBeUndefined();
    // The Splunk index has a default (security), so naming it is allowed.
    expect(allowList('splunk_indexes')).toEqual(['security']);
  });

  it('config refuses a badly named list, and reads numbers as text', () => {
    expect(configSchema.safeParse({ guards: { allow_lists: { 'Bad-Name': ['x'] } } }).success).toBe(false);
    expect(configSchema.parse({ guards: { allow_lists: { umbrella_destination_lists: [15755711] } } }).guards.allow_lists).toEqual({ umbrella_destination_lists: ['15755711'] });
  });
});
