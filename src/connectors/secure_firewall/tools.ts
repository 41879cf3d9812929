import { isIP } from 'node:net';
import { z } from 'zod';
import { defineTool, type AnyTool } from '../tool.js';
import type { FmcAccessPolicy, SecureFirewallClient } from './client.js';
import { normalizeAccessRule, normalizeNetworkObject, type FirewallAccessRule, type FirewallNetworkObject } from './normalize.js';

/** Items shown to the model from one list; the full list stays in the tool output. */
const MODEL_LIST_CAP = 50;

export interface SecureFirewallToolOptions {
  /** Waits between deployment status polls (tests pass one that resolves at once). */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Interval between deployment status polls, in milliseconds. Default 5000. */
  pollIntervalMs?: number;
  /** Polls before `deploy` returns the task as still running. Default 60. */
  maxPolls?: number;
}

const ipAddress = z
  .string()
  .trim()
  .refine((value) => isIP(value) !== 0, { message: 'expected a single IPv4 or IPv6 address' })
  .describe('The address to block, e.g. 185.220.101.5 (no CIDR)');

function capped<T>(items: T[]): { items: T[]; truncated?: number } {
  return items.length > MODEL_LIST_CAP ? { items: items.slice(0, MODEL_LIST_CAP), truncated: items.length - MODEL_LIST_CAP } : { items };
}

/** The policy named or identified by `wanted`, or the only one; throws when ambiguous or unknown. */
async function resolvePolicy(client: SecureFirewallClient, wanted: string | undefined, signal?: AbortSignal): Promise<FmcAccessPolicy> {
  const policies = await client.listAccessPolicies(signal === undefined ? {} : { signal });
  if (wanted !== undefined) {
    const found = policies.find((policy) => policy.id === wanted || policy.name.toLowerCase() === wanted.toLowerCase());
    if (found === undefined) throw new Error(`no access policy named or identified by "${wanted}"; policies: ${policies.map((policy) => policy.name).join(', ')}`);
    return found;
  }
  if (policies.length === 1) return policies[0]!;
  throw new Error(`${policies.length} access policies exist; name one with "policy": ${policies.map((policy) => policy.name).join(', ')}`);
}

/** FMC object names allow letters, digits, spaces and `. _ - +`; IPv6 colons become underscores. */
function objectNameFor(ip: string): string {
  return `DC-BLOCK-${ip.replaceAll(':', '_')}`;
}

export function secureFirewallTools(client: SecureFirewallClient, options: SecureFirewallToolOptions = {}): AnyTool[] {
  const sleep = options.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const maxPolls = options.maxPolls ?? 60;

  const listNetworkObjects = defineTool({
    id: 'secure_firewall.list_network_objects',
    connector: 'secure_firewall',
    description: 'Lists FMC network (CIDR) and host objects, walking every page.',
    scope: 'read',
    input: z.object({
      kind: z.enum(['all', 'networks', 'hosts']).default('all').describe('Which objects: networks (CIDR), hosts (single address) or both'),
      search: z.string().trim().min(1).max(200).optional().describe('Only objects whose name contains this text or whose value equals it'),
      max: z.number().int().min(1).max(10_000).default(2000).describe('Most objects to return per kind'),
    }),
    async handler(input, context): Promise<{ objects: FirewallNetworkObject[]; count: number }> {
      const listOptions = { max: input.max, ...(input.search === undefined ? {} : { filter: `nameOrValue:${input.search}` }), ...(context.signal === undefined ? {} : { signal: context.signal }) };
      const networks = input.kind === 'hosts' ? [] : await client.listNetworks(listOptions);
      const hosts = input.kind === 'networks' ? [] : await client.listHosts(listOptions);
      const objects = [...networks, ...hosts].map(normalizeNetworkObject);
      return { objects, count: objects.length };
    },
    toModelOutput: (output) => ({ count: output.count, ...capped(output.objects.map(({ id, kind, name, value }) => ({ id, kind, name, value }))) }),
  });

  const listAccessRules = defineTool({
    id: 'secure_firewall.list_access_rules',
    connector: 'secure_firewall',
    description: 'Lists the access rules of FMC access control policies, walking every page.',
    scope: 'read',
    input: z.object({
      policy: z.string().trim().min(1).optional().describe('Access policy name or id; all policies when omitted'),
      action: z.string().trim().toUpperCase().optional().describe('Only rules with this action, e.g. BLOCK or ALLOW'),
      max: z.number().int().min(1).max(10_000).default(2000).describe('Most rules to return per policy'),
    }),
    async handler(input, context): Promise<{ policies: Array<{ id: string; name: string }>; rules: FirewallAccessRule[]; count: number }> {
      const signal = context.signal;
      const all = await client.listAccessPolicies(signal === undefined ? {} : { signal });
      const policies = input.policy === undefined ? all : [await resolvePolicy(client, input.policy, signal)];
      const rules: FirewallAccessRule[] = [];
      for (const policy of policies) {
        const raw = await client.listAccessRules(policy.id, { max: input.max, ...(signal === undefined ? {} : { signal }) });
        rules.push(...raw.map((rule) => normalizeAccessRule(rule, policy)));
      }
      const filtered = input.action === undefined ? rules : rules.filter((rule) => rule.action === input.action);
      return { policies: policies.map(({ id, name }) => ({ id, name })), rules: filtered, count: filtered.length };
    },
    toModelOutput: (output) => ({
      policies: output.policies,
      count: output.count,
      ...capped(
        output.rules.map((rule) => ({
          name: rule.name,
          policy: rule.policyName,
          action: rule.action,
          enabled: rule.enabled,
          source: [...rule.source.objects.map((object) => object.name), ...rule.source.literals],
          destination: [...rule.destination.objects.map((object) => object.name), ...rule.destination.literals],
          ports: rule.destinationPorts,
        })),
      ),
    }),
  });

  const blockIp = defineTool({
    id: 'secure_firewall.block_ip',
    connector: 'secure_firewall',
    description: 'Blocks an IP address with a host object and BLOCK access rules at the top of an FMC access policy (pending deployment).',
    scope: 'execute',
    input: z.object({
      ip: ipAddress,
      policy: z.string().trim().min(1).optional().describe('Access policy name or id; required when there is more than one'),
      direction: z.enum(['both', 'outbound', 'inbound']).default('both').describe('outbound blocks traffic to the address, inbound traffic from it'),
      reason: z.string().trim().max(200).optional().describe('Why, stored in the object description (e.g. the incident id)'),
    }),
    subjects: (input) => ({ ips: [input.ip] }),
    async handler(input, context) {
      const signal = context.signal;
      const policy = await resolvePolicy(client, input.policy, signal);
      // Reuse an existing host object of the same value, so repeated blocks add nothing.
      const existing = (await client.listHosts({ filter: `nameOrValue:${input.ip}`, ...(signal === undefined ? {} : { signal }) })).find((object) => object.value === input.ip);
      const hostObject =
        existing ?? (await client.createHost({ name: objectNameFor(input.ip), value: input.ip, description: `Blocked by DefenseClaw${input.reason === undefined ? '' : `: ${input.reason}`}` }, signal));
      const reference = { id: hostObject.id, type: 'Host', name: hostObject.name };
      const rules = (await client.listAccessRules(policy.id, signal === undefined ? {} : { signal })).map((rule) => normalizeAccessRule(rule, policy));
      const wanted: Array<{ side: 'destination' | 'source'; name: string }> = [];
      if (input.direction !== 'inbound') wanted.push({ side: 'destination', name: `DC-Block-To-${input.ip.replaceAll(':', '_')}` });
      if (input.direction !== 'outbound') wanted.push({ side: 'source', name: `DC-Block-From-${input.ip.replaceAll(':', '_')}` });
      const results: Array<{ id: string; name: string; created: boolean }> = [];
      for (const { side, name } of wanted) {
        const match = rules.find((rule) => rule.action.startsWith('BLOCK') && rule.enabled && rule[side].objects.some((object) => object.id === hostObject.id));
        if (match !== undefined) {
          results.push({ id: match.id, name: match.name, created: false });
          continue;
        }
        const created = await client.createAccessRule(
          policy.id,
          { name, action: 'BLOCK', ...(side === 'destination' ? { destinationObjects: [reference] } : { sourceObjects: [reference] }) },
          signal,
        );
        results.push({ id: created.id, name: created.name, created: true });
      }
      const changed = existing === undefined || results.some((rule) => rule.created);
      return {
        ip: input.ip,
        policy: { id: policy.id, name: policy.name },
        hostObject: { id: hostObject.id, name: hostObject.name, created: existing === undefined },
        rules: results,
        deploymentNeeded: changed,
        next: changed ? 'Run secure_firewall.deploy to push the change to the devices.' : 'Already blocked; nothing changed.',
      };
    },
  });

  const deploy = defineTool({
    id: 'secure_firewall.deploy',
    connector: 'secure_firewall',
    description: 'Deploys pending FMC configuration changes to managed devices and waits for the deployment task.',
    scope: 'execute',
    input: z.object({
      devices: z.array(z.string().trim().min(1)).max(100).optional().describe('Device names or ids; every device with pending changes when omitted'),
      note: z.string().trim().max(200).default('Deployed by DefenseClaw').describe('Deployment note shown in FMC'),
      wait: z.boolean().default(true).describe('Poll the deployment task until it finishes'),
    }),
    async handler(input, context) {
      const signal = context.signal;
      const deployable = (await client.listDeployableDevices(signal === undefined ? {} : { signal })).filter((device) => device.canBeDeployed !== false && device.upToDate !== true);
      const selected =
        input.devices === undefined
          ? deployable
          : deployable.filter((device) => input.devices!.some((wanted) => wanted === device.device.id || wanted.toLowerCase() === (device.device.name ?? device.name ?? '').toLowerCase()));
      if (selected.length === 0) return { deployed: false, devices: [], message: 'No device has pending changes to deploy.' };
      // SDKs pass the smallest version reported, which every selected device can accept.
      const version = String(Math.min(...selected.map((device) => Number(device.version ?? 0)).filter((value) => Number.isFinite(value))));
      const { taskId } = await client.requestDeployment({ version, deviceIds: selected.map((device) => device.device.id), note: input.note }, signal);
      const devices = selected.map((device) => ({ id: device.device.id, name: device.device.name ?? device.name ?? device.device.id }));
      if (!input.wait) return { deployed: false, taskId, status: 'Requested', devices };
      let status = await client.taskStatus(taskId, signal);
      for (let poll = 1; poll < maxPolls && !isFinished(status.status); poll += 1) {
        await sleep(pollIntervalMs);
        status = await client.taskStatus(taskId, signal);
      }
      return { deployed: /deployed|success/i.test(status.status), taskId, status: status.status, ...(status.message === undefined ? {} : { message: status.message }), devices };
    },
  });

  return [listNetworkObjects, listAccessRules, blockIp, deploy] as AnyTool[];
}

function isFinished(status: string): boolean {
  return /deployed|success|fail|error/i.test(status);
}
