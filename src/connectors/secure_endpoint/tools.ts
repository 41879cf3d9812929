import { z } from 'zod';
import { ConnectorNotFoundError } from '../http/index.js';
import { defineTool, type AnyTool, type ToolContext } from '../tool.js';
import type { SecureEndpointClient, SecureEndpointComputer } from './client.js';
import { computerToAsset, eventToSecurityEvent } from './normalize.js';

const hostname = z.string().min(1).max(255).describe('Host name (short or FQDN) or Secure Endpoint connector GUID');
const comment = z.string().min(1).max(500).describe('Why: recorded on the computer and in the audit ledger');

/** Threat score 0–100 from the host's recent events: critical 40, high 25, medium 10 each. */
function threatScore(events: Array<{ severity: string }>): number {
  const weights: Record<string, number> = { critical: 40, high: 25, medium: 10 };
  return Math.min(100, events.reduce((sum, event) => sum + (weights[event.severity] ?? 0), 0));
}

async function requireComputer(client: SecureEndpointClient, name: string, context: ToolContext): Promise<SecureEndpointComputer> {
  const computer = await client.resolveComputer(name, context.signal);
  if (computer === undefined) throw new ConnectorNotFoundError(`secure_endpoint: no computer named ${name}`, { product: 'secure_endpoint', status: 404 });
  return computer;
}

function summary(computer: SecureEndpointComputer) {
  const asset = computerToAsset(computer);
  return {
    hostname: asset.hostname,
    connector_guid: computer.connector_guid,
    os: [asset.os?.name, asset.os?.version].filter(Boolean).join(' '),
    ips: asset.ips,
    last_seen: asset.lastSeen ?? null,
    isolation: computer.isolation?.status ?? 'unknown',
    is_compromised: computer.is_compromised ?? false,
    policy: computer.policy?.name ?? null,
  };
}

export function secureEndpointTools(client: SecureEndpointClient): AnyTool[] {
  return [
    defineTool({
      id: 'secure_endpoint.list_computers',
      connector: 'secure_endpoint',
      scope: 'read',
      description: 'List Secure Endpoint computers, optionally by host name, internal IP or recent activity.',
      input: z.object({
        hostname: z.string().optional().describe('Host name prefix to match'),
        internal_ip: z.string().optional().describe('Internal IPv4 address'),
        seen_within_hours: z.number().int().positive().max(8760).optional().describe('Only computers seen in the last N hours'),
        limit: z.number().int().positive().max(20_000).default(500).describe('Most computers to return'),
      }),
      async handler(input, context) {
        const computers = await client.listComputers(
          {
            ...(input.hostname === undefined ? {} : { hostname: input.hostname }),
            ...(input.internal_ip === undefined ? {} : { internalIp: input.internal_ip }),
            ...(input.seen_within_hours === undefined ? {} : { lastSeenWithinSeconds: input.seen_within_hours * 3600 }),
          },
          input.limit,
          context.signal,
        );
        return { count: computers.length, computers: computers.map(computerToAsset) };
      },
      toModelOutput: (output) => ({ count: output.count, computers: output.computers.slice(0, 25).map(({ raw: _raw, ...asset }) => asset) }),
    }),

    defineTool({
      id: 'secure_endpoint.get_computer',
      connector: 'secure_endpoint',
      scope: 'read',
      description: 'Status of one endpoint: OS, IPs, last seen, isolation, compromise flag and a threat score from its recent events.',
      input: z.object({ hostname }),
      subjects: (input) => ({ hosts: [input.hostname] }),
      async handler(input, context) {
        const computer = await requireComputer(client, input.hostname, context);
        const since = new Date(context.clock.now().getTime() - 7 * 86_400_000).toISOString();
        const events = (await client.listEvents({ connectorGuid: computer.connector_guid, since }, 500, context.signal)).map(eventToSecurityEvent);
        return { ...summary(computer), threat_score: threatScore(events), recent_events: events.length };
      },
    }),

    defineTool({
      id: 'secure_endpoint.list_events',
      connector: 'secure_endpoint',
      scope: 'read',
      description: 'Secure Endpoint events (threats, IOCs, network detections, scans), newest first, for a host, a SHA-256 or a time window.',
      input: z.object({
        hostname: z.string().optional().describe('Only events of this host'),
        sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional().describe('Only detections of this SHA-256'),
        since_hours: z.number().positive().max(2160).default(24).describe('Look back this many hours'),
        limit: z.number().int().positive().max(5000).default(500),
      }),
      subjects: (input) => (input.hostname === undefined ? {} : { hosts: [input.hostname] }),
      async handler(input, context) {
        const guid = input.hostname === undefined ? undefined : (await requireComputer(client, input.hostname, context)).connector_guid;
        const since = new Date(context.clock.now().getTime() - input.since_hours * 3_600_000).toISOString();
        const events = await client.listEvents(
          { since, ...(guid === undefined ? {} : { connectorGuid: guid }), ...(input.sha256 === undefined ? {} : { sha256: input.sha256.toLowerCase() }) },
          input.limit,
          context.signal,
        );
        return { count: events.length, events: events.map(eventToSecurityEvent) };
      },
      toModelOutput: (output) => ({ count: output.count, events: output.events.slice(0, 40).map(({ raw: _raw, ...event }) => event) }),
    }),

    defineTool({
      id: 'secure_endpoint.get_trajectory',
      connector: 'secure_endpoint',
      scope: 'read',
      description: 'Device trajectory of one endpoint: process, file and network events in order, optionally filtered by an IP, SHA-256 or URL.',
      input: z.object({ hostname, query: z.string().max(2048).optional().describe('IP, SHA-256 or URL to filter by'), limit: z.number().int().positive().max(5000).default(200) }),
      subjects: (input) => ({ hosts: [input.hostname] }),
      async handler(input, context) {
        const computer = await requireComputer(client, input.hostname, context);
        const trajectory = await client.trajectory(computer.connector_guid, { limit: input.limit, ...(input.query === undefined ? {} : { query: input.query }) }, context.signal);
        return { computer: summary(trajectory.computer), events: trajectory.events.map(eventToSecurityEvent) };
      },
      toModelOutput: (output) => ({ computer: output.computer, events: output.events.slice(0, 40).map(({ raw: _raw, ...event }) => event) }),
    }),

    defineTool({
      id: 'secure_endpoint.find_computers_by_ioc',
      connector: 'secure_endpoint',
      scope: 'read',
      description: 'Computers that have seen an indicator (IP, SHA-256, file name or URL fragment) according to Secure Endpoint.',
      input: z.object({ indicator: z.string().min(3).max(2048).describe('IP, SHA-256, file name or URL fragment') }),
      async handler(input, context) {
        const response = await client.http.request({
          method: 'GET',
          path: '/v1/computers/activity',
          query: { q: input.indicator, limit: 500 },
          schema: z.object({ data: z.array(z.object({ connector_guid: z.string(), hostname: z.string() }).loose()) }).loose(),
          ...(context.signal === undefined ? {} : { signal: context.signal }),
        });
        return { indicator: input.indicator, computers: response.data.data.map((computer) => ({ hostname: computer.hostname.toLowerCase().split('.')[0]!, connector_guid: computer.connector_guid })) };
      },
    }),

    defineTool({
      id: 'secure_endpoint.isolation_status',
      connector: 'secure_endpoint',
      scope: 'read',
      description: 'Whether an endpoint is isolated (not_isolated, pending_start, isolated, pending_stop) and whether isolation is available.',
      input: z.object({ hostname }),
      subjects: (input) => ({ hosts: [input.hostname] }),
      async handler(input, context) {
        const computer = await requireComputer(client, input.hostname, context);
        return { hostname: input.hostname, connector_guid: computer.connector_guid, ...(await client.isolation(computer.connector_guid, context.signal)) };
      },
    }),

    defineTool({
      id: 'secure_endpoint.isolate_host',
      connector: 'secure_endpoint',
      scope: 'execute',
      description: 'Network-isolate an endpoint with Secure Endpoint (it keeps talking only to the Secure Endpoint cloud).',
      input: z.object({ hostname, comment }),
      subjects: (input) => ({ hosts: [input.hostname] }),
      async handler(input, context) {
        const computer = await requireComputer(client, input.hostname, context);
        const isolation = await client.startIsolation(computer.connector_guid, input.comment, context.signal);
        return { hostname: input.hostname, connector_guid: computer.connector_guid, status: isolation.status };
      },
      toModelOutput: (output) => ({ hostname: output.hostname, status: output.status }),
    }),

    defineTool({
      id: 'secure_endpoint.release_host',
      connector: 'secure_endpoint',
      scope: 'execute',
      description: 'Stop network isolation of an endpoint in Secure Endpoint.',
      input: z.object({ hostname, comment }),
      subjects: (input) => ({ hosts: [input.hostname] }),
      async handler(input, context) {
        const computer = await requireComputer(client, input.hostname, context);
        const isolation = await client.stopIsolation(computer.connector_guid, input.comment, context.signal);
        return { hostname: input.hostname, connector_guid: computer.connector_guid, status: isolation.status };
      },
      toModelOutput: (output) => ({ hostname: output.hostname, status: output.status }),
    }),
  ];
}
