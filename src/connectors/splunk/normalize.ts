import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { EVENT_CLASS_UID, entitiesOf, severityFrom, type EventClass, type SecurityEvent, type Severity } from '../model/index.js';
import type { SplunkRow } from './client.js';

/*
 * Splunk search rows → SecurityEvent, by sourcetype: Windows Security logons (4624/4625) →
 * authentication, share access (5140) and firewall connections (cisco:ftd, the Secure Firewall
 * events Splunk holds) → network_activity, mail → email_activity. Rows without `_time` (stats
 * and table output) are not events and give undefined.
 */

function first(row: SplunkRow, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = row[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined && text.trim() !== '') return text.trim();
  }
  return undefined;
}

/** `_time` as epoch seconds (`1717243200.123`) or ISO-8601 (`2024-06-01T12:00:00.000+00:00`). */
export function splunkTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const milliseconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return Number.isFinite(milliseconds) ? new Date(milliseconds).toISOString() : undefined;
}

function classOf(sourcetype: string, eventCode: string | undefined, index: string | undefined): EventClass {
  const type = sourcetype.toLowerCase();
  if (type.startsWith('wineventlog') || type.startsWith('xmlwineventlog')) {
    if (eventCode === '4624' || eventCode === '4625' || eventCode === '4648' || eventCode === '4776') return 'authentication';
    if (eventCode === '5140' || eventCode === '5145') return 'network_activity';
    return 'other';
  }
  if (type.startsWith('cisco:ftd') || type.startsWith('cisco:asa') || type.includes('firewall') || index === 'firewall') return 'network_activity';
  if (type.includes('esa') || type.includes('email') || type.includes('messagetrace') || index === 'email') return 'email_activity';
  if (type.includes('dns')) return 'dns_activity';
  return 'other';
}

function severityOf(eventClass: EventClass, row: SplunkRow, outcome: string | undefined): Severity {
  const stated = first(row, 'severity', 'urgency');
  if (stated !== undefined) return severityFrom(stated);
  if (eventClass === 'authentication') return outcome === 'failure' ? 'low' : 'info';
  if (eventClass === 'network_activity') return outcome === 'blocked' ? 'low' : 'info';
  return 'info';
}

function outcomeOf(row: SplunkRow): string | undefined {
  const action = first(row, 'action')?.toLowerCase();
  if (action === undefined) {
    const code = first(row, 'EventCode');
    return code === '4625' ? 'failure' : code === '4624' ? 'success' : undefined;
  }
  if (['failure', 'failed', 'fail'].includes(action)) return 'failure';
  if (['success', 'succeeded'].includes(action)) return 'success';
  if (['blocked', 'block', 'deny', 'denied', 'dropped'].includes(action)) return 'blocked';
  if (['allowed', 'allow', 'permitted', 'accept'].includes(action)) return 'allowed';
  return action;
}

function titleOf(eventClass: EventClass, row: SplunkRow, outcome: string | undefined): string {
  const signature = first(row, 'signature', 'subject');
  switch (eventClass) {
    case 'authentication':
      return signature ?? (outcome === 'failure' ? 'An account failed to log on' : 'An account was successfully logged on');
    case 'network_activity':
      if (first(row, 'EventCode') !== undefined) return signature ?? 'Network share accessed';
      return `Connection ${first(row, 'src_ip') ?? '?'} → ${first(row, 'dest_ip') ?? '?'}:${first(row, 'dest_port') ?? '?'} ${outcome ?? ''}`.trim();
    case 'email_activity':
      return `Email from ${first(row, 'src_user', 'sender') ?? 'unknown sender'}${signature === undefined ? '' : `: ${signature}`}`;
    default:
      return signature ?? `${first(row, 'sourcetype') ?? 'Splunk'} event`;
  }
}

/** One Splunk event row as a SecurityEvent; undefined for non-event rows (stats, table). */
export function normalizeSearchRow(row: SplunkRow): SecurityEvent | undefined {
  const time = splunkTime(first(row, '_time'));
  const sourcetype = first(row, 'sourcetype');
  if (time === undefined || sourcetype === undefined) return undefined;
  const index = first(row, 'index');
  const eventCode = first(row, 'EventCode', 'event_code');
  const eventClass = classOf(sourcetype, eventCode, index);
  const outcome = outcomeOf(row);
  const firewall = sourcetype.toLowerCase().startsWith('cisco:ftd');
  const user = first(row, 'Account_Name', 'user');
  const sourceIp = first(row, 'src_ip', 'Source_Address');
  const destinationIp = first(row, 'dest_ip');
  // On Windows logs the reporting host is the destination; firewall `host` is the sensor, not a party.
  const hosts = firewall ? [] : [first(row, 'dest', 'ComputerName'), first(row, 'Workstation_Name', 'src_host')];
  const recipient = first(row, 'recipient');
  const sender = first(row, 'src_user', 'sender');
  const fileHash = first(row, 'file_hash');
  const url = first(row, 'url');
  const uid = first(row, '_cd') ?? createHash('sha256').update(`${first(row, '_time')}|${first(row, '_raw') ?? ''}`).digest('hex').slice(0, 16);
  const fields: SecurityEvent['fields'] = {
    index: index ?? null,
    sourcetype,
    ...(firewall ? { origin: 'secure-firewall' } : {}),
  };
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  set('host', hosts.find((value) => value !== undefined));
  set('user', user);
  set('src_ip', sourceIp);
  set('dst_ip', destinationIp);
  set('event_code', eventCode);
  set('outcome', outcome);
  set('share', first(row, 'Share_Name'));
  set('sender', sender);
  set('recipient', recipient);
  set('subject', first(row, 'subject'));
  set('file_name', first(row, 'file_name'));
  set('url', url);
  set('app', first(row, 'app'));
  set('sensor', firewall ? first(row, 'host') : undefined);
  const port = first(row, 'dest_port');
  if (port !== undefined && /^\d+$/.test(port)) fields.dst_port = Number(port);
  const bytesOut = first(row, 'bytes_out');
  if (bytesOut !== undefined && /^\d+$/.test(bytesOut)) fields.bytes_out = Number(bytesOut);
  return {
    id: `splunk:${index ?? 'main'}:${uid}`,
    time,
    class: eventClass,
    classUid: EVENT_CLASS_UID[eventClass],
    severity: severityOf(eventClass, row, outcome),
    source: 'splunk',
    title: titleOf(eventClass, row, outcome),
    ...(first(row, '_raw') === undefined ? {} : { message: first(row, '_raw')!.slice(0, 500) }),
    entities: entitiesOf({
      hosts,
      users: [user, ...(eventClass === 'email_activity' ? [recipient?.split('@')[0]] : [])],
      ips: [sourceIp, destinationIp].filter((value) => value !== undefined && isIP(value) !== 0),
      hashes: [fileHash],
      urls: [url],
      domains: [sender?.split('@')[1]],
    }),
    fields,
    raw: row,
  };
}

/** The event rows of a search as SecurityEvents (non-event rows are left out). */
export function normalizeSearchRows(rows: readonly SplunkRow[]): SecurityEvent[] {
  return rows.flatMap((row) => {
    const event = normalizeSearchRow(row);
    return event === undefined ? [] : [event];
  });
}
