import { EVENT_CLASS_UID, entitiesOf, severityFrom, shortHostname, type AssetRecord, type SecurityEvent } from '../model/index.js';
import type { FalconAlert, FalconDevice } from './schemas.js';

/** Falcon device → inventory record (source `crowdstrike`). */
export function deviceToAsset(device: FalconDevice): AssetRecord {
  const hostname = shortHostname(device.hostname ?? '');
  const fqdn = device.machine_domain !== undefined && hostname !== '' ? `${hostname}.${device.machine_domain.toLowerCase()}` : undefined;
  const os = osOf(device);
  return {
    source: 'crowdstrike',
    sourceId: device.device_id,
    hostname,
    ...(fqdn === undefined ? {} : { fqdn }),
    ips: unique([device.local_ip]),
    // Falcon writes MACs with dashes; the inventory merges on colon form.
    macs: unique([device.mac_address?.toLowerCase().replaceAll('-', ':')]),
    ...(device.serial_number === undefined ? {} : { serial: device.serial_number }),
    ...(device.instance_id === undefined ? {} : { cloudId: device.instance_id }),
    ...(os === undefined ? {} : { os }),
    ...(device.last_seen === undefined ? {} : { lastSeen: toIso(device.last_seen) }),
    ...(device.agent_version === undefined ? {} : { agentVersion: device.agent_version }),
    isolation: isolationOf(device.status),
    // Falcon grouping tags arrive as `FalconGroupingTags/<tag>`.
    tags: (device.tags ?? []).map((tag) => tag.replace(/^FalconGroupingTags\//i, '').toLowerCase()),
    raw: device,
  };
}

function osOf(device: FalconDevice): AssetRecord['os'] {
  const platform = device.platform_name?.toLowerCase();
  const family = platform === 'windows' ? 'windows' : platform === 'mac' ? 'macos' : platform === 'linux' ? 'linux' : platform === undefined ? undefined : 'other';
  if (family === undefined && device.os_version === undefined) return undefined;
  return {
    ...(family === undefined ? {} : { family }),
    ...(device.os_version === undefined ? {} : { name: device.os_version }),
    ...(device.os_build === undefined ? {} : { version: device.os_build }),
  };
}

function isolationOf(status: string | undefined): NonNullable<AssetRecord['isolation']> {
  switch (status) {
    case 'contained':
      return 'isolated';
    case 'normal':
      return 'not_isolated';
    case 'containment_pending':
    case 'lift_containment_pending':
      return 'pending';
    default:
      return 'unknown';
  }
}

/** Falcon alert → detection finding (severity 0–100 bucketed, ATT&CK tactic/technique kept). */
export function alertToEvent(alert: FalconAlert): SecurityEvent {
  const time = toIso(alert.timestamp ?? alert.created_timestamp ?? new Date(0).toISOString());
  const title = alert.display_name ?? alert.name ?? 'Falcon alert';
  const host = alert.device?.hostname;
  const fields: SecurityEvent['fields'] = {};
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') fields[key] = value;
  };
  set('host', host === undefined ? undefined : shortHostname(host));
  set('device_id', alert.device?.device_id);
  set('src_ip', alert.device?.local_ip);
  set('user', alert.user_name);
  set('process', alert.filename);
  set('parent_process', alert.parent_details?.filename);
  set('command_line', alert.cmdline);
  set('file_path', alert.filepath);
  set('sha256', alert.sha256?.toLowerCase());
  set('tactic', alert.tactic);
  set('tactic_id', alert.tactic_id);
  set('technique', alert.technique_id);
  set('technique_name', alert.technique);
  set('status', alert.status);
  set('severity_score', alert.severity);
  set('confidence', alert.confidence);
  return {
    id: `crowdstrike:${alert.composite_id}`,
    time,
    class: 'detection_finding',
    classUid: EVENT_CLASS_UID.detection_finding,
    severity: alert.severity !== undefined ? severityFrom(alert.severity) : severityFrom(alert.severity_name),
    source: 'crowdstrike',
    title,
    ...(host === undefined ? {} : { message: `${title} on ${host}` }),
    entities: entitiesOf({
      hosts: [host],
      users: [alert.user_name],
      ips: [alert.device?.local_ip, alert.device?.external_ip],
      hashes: [alert.sha256, alert.md5],
    }),
    fields,
    raw: alert,
  };
}

function toIso(value: string): string {
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? value : new Date(parsed).toISOString();
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined && value.trim() !== ''))];
}
