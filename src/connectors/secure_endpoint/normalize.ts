import { shortHostname, type AssetRecord } from '../model/asset.js';
import { EVENT_CLASS_UID, entitiesOf, severityFrom, type EventClass, type SecurityEvent } from '../model/security-event.js';
import type { SecureEndpointComputer, SecureEndpointEvent } from './client.js';

export function computerToAsset(computer: SecureEndpointComputer): AssetRecord {
  const osName = computer.operating_system ?? '';
  const family = /windows/i.test(osName) ? 'windows' : /mac/i.test(osName) ? 'macos' : /linux|ubuntu|red hat|centos/i.test(osName) ? 'linux' : 'other';
  const status = computer.isolation?.status;
  return {
    source: 'secure-endpoint',
    sourceId: computer.connector_guid,
    hostname: shortHostname(computer.hostname),
    ...(computer.hostname.includes('.') ? { fqdn: computer.hostname.toLowerCase() } : {}),
    ips: [...new Set([...(computer.internal_ips ?? []), ...(computer.network_addresses ?? []).map((address) => address.ip).filter((ip): ip is string => ip !== undefined)])],
    macs: [...new Set((computer.network_addresses ?? []).map((address) => address.mac?.toLowerCase()).filter((mac): mac is string => mac !== undefined))],
    ...(computer.windows_processor_id === undefined ? {} : { serial: computer.windows_processor_id.toUpperCase() }),
    os: { family, ...(osName === '' ? {} : { name: osName }), ...(computer.os_version === undefined ? {} : { version: computer.os_version }) },
    ...(computer.last_seen === undefined ? {} : { lastSeen: new Date(computer.last_seen).toISOString() }),
    ...(computer.connector_version === undefined ? {} : { agentVersion: computer.connector_version }),
    isolation: status === 'isolated' ? 'isolated' : status === 'not_isolated' ? 'not_isolated' : status === undefined ? 'unknown' : 'pending',
    tags: (computer.groups ?? []).map((group) => group.name).filter((name): name is string => name !== undefined).map((name) => `group:${name.toLowerCase()}`),
    raw: computer,
  };
}

export function eventToSecurityEvent(event: SecureEndpointEvent): SecurityEvent {
  const eventClass: EventClass = event.network_info !== undefined ? 'network_activity' : /threat|malware|ioc/i.test(event.event_type) ? 'detection_finding' : event.file !== undefined ? 'file_activity' : 'other';
  const hostname = event.computer?.hostname;
  const fields: SecurityEvent['fields'] = {
    event_type: event.event_type,
    host: hostname === undefined ? null : shortHostname(hostname),
    src_ip: event.network_info?.local_ip ?? event.computer?.network_addresses?.[0]?.ip ?? null,
    dst_ip: event.network_info?.remote_ip ?? null,
    dst_port: event.network_info?.remote_port ?? null,
    url: event.network_info?.dirty_url ?? null,
    file_name: event.file?.file_name ?? null,
    file_path: event.file?.file_path ?? null,
    sha256: event.file?.identity?.sha256 ?? null,
    parent_process: event.file?.parent?.file_name ?? null,
    command_line: event.command_line?.arguments ?? null,
    disposition: event.file?.disposition ?? null,
    detection: event.detection ?? null,
  };
  return {
    id: `secure-endpoint:${event.id}`,
    time: new Date(event.date).toISOString(),
    class: eventClass,
    classUid: EVENT_CLASS_UID[eventClass],
    severity: severityFrom(event.severity),
    source: 'secure-endpoint',
    title: event.detection === undefined ? event.event_type : `${event.event_type}: ${event.detection}`,
    ...(event.cloud_ioc?.description === undefined ? {} : { message: event.cloud_ioc.description }),
    entities: entitiesOf({
      hosts: [hostname],
      ips: [event.network_info?.local_ip, event.network_info?.remote_ip, ...(event.computer?.network_addresses ?? []).map((address) => address.ip)],
      hashes: [event.file?.identity?.sha256 && !/^0+$/.test(event.file.identity.sha256) ? event.file.identity.sha256 : undefined],
      urls: [event.network_info?.dirty_url],
    }),
    fields,
    raw: event,
  };
}
