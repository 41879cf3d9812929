import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../../core/duration.js';
import type { AssetRecord, SecurityEvent } from '../model/index.js';
import { defineTool, type AnyTool } from '../tool.js';
import { fqlString, type CrowdStrikeClient, type DeviceAction } from './client.js';
import { alertToEvent, deviceToAsset } from './normalize.js';
import type { FalconDevice } from './schemas.js';

/** Items shown to the model per list; the full list stays in the tool result. */
const MODEL_LIST_CAP = 50;

const hostnameSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'expected a host name such as workstation-042' });

/** `24h` or an ISO-8601 time → ISO time, for FQL date comparisons. */
const sinceSchema = z
  .string()
  .trim()
  .refine((value) => DURATION_PATTERN.test(value) || !Number.isNaN(Date.parse(value)), { message: 'expected a duration such as 4h or an ISO-8601 time' });

function sinceToIso(value: string, now: Date): string {
  const time = DURATION_PATTERN.test(value) ? new Date(now.getTime() - parseDuration(value)) : new Date(value);
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Joins FQL terms with `+` (and), skipping empty ones. */
function andFql(...terms: Array<string | undefined>): string | undefined {
  const kept = terms.filter((term): term is string => term !== undefined && term.trim() !== '');
  return kept.length === 0 ? undefined : kept.join('+');
}

function deviceSummary(asset: AssetRecord, device: FalconDevice) {
  return {
    device_id: device.device_id,
    hostname: asset.hostname,
    ip: device.local_ip,
    mac: device.mac_address,
    platform: device.platform_name,
    os: device.os_version,
    agent_version: device.agent_version,
    status: device.status,
    last_seen: device.last_seen,
    tags: asset.tags,
  };
}

function eventSummary(event: SecurityEvent) {
  return { id: event.id, time: event.time, severity: event.severity, title: event.title, entities: event.entities, fields: event.fields };
}

/** The CrowdStrike Falcon tools (ids `crowdstrike.<verb_noun>`). */
export function crowdStrikeTools(client: CrowdStrikeClient): AnyTool[] {
  const queryDevices = defineTool({
    id: 'crowdstrike.query_devices',
    connector: 'crowdstrike',
    description: 'Lists Falcon-managed hosts matching an FQL filter or simple criteria, walking every page.',
    scope: 'read',
    input: z.object({
      filter: z.string().max(2000).optional().describe("Raw FQL filter, e.g. platform_name:'Windows'+last_seen:>'2026-01-01T00:00:00Z'"),
      hostname: hostnameSchema.optional().describe('Exact host name (case-insensitive)'),
      platform: z.enum(['Windows', 'Mac', 'Linux']).optional().describe('Operating system platform'),
      status: z.enum(['normal', 'contained', 'containment_pending', 'lift_containment_pending']).optional().describe('Containment status'),
      seen_since: sinceSchema.optional().describe('Only hosts seen since this time: a duration back from now (24h) or an ISO-8601 time'),
      limit: z.number().int().min(1).max(10_000).default(1000).describe('Most devices to return'),
      page_size: z.number().int().min(1).max(5000).optional().describe('Ids per API request (default 1000)'),
    }),
    async handler(input, context) {
      const filter = andFql(
        input.filter,
        input.hostname === undefined ? undefined : `hostname:${fqlString(input.hostname)}`,
        input.platform === undefined ? undefined : `platform_name:${fqlString(input.platform)}`,
        input.status === undefined ? undefined : `status:${fqlString(input.status)}`,
        input.seen_since === undefined ? undefined : `last_seen:>=${fqlString(sinceToIso(input.seen_since, context.clock.now()))}`,
      );
      const result = await client.queryDevices({
        ...(filter === undefined ? {} : { filter }),
        maxResults: input.limit,
        ...(input.page_size === undefined ? {} : { pageSize: input.page_size }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      return {
        total: result.total,
        returned: result.records.length,
        truncated: result.truncated,
        devices: result.records,
        assets: result.records.map(deviceToAsset),
      };
    },
    toModelOutput(output) {
      return {
        total: output.total,
        returned: output.returned,
        truncated: output.truncated || output.returned > MODEL_LIST_CAP,
        devices: output.assets.slice(0, MODEL_LIST_CAP).map((asset, index) => deviceSummary(asset, output.devices[index]!)),
      };
    },
  });

  const getDevice = defineTool({
    id: 'crowdstrike.get_device',
    connector: 'crowdstrike',
    description: 'Gets one Falcon host by device id or host name, with its containment status.',
    scope: 'read',
    input: z.object({
      device: z.string().trim().min(1).max(255).describe('Falcon device id (32 hex characters) or host name'),
    }),
    async handler(input, context) {
      const device = await client.requireDevice(input.device, context.signal);
      return { device, asset: deviceToAsset(device) };
    },
    toModelOutput(output) {
      return deviceSummary(output.asset, output.device);
    },
    subjects(input) {
      return /^[0-9a-f]{32}$/i.test(input.device) ? {} : { hosts: [input.device] };
    },
  });

  const listAlerts = defineTool({
    id: 'crowdstrike.list_alerts',
    connector: 'crowdstrike',
    description: 'Lists Falcon alerts (detections) matching simple criteria or an FQL filter, newest first, walking every page.',
    scope: 'read',
    input: z.object({
      filter: z.string().max(2000).optional().describe("Raw FQL filter, e.g. status:'new'+severity:>=60"),
      hostname: hostnameSchema.optional().describe('Only alerts on this host'),
      status: z.enum(['new', 'in_progress', 'closed', 'reopened']).optional().describe('Alert status'),
      min_severity: z.number().int().min(0).max(100).optional().describe('Lowest Falcon severity score (0–100; 60 = high)'),
      since: sinceSchema.optional().describe('Only alerts since this time: a duration back from now (4h) or an ISO-8601 time'),
      limit: z.number().int().min(1).max(5000).default(200).describe('Most alerts to return'),
      page_size: z.number().int().min(1).max(1000).optional().describe('Ids per API request (default 500)'),
    }),
    async handler(input, context) {
      const filter = andFql(
        input.filter,
        input.hostname === undefined ? undefined : `device.hostname:${fqlString(input.hostname)}`,
        input.status === undefined ? undefined : `status:${fqlString(input.status)}`,
        input.min_severity === undefined ? undefined : `severity:>=${input.min_severity}`,
        input.since === undefined ? undefined : `timestamp:>=${fqlString(sinceToIso(input.since, context.clock.now()))}`,
      );
      const result = await client.listAlerts({
        ...(filter === undefined ? {} : { filter }),
        maxResults: input.limit,
        ...(input.page_size === undefined ? {} : { pageSize: input.page_size }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      return { total: result.total, returned: result.records.length, truncated: result.truncated, events: result.records.map(alertToEvent) };
    },
    toModelOutput(output) {
      return {
        total: output.total,
        returned: output.returned,
        truncated: output.truncated || output.returned > MODEL_LIST_CAP,
        alerts: output.events.slice(0, MODEL_LIST_CAP).map(eventSummary),
      };
    },
    subjects(input) {
      return input.hostname === undefined ? {} : { hosts: [input.hostname] };
    },
  });

  /*
   * Containment takes a host name, not a device id: guards (crown-jewel) match host names, so an
   * id would let a call slip past them. The handler resolves the name to exactly one device.
   */
  const containmentTool = (id: string, action: DeviceAction, description: string) =>
    defineTool({
      id,
      connector: 'crowdstrike',
      description,
      scope: 'execute',
      input: z.object({
        hostname: hostnameSchema.describe('Host name of the Falcon host, e.g. workstation-042'),
        reason: z.string().max(500).optional().describe('Why (recorded in the audit ledger)'),
      }),
      async handler(input, context) {
        const device = await client.requireDevice(input.hostname, context.signal);
        const affected = await client.deviceAction(action, [device.device_id], context.signal);
        const [after] = await client.getDevices([device.device_id], context.signal);
        return {
          action,
          hostname: deviceToAsset(device).hostname,
          device_id: device.device_id,
          accepted: affected.includes(device.device_id),
          previous_status: device.status,
          status: after?.status,
        };
      },
      subjects(input) {
        return { hosts: [input.hostname] };
      },
    });

  return [
    queryDevices,
    getDevice,
    listAlerts,
    containmentTool('crowdstrike.contain_host', 'contain', 'Network-contains a Falcon host (only the Falcon cloud can reach it).'),
    containmentTool('crowdstrike.lift_containment', 'lift_containment', 'Lifts network containment from a Falcon host.'),
  ] as AnyTool[];
}
